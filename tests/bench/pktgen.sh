#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make bench-pktgen: the generator's maximum transmit rate (sequence numbers
# and scheduled timestamps on) against `dpdk-testpmd --forward-mode=txonly`,
# on the same veth end with the same PMD, alternating RUNS times (default 5,
# SECS seconds each, default 3).  The far end of the veth pair drops every
# frame with an XDP program in native mode, so the receive side costs little
# and the same for both.  Prints median, min and max of each and the ratio
# of the medians (target: pktgen/testpmd >= 1).
#
# Everything runs in a namespace of its own, deleted at exit.  af_xdp needs
# hugepages: if none are set, 512 are set for the run and the previous value
# is restored at exit; if that fails, af_xdp is reported as SKIP with the
# reason.  Environment: RUNS, SECS, PMDS ("af_packet af_xdp"), RATE (offered
# pps, default 5e6: above what either reaches here), PKTGEN, TESTPMD,
# DROP_OBJ (default build/pktgen_drop.bpf.o), DROP_PROG (default xdp_drop_all:
# the object has two programs in section "xdp", so it is chosen by name).
set -euo pipefail
PKTGEN=${PKTGEN:-build/dplab-pktgen}
TESTPMD=${TESTPMD:-dpdk-testpmd}
DROP_OBJ=${DROP_OBJ:-build/pktgen_drop.bpf.o}
DROP_PROG=${DROP_PROG:-xdp_drop_all}
RUNS=${RUNS:-5}
SECS=${SECS:-3}
PMDS=${PMDS:-af_packet af_xdp}
RATE=${RATE:-5000000}
ns=dplab-bpg$$
prefix=dplab-bench-testpmd-$$
hp=/proc/sys/vm/nr_hugepages
hp_prev=$(cat "$hp")
[ -d /var/run/dpdk ] && had_run_dir=1 || had_run_dir=0
tmp=$(mktemp -d /tmp/dplab-bench-pktgen.XXXXXX)

cleanup() {
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "/var/run/dpdk/$prefix" "$tmp"
	[ "$had_run_dir" = 1 ] || rmdir /var/run/dpdk 2>/dev/null || true
	[ "$(cat "$hp")" = "$hp_prev" ] || echo "$hp_prev" > "$hp" || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v "$TESTPMD" >/dev/null || { echo "bench-pktgen: $TESTPMD not found (Debian 12: package dpdk-dev; make deps)" >&2; exit 2; }
[ -x "$PKTGEN" ] || { echo "bench-pktgen: $PKTGEN not built (make)" >&2; exit 2; }
[ -f "$DROP_OBJ" ] || { echo "bench-pktgen: $DROP_OBJ not built (make)" >&2; exit 2; }

ip netns add "$ns"
ip -n "$ns" link add name a type veth peer name b
ip -n "$ns" link set dev a up
ip -n "$ns" link set dev b up
ip -n "$ns" link set dev b xdpdrv obj "$DROP_OBJ" program "$DROP_PROG"
ip -n "$ns" -d link show dev b | grep -q "prog/xdp id [0-9]* name $DROP_PROG " ||
	{ echo "bench-pktgen: $DROP_PROG is not attached to b" >&2; exit 1; }

stats() { # numbers on stdin -> "median min max n"
	sort -g | awk '{v[NR]=$1} END { if (!NR) { print "nan nan nan 0"; exit }
		m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
		printf "%.0f %.0f %.0f %d\n", m, v[1], v[NR], NR }'
}

