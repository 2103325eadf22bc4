#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make check-kernels, inside the guest: PID 1 after the initramfs switched
# into the overlay of the host's tree (tests/kernels/init.sh).  Runs the
# built dplab on this kernel, every step bounded by `timeout`, and writes
# what it saw to /kernels-out (a writable 9p share of the host's
# build/kernels/out/KERNEL/): each step's stdout (the JSON) and stderr, and
# steps.tsv "name rc seconds".  tests/kernels/matrix.py reads them on the
# host.  Ends with poweroff -f whatever happens: the host waits for qemu.
set -u
OUT=/kernels-out
# shellcheck source=/dev/null
. "$OUT/config"	# DPLAB, REPO, MODDIR, STEPS, STEP_SECONDS (written by check.sh)
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The host's busybox (busybox-static): the host tree may have no poweroff.
halt() { sync; /bin/busybox poweroff -f; }
trap halt EXIT

say() { echo "kernels: $(cut -d' ' -f1 /proc/uptime)s $*"; }

# A fresh machine over the host's files: kernel filesystems, empty /run and
# /tmp (the host's /run/dplab and /run/netns must not show through), and
# this kernel's modules from the .deb, loaded on demand by the host's kmod.
setup() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t tmpfs -o mode=755 tmpfs /run
	# A clone under the host's /tmp (CI's, say) keeps its paths: the
	# repository and this kernel's modules are bound back over the new /tmp.
	mkdir -p /mnt/host-tmp && mount --bind /tmp /mnt/host-tmp
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	for p in "$REPO" "$MODDIR"; do
		case $p in
		/tmp/*) mkdir -p "$p" && mount --bind "/mnt/host-tmp/${p#/tmp/}" "$p" ;;
		esac
	done
	mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
	mount -t bpf bpf /sys/fs/bpf
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	mkdir -p "/lib/modules/$(uname -r)"
	mount --bind "$MODDIR" "/lib/modules/$(uname -r)"
	echo /sbin/modprobe > /proc/sys/kernel/modprobe
	ip link set lo up
	hostname "guest-$(uname -r | cut -d- -f1)"
	export NODE_NAME
	NODE_NAME=$(hostname)
	uname -r > "$OUT/uname"
}

# step NAME SECONDS CMD...: CMD's stdout to NAME.json, stderr to NAME.err,
# "NAME rc seconds" to steps.tsv.  rc 124 is the timeout.
step() {
	local name=$1 secs=$2 t0 t1 rc
	shift 2
	say "$name: $*"
	t0=$(date +%s.%N)
	timeout -k 5 "$secs" "$@" > "$OUT/$name.json" 2> "$OUT/$name.err"
	rc=$?
	t1=$(date +%s.%N)
	printf '%s\t%d\t%.1f\n' "$name" "$rc" "$(echo "$t1 - $t0" | bc)" >> "$OUT/steps.tsv"
	say "$name: rc $rc"
	return $rc
}

# The probe's cases, all in one namespace and one call (each dplab start
# loads the probe's programs: slow under TCG): a plain veth pair; one whose
# peer's MTU is above what XDP on veth accepts (ERANGE); one with fewer rx
# queues than its peer has tx queues (ENOSPC).
probe_cases() {
	local ns=kprobe
	ip netns add $ns &&
	ip -n $ns link add v0 type veth peer name v1 &&
	ip -n $ns link add m0 type veth peer name m1 mtu 9000 &&
	ip -n $ns link add q0 numrxqueues 1 numtxqueues 1 type veth peer name q1 \
		numrxqueues 2 numtxqueues 2 &&
	for d in v0 v1 m0 m1 q0 q1; do ip -n $ns link set dev $d up || return 1; done
	step probe "$STEP_SECONDS" "$DPLAB" probe --netns $ns --trials --json v0 m0 q0
	ip netns del $ns
}

# dplab in a node or pod of the topology: `dplab exec`, trimmed output.
run_in() {
	local where=$1
	shift
	timeout -k 2 10 "$DPLAB" exec ktopo "$where" -- "$@" 2>&1 | head -n 1
}

# The servers tests/lib/cluster_env.c starts: each answers with the
# address it sees the client as.
servers() {
	local echo_peer='SYSTEM:echo $SOCAT_PEERADDR' w
	for w in "node2/pod1 TCP-LISTEN:8080" "node2/pod2 TCP-LISTEN:8080" \
		 "node2/pod1 UDP-LISTEN:5353" "ext1 TCP-LISTEN:7000"; do
		set -- $w
		"$DPLAB" exec ktopo "$1" -- sh -c "timeout 600 socat $2,fork,reuseaddr \
'$echo_peer' >/dev/null 2>&1 &" || return 1
	done
	sleep 0.5
}

# As stop_servers() in tests/lib/cluster_env.c: down refuses to remove a
# node's cgroup while processes dplab exec started still live in it.
stop_servers() {
	local ns
	for ns in $(ip netns list | awk '/^dplab-ktopo-/ {print $1}'); do
		ip netns pids "$ns" | xargs -r kill 2>/dev/null
	done
	sleep 0.3
}

# check NAME EXPECTED ACTUAL: one line of PRESET-checks.tsv.
check() {
	local ok=pass
	[ "$2" = "$3" ] || ok=fail
	printf '%s\t%s\t%s\t%s\n' "$1" "$ok" "$2" "$3" >> "$OUT/$preset-checks.tsv"
	say "check $preset $1: $ok (want '$2', got '$3')"
}

# The traffic checks of cluster_check_traffic() (tests/lib/cluster_env.c)
# for presets whose knobs are native routing (A and E): pod to pod across
# nodes, TCP and UDP to ClusterIP, NodePort from the external host on the
# backends' node (and on node1 when kube-proxy serves it: A), pod to
# external host seen as the node (masquerade).
traffic() {
	local r svc
	svc=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["knobs"]["service_lb"])' \
		< "$OUT/$preset-status.json")
	r=$(timeout -k 2 10 "$DPLAB" exec ktopo node1/pod1 -- ping -c 1 -W 3 10.244.2.2 \
		>/dev/null 2>&1 && echo replied)
	check ping-pod-to-pod replied "$r"
	check tcp-clusterip 10.244.1.2 "$(run_in node1/pod1 socat -T3 - \
		TCP:10.96.0.10:80,connect-timeout=3 </dev/null)"
	r=$(run_in node1/pod1 sh -c 'for i in 1 2 3; do r=$(echo q | socat -T2 - UDP:10.96.0.53:53);
		[ -n "$r" ] && echo "$r" && break; done')
	check udp-clusterip 10.244.1.2 "$r"
	r=$(run_in ext1 socat -T3 - TCP:192.168.100.2:30080,connect-timeout=3 </dev/null)
	case "$r" in *.*.*.*) r=answered ;; esac
	check nodeport-node2 answered "$r"
	if [ "$svc" = iptables ]; then
		check nodeport-node1-snat 192.168.100.1 "$(run_in ext1 socat -T3 - \
			TCP:192.168.100.1:30080,connect-timeout=3 </dev/null)"
	fi
	check pod-to-external-masq 192.168.100.1 "$(run_in node1/pod1 socat -T3 - \
		TCP:192.168.100.100:7000,connect-timeout=3 </dev/null)"
	[ "$svc" = socket ] && no_backend
}

# README's row for bpf_set_retval (>= 5.18): socket LB fails connect() to a
# service without backends with EHOSTUNREACH (the service "empty" main()
# adds to the topology); below 5.18 the program cannot set the error and
# the call fails with EPERM (README's table says so).
no_backend() {
	local r want=EHOSTUNREACH ok
	r=$(timeout -k 2 10 "$DPLAB" exec ktopo node1/pod1 -- socat -T3 - \
		TCP:10.96.0.99:80,connect-timeout=3 </dev/null 2>&1)
	case "$r" in
	*"No route to host"*) r=EHOSTUNREACH ;;
	*"Connection refused"*) r=ECONNREFUSED ;;
	*"Operation not permitted"*) r=EPERM ;;
	*"timed out"*) r=ETIMEDOUT ;;
	*) r=$(echo "$r" | tail -n 1) ;;
	esac
	[ "$kver_num" -ge 518 ] || want=EPERM
	[ "$r" = "$want" ] && ok=pass || ok=fail
	printf '%s\t%s\t%s\t%s\n' clusterip-no-backend "$ok" "$want" "$r" >> "$OUT/$preset-checks.tsv"
	say "check $preset clusterip-no-backend: $ok (got '$r')"
}

# up PRESET, status, the traffic checks, down: every step recorded.
cluster() {
	preset=$1
	: > "$OUT/$preset-checks.tsv"
	if step "$preset-up" "$STEP_SECONDS" "$DPLAB" up --topology "$topo" --profile "$preset" \
		--json && step "$preset-status" 60 "$DPLAB" status --topology ktopo --json &&
		servers; then
		traffic
	else
		check up-and-status 0 1
	fi
	stop_servers
	step "$preset-down" "$STEP_SECONDS" "$DPLAB" down --topology ktopo
}

main() {
	setup
	say "up: $(uname -r), $(nproc) CPUs"
	cd "$REPO" || exit 1
	: > "$OUT/steps.tsv"
	topo=/tmp/ktopo.topo
	sed 's/^topology name=two-node/topology name=ktopo/' topologies/two-node.topo > "$topo"
	echo "service name=empty vip=10.96.0.99 port=80 proto=tcp target_port=8080" >> "$topo"
	kver_num=$(uname -r | awk -F. '{ printf "%d%02d", $1, $2 }')
	for s in $STEPS; do
		case "$s" in
		probe) probe_cases ;;
		[A-E]) cluster "$s" ;;
		esac
	done
	dmesg > "$OUT/dmesg.txt"
	say "done"
	echo done > "$OUT/finished"
}

main
