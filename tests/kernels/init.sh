#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# /init of the guest's initramfs (busybox sh, PID 1), for make check-kernels.
# Loads the few modules needed to reach the host's tree (virtio, 9p, overlay:
# the list and order come from the host's modprobe --show-depends, in
# /modules.order), mounts that tree read-only with a tmpfs overlay on top so
# the guest may write without touching the host, mounts the writable share of
# this run's records, and hands PID 1 to tests/kernels/guest.sh inside the
# overlay: dplab then runs with the host's own libraries and tools.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

fail() {
	echo "kernels-init: $*" >&2
	poweroff -f
}

while read -r m; do
	insmod "/$m" || fail "insmod $m failed"
done < /modules.order

# The guest script's path is given on the kernel command line (a word with a
# dot is not passed to init, so read it from /proc/cmdline).
script=
for w in $(cat /proc/cmdline); do
	case "$w" in
	dplab.guest=*) script=${w#dplab.guest=} ;;
	esac
done
[ -n "$script" ] || fail "no dplab.guest= on the kernel command line"

mkdir -p /lower /upper /newroot
# msize: fewer, bigger 9p messages (each costs a virtio exit, slow under TCG).
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose host /lower ||
	fail "cannot mount the host's tree (9p tag host)"
mount -t tmpfs -o size=60% tmpfs /upper || fail "tmpfs"
mkdir -p /upper/u /upper/w
mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w overlay /newroot ||
	fail "overlay over the host's tree"
mkdir -p /newroot/kernels-out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /newroot/kernels-out ||
	fail "cannot mount the records share (9p tag out)"
[ -x "/newroot$script" ] || fail "$script is not executable in the host's tree"

umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot "$script"
