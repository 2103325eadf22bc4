#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make bench-cluster: wall time to bring the default two-node topology up
# with preset E (from nothing), and to switch one knob on it, RUNS times;
# prints median, min and max.  Uses its own topology name, removed at the end.
set -euo pipefail
DPLAB=${DPLAB:-build/dplab}
RUNS=${RUNS:-5}
name=bench$$
topo=/tmp/dplab-$name.topo
trap '"$DPLAB" down --topology "$name" >/dev/null 2>&1 || true; rm -f "$topo"' EXIT
trap 'exit 130' INT TERM
sed "s/^topology name=two-node/topology name=$name/" topologies/two-node.topo > "$topo"

ms() { # command... -> elapsed milliseconds
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }'
}

stats() {
	sort -n | awk '{v[NR]=$1} END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
		printf "median %8.1f ms  min %8.1f  max %8.1f  (n=%d)\n", m, v[1], v[NR], NR}'
}

up=() knob=() back=() down=()
for ((i = 0; i < RUNS; i++)); do
	[ -t 2 ] && printf '\rbench-cluster: run %d/%d' $((i + 1)) "$RUNS" >&2
	up+=("$(ms "$DPLAB" up --topology "$topo" --profile E)")
	knob+=("$(ms "$DPLAB" set --topology "$name" service_lb=tc)")
	back+=("$(ms "$DPLAB" set --topology "$name" service_lb=socket)")
	down+=("$(ms "$DPLAB" down --topology "$name")")
done
[ -t 2 ] && printf '\r\033[K' >&2
echo "two-node topology, $(uname -r), $(nproc) CPUs, $RUNS runs:"
printf '  up, preset E, from nothing     '; printf '%s\n' "${up[@]}" | stats
printf '  set service_lb=tc (from E)     '; printf '%s\n' "${knob[@]}" | stats
printf '  set service_lb=socket (back)   '; printf '%s\n' "${back[@]}" | stats
printf '  down                           '; printf '%s\n' "${down[@]}" | stats
