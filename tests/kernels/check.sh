#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make check-kernels: boot Debian's packaged kernels under qemu and run the
# built dplab in each (tests/kernels/guest.sh): the probe on veth cases,
# `dplab up` with presets A and E and the cluster's traffic checks, `dplab
# status --json`.  Then tests/kernels/matrix.py turns the records into
# docs/KERNELS.md and compares them with README's kernel table.
#
# Usage: check.sh BUILD_DIR    (run from the source tree, as root)
# Environment: KERNELS (default "6.1 5.10"), STEPS (default "probe A E"),
#   KERNEL_MINUTES (qemu is killed after this long, default 12),
#   STEP_SECONDS (one dplab step in the guest, default 300),
#   QEMU_SMP, QEMU_MEM (default 2, 2048).
#
# The kernels are Debian's linux-image-*-amd64 packages: bookworm's (6.1)
# from the system's apt sources, bullseye's (5.10) through an apt
# configuration of its own under BUILD/kernels/apt (the system's sources
# are never changed).  The .deb is unpacked, never installed.  The guest
# has no network device: only its own namespaces.
set -euo pipefail
BUILD=${1:?usage: check.sh BUILD_DIR}
KERNELS=${KERNELS:-6.1 5.10}
STEPS=${STEPS:-probe A E}
KERNEL_MINUTES=${KERNEL_MINUTES:-12}
STEP_SECONDS=${STEP_SECONDS:-300}
QEMU_SMP=${QEMU_SMP:-2}
QEMU_MEM=${QEMU_MEM:-2048}
REPO=$(pwd -P)
BUILD=$(cd "$BUILD" && pwd -P)
KDIR=$BUILD/kernels
HERE=$REPO/tests/kernels

tmp=$(mktemp -d /tmp/dplab-kernels.XXXXXX)
qemu_pid=
cleanup() {
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "check-kernels: interrupted" >&2; exit 130' INT TERM

say() { echo "check-kernels: $*"; }
die() { echo "check-kernels: $*" >&2; exit 1; }

# ------------------------------------------------------------ packages
# apt for bullseye (5.10) with its own lists, cache and (empty) status,
# leaving the system's apt alone.
bullseye_apt() {
	local d=$KDIR/apt
	mkdir -p "$d/sources" "$d/lists/partial" "$d/cache/archives/partial"
	touch "$d/status"
	cat > "$d/sources/bullseye.sources" <<-EOF
	Types: deb
	URIs: http://deb.debian.org/debian
	Suites: bullseye
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

	Types: deb
	URIs: http://deb.debian.org/debian-security
	Suites: bullseye-security
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	APT_OPTS=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$d/sources"
		-o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
		-o "Dir::State::status=$d/status" -o Debug::NoLocking=1)
	# Lists older than a day are fetched again (security updates move the ABI).
	if [ -z "$(find "$d/lists" -name '*_Packages*' -mtime -1 2>/dev/null)" ]; then
		apt-get "${APT_OPTS[@]}" -qq update || return 1
	fi
}

# apt_for SERIES: APT_OPTS for the archive that series comes from.
apt_for() {
	APT_OPTS=()
	case "$1" in
	6.1) ;;
	5.10) bullseye_apt || die "deb.debian.org does not serve bullseye (apt-get update failed)" ;;
	*) die "unknown kernel series $1 (known: 6.1 bookworm, 5.10 bullseye)" ;;
	esac
}

# kernel_package: the linux-image-VERSION-amd64 package the metapackage
# linux-image-amd64 points to in the archive of APT_OPTS.
kernel_package() {
	apt-cache "${APT_OPTS[@]}" depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# fetch SERIES: unpack the kernel into KDIR/KVER (vmlinuz, modules with
# their depmod indexes) unless there; prints KVER.
fetch() {
	local series=$1 pkg kver dest deb
	apt_for "$series"
	pkg=$(kernel_package)
	[ -n "$pkg" ] || die "no linux-image for $series in apt's lists (apt-get update?)"
	case "$pkg" in linux-image-"$series".*) ;; *) die "$series resolves to $pkg" ;; esac
	kver=${pkg#linux-image-}
	dest=$KDIR/$kver
	if [ ! -f "$dest/ok" ]; then
		rm -rf "$dest" && mkdir -p "$dest" "$KDIR/debs"
		say "$series: downloading $pkg" >&2
		( cd "$KDIR/debs" && rm -f "${pkg}"_*.deb &&
		  { apt-get "${APT_OPTS[@]}" -qq download "$pkg" 2>/dev/null ||
		    { apt-get -qq update && apt-get "${APT_OPTS[@]}" -qq download "$pkg"; }; } ) ||
			die "cannot download $pkg"
		deb=$(ls "$KDIR/debs/${pkg}"_*.deb)
		dpkg -x "$deb" "$dest/root"
		depmod -b "$dest/root" "$kver"
		basename "$deb" > "$dest/ok"
	fi
	echo "$kver"
}

