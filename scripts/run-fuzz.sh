#!/bin/sh
# run-fuzz.sh FUZZER CORPUS WORKDIR SECONDS
# Runs one libFuzzer target for a bounded time, starting from the committed
# corpus (copied, so the source tree is never written).  A crash leaves its
# input in WORKDIR/crash-* and fails the run; add it to the corpus once fixed.
set -eu
fuzzer=$1 corpus=$2 work=$3 secs=$4
rm -rf "$work"
mkdir -p "$work/corpus"
if [ -d "$corpus" ]; then
	cp -R "$corpus/." "$work/corpus/"
fi
cd "$work"
exec "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$work/" corpus
