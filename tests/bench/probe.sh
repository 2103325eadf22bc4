#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make bench-probe: wall time of `dplab probe` on one veth interface, with all
# trials and with --read-only (the peer measured in the same run), RUNS times
# each, alternating; prints median, min and max in milliseconds.
set -euo pipefail
DPLAB=${DPLAB:-build/dplab}
RUNS=${RUNS:-21}
ns=dplab-bench-$$
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

ip netns add "$ns"
ip -n "$ns" link add name veth0 type veth peer name veth1
ip -n "$ns" link set dev veth0 up
ip -n "$ns" link set dev veth1 up

ms() { # command... -> elapsed milliseconds (3 decimals)
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }'
}

stats() { # numbers on stdin -> "median X  min Y  max Z"
	sort -n | awk '{v[NR]=$1} END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
		printf "median %8.1f ms  min %8.1f  max %8.1f  (n=%d)\n", m, v[1], v[NR], NR}'
}

full=() ro=()
for ((i = 0; i < RUNS; i++)); do
	[ -t 2 ] && printf '\rbench-probe: run %d/%d' $((i + 1)) "$RUNS" >&2
	full+=("$(ms "$DPLAB" probe --netns "$ns" veth0)")
	ro+=("$(ms "$DPLAB" probe --read-only --netns "$ns" veth0)")
done
[ -t 2 ] && printf '\r\033[K' >&2
echo "dplab probe on veth0 ($(uname -r), $(nproc) CPUs), $RUNS runs each, alternating:"
printf '  all trials   '; printf '%s\n' "${full[@]}" | stats
printf '  --read-only  '; printf '%s\n' "${ro[@]}" | stats