# ------------------------------------------------------------ initramfs
# busybox, tests/kernels/init.sh as /init and the modules it loads to
# reach the host's tree, in the order modprobe would load them.
initramfs() {
	local kver=$1 root=$KDIR/$1/root d=$tmp/initramfs-$1 m rel
	local out=$KDIR/$kver/initramfs.gz
	if [ -f "$out" ] && [ "$out" -nt "$HERE/init.sh" ]; then
		return 0
	fi
	rm -rf "$d" && mkdir -p "$d/bin" "$d/proc" "$d/sys" "$d/dev"
	cp /bin/busybox "$d/bin/"
	for m in sh mount umount insmod mkdir poweroff switch_root cat echo; do
		ln -s busybox "$d/bin/$m"
	done
	install -m 755 "$HERE/init.sh" "$d/init"
	: > "$d/modules.order"
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$root" -S "$kver" --show-depends "$m" ||
			die "$kver: no module $m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r m; do
		rel=${m#"$root"/}
		mkdir -p "$d/$(dirname "$rel")"
		cp "$m" "$d/$rel"
		echo "$rel" >> "$d/modules.order"
	done
	( cd "$d" && find . | busybox cpio -o -H newc 2>/dev/null ) | gzip -1 > "$out.tmp"
	mv "$out.tmp" "$out"
}

# ------------------------------------------------------------ boot
# qemu takes the first accelerator that initialises: KVM where /dev/kvm
# works, else TCG (this machine: no hardware virtualization).
accel() {
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then echo "-accel kvm -accel tcg"; else echo "-accel tcg"; fi
}

# boot KVER: run guest.sh in qemu; records in KDIR/out/KVER.  The console
# goes to console.log, its "kernels:" lines to the terminal as progress.
boot() {
	local kver=$1 out=$KDIR/out/$1 acc=$2 rc=0 t0
	rm -rf "$out" && mkdir -p "$out"
	cat > "$out/config" <<-EOF
	DPLAB=$BUILD/dplab
	REPO=$REPO
	MODDIR=$KDIR/$kver/root/lib/modules/$kver
	STEPS="$STEPS"
	STEP_SECONDS=$STEP_SECONDS
	EOF
	t0=$(date +%s)
	say "$kver: booting (qemu $acc, at most $KERNEL_MINUTES min)"
	timeout -k 10 "${KERNEL_MINUTES}m" qemu-system-x86_64 $acc -cpu max \
		-m "$QEMU_MEM" -smp "$QEMU_SMP" -nographic -no-reboot -nic none -monitor none \
		-kernel "$KDIR/$kver/root/boot/vmlinuz-$kver" -initrd "$KDIR/$kver/initramfs.gz" \
		-append "console=ttyS0 panic=1 quiet dplab.guest=$HERE/guest.sh" \
		-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$out,mount_tag=out,security_model=none,multidevs=remap" \
		</dev/null > "$out/console.log" 2>&1 &
	qemu_pid=$!
	tail -n +1 -f --pid=$qemu_pid "$out/console.log" 2>/dev/null |
		grep -a --line-buffered '^kernels:' | sed -u "s/^kernels:/  $kver:/" || true
	wait $qemu_pid || rc=$?
	qemu_pid=
	echo "$(($(date +%s) - t0))" > "$out/wall_seconds"
	[ $rc -eq 124 ] && say "$kver: killed after $KERNEL_MINUTES min" >&2
	[ -f "$out/finished" ] || { say "$kver: the guest did not finish (qemu rc $rc)" >&2; return 1; }
	say "$kver: done in $(cat "$out/wall_seconds") s"
}

main() {
	local series kver acc rc=0 kvers=()
	[ "$(id -u)" -eq 0 ] || die "run as root"
	[ -x "$BUILD/dplab" ] || die "$BUILD/dplab is not built"
	mkdir -p "$KDIR/out"
	acc=$(accel)
	for series in $KERNELS; do
		fetch "$series" > "$tmp/kver"
		kver=$(cat "$tmp/kver")
		initramfs "$kver"
		kvers+=("$kver")
	done
	for kver in "${kvers[@]}"; do
		boot "$kver" "$acc" || rc=1
	done
	python3 "$HERE/matrix.py" --readme README.md --out docs/KERNELS.md \
		"${kvers[@]/#/$KDIR/out/}" || rc=1
	return $rc
}

main