# testpmd txonly, 60-byte frames (64 on the wire with the FCS), one
# forwarding lcore on CPU 0 like the generator (main lcore on CPU 1, idle
# between stats).  Its own per-second "Tx-pps:" figures, the warm-up seconds
# (zero and the first non-zero one) left out; the median of the rest.
testpmd_pps() { # pmd -> pps
	local eal out
	case $1 in
	af_packet) eal=(--no-huge -m 256 --no-shconf --vdev "net_af_packet0,iface=a") ;;
	af_xdp) eal=(--in-memory -m 256 --vdev "net_af_xdp0,iface=a,start_queue=0,queue_count=1") ;;
	esac
	out=$tmp/testpmd.out
	timeout -s INT $((SECS + 3)) ip netns exec "$ns" "$TESTPMD" -l 0,1 --main-lcore 1 \
		--no-pci --no-telemetry --file-prefix "$prefix" --log-level='*:warning' "${eal[@]}" -- \
		--forward-mode=txonly --txpkts=60 --total-num-mbufs=8192 \
		--stats-period 1 --auto-start >"$out" 2>&1 || true
	rm -rf "/var/run/dpdk/$prefix"
	awk '/Tx-pps:/ { v = $2 + 0; if (!v && !seen) next; if (!seen++) next; print v }' "$out" |
		stats | awk '$4 > 0 { print $1; ok = 1 } END { exit !ok }' ||
		{ echo "bench-pktgen: testpmd ($1) gave no Tx-pps; its output:" >&2; tail -20 "$out" >&2; return 1; }
}

# dplab-pktgen at an offered rate above what it reaches; its achieved pps
# (frames the PMD accepted / elapsed) from the JSON totals.
pktgen_pps() { # pmd -> pps
	local out=$tmp/pktgen.json
	timeout $((SECS + 20)) "$PKTGEN" --iface a --netns "$ns" --pmd "$1" --rate "$RATE" \
		--max-rate "$RATE" --size 64 --duration "$SECS" --json "$out" >"$tmp/pktgen.err" 2>&1 ||
		{ echo "bench-pktgen: dplab-pktgen ($1) failed:" >&2; tail -20 "$tmp/pktgen.err" >&2; return 1; }
	python3 -c 'import json,sys; print("%.0f" % json.load(open(sys.argv[1]))["totals"]["achieved_pps"])' "$out"
}

hugepages() { # make sure some 2 MB hugepages are free; echo a reason if not
	local free
	free=$(awk '/HugePages_Free/ { print $2 }' /proc/meminfo)
	[ "${free:-0}" -ge 256 ] && return 0
	echo 512 > "$hp" 2>/dev/null || { echo "cannot write $hp"; return 1; }
	free=$(awk '/HugePages_Free/ { print $2 }' /proc/meminfo)
	[ "${free:-0}" -ge 256 ] || { echo "only ${free:-0} hugepages after setting 512"; return 1; }
}

echo "veth a -> b (XDP drop on b, native), 64-byte frames, $(uname -r), $(nproc) CPUs, $RUNS runs of ${SECS} s, alternating:"
printf '  %-9s  %-8s  %10s  %10s  %10s\n' pmd sender 'median pps' min max
for pmd in $PMDS; do
	if [ "$pmd" = af_xdp ]; then
		if ! why=$(hugepages); then
			echo "  SKIP af_xdp: $why"
			continue
		fi
	fi
	tp=() pg=()
	for ((i = 0; i < RUNS; i++)); do
		[ -t 2 ] && printf '\rbench-pktgen: %s run %d/%d' "$pmd" $((i + 1)) "$RUNS" >&2
		tp+=("$(testpmd_pps "$pmd")") || { tp=(); break; }
		pg+=("$(pktgen_pps "$pmd")") || { pg=(); break; }
	done
	[ -t 2 ] && printf '\r\033[K' >&2
	if [ ${#tp[@]} -eq 0 ] || [ ${#pg[@]} -eq 0 ]; then
		echo "  FAIL $pmd: see the messages above"
		continue
	fi
	read -r tm tmin tmax _ < <(printf '%s\n' "${tp[@]}" | stats)
	read -r gm gmin gmax _ < <(printf '%s\n' "${pg[@]}" | stats)
	printf '  %-9s  %-8s  %10s  %10s  %10s\n' "$pmd" testpmd "$tm" "$tmin" "$tmax"
	printf '  %-9s  %-8s  %10s  %10s  %10s\n' "$pmd" pktgen "$gm" "$gmin" "$gmax"
	awk -v g="$gm" -v t="$tm" -v p="$pmd" 'BEGIN { r = g / t;
		printf "  %-9s  ratio pktgen/testpmd %.2f (%s)\n", p, r, (r >= 1) ? "target met" : "below target" }'
	if [ "$pmd" = af_xdp ] && [ "$(cat "$hp")" != "$hp_prev" ]; then echo "$hp_prev" > "$hp"; fi
done
exit 0
