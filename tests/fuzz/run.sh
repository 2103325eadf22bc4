#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Run libFuzzer targets: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# (every target in BUILD_DIR/fuzz when none is named).
#
# Each runs for SECONDS over a working corpus (OUT/corpus-work/NAME,
# where new inputs go) and its committed seeds (tests/fuzz/corpus/NAME, read
# only).  One line per target: executions, the corpus size, and the verdict.
# Exit 1 on any crash, leak, timeout or UB report (UBSan aborts); the input
# is kept in OUT/artifacts/ and the report in OUT/logs/NAME.log, OUT being
# $FUZZ_OUT or BUILD_DIR (make check uses its own, beside a running make fuzz).
# FUZZ_ARGS adds libFuzzer options (make fuzz: -runs=N for fuzz_datapath).
set -u
build=${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
secs=${2:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- $(cd "$build/fuzz" 2>/dev/null && ls fuzz_* 2>/dev/null)
[ $# -gt 0 ] || { echo "fuzz: no targets in $build/fuzz (make fuzz-build)" >&2; exit 1; }
out=${FUZZ_OUT:-$build}
mkdir -p "$out/artifacts" "$out/logs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for t in "$@"; do
	name=${t#fuzz_}
	bin=$build/fuzz/fuzz_$name
	seeds=$here/corpus/$name
	work=$out/corpus-work/$name
	log=$out/logs/$name.log
	if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
		echo "fuzz_$name: FAILED: no binary $bin or no seeds $seeds"
		failed=1
		continue
	fi
	mkdir -p "$work"
	# -close_fd_mask=3: the parsers' own messages are noise; libFuzzer
	# keeps its reports (and the sanitizers') on a copy of stderr.
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$name-" ${FUZZ_ARGS:-} \
		"$work" "$seeds" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	size=$(ls "$work" | wc -l)
	if [ $rc -eq 0 ]; then
		echo "fuzz_$name: ${runs:-?} executions in $secs s, corpus $size new + $(ls "$seeds" | wc -l) seeds, no crash, leak or UB report"
	else
		echo "fuzz_$name: FAILED (exit $rc) after ${runs:-?} executions; report: $log"
		grep -m3 -E "ERROR: |runtime error|SUMMARY" "$log" | sed 's/^/    /'
		ls "$out/artifacts/$name-"* 2>/dev/null | sed 's/^/    input: /'
		failed=1
	fi
done
exit $failed
