#!/bin/sh
# Builds the session-log fuzzer (tests/fuzz/rlog_fuzz.c) with clang's libFuzzer
# and ASan/UBSan, seeds it from `rlog_test --corpus`, and runs it for SECONDS
# (default 60, or $RLOG_FUZZ_SECONDS). Exits 77 (skip) without clang/libFuzzer.
# Crash inputs are kept in $RLOG_FUZZ_ARTIFACTS (default ./rlog-fuzz-artifacts);
# set $RLOG_FUZZ_CORPUS to a directory to keep the grown corpus between runs.
set -u
secs=${1:-${RLOG_FUZZ_SECONDS:-60}}
top=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
cc=${CLANG:-clang}
artifacts=${RLOG_FUZZ_ARTIFACTS:-$PWD/rlog-fuzz-artifacts}

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "run-fuzz.sh: $cc not found (install clang); skipping"
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/rlog-fuzz.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n' \
    >"$work/probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$work/probe.c" -o "$work/probe" 2>/dev/null; then
    echo "run-fuzz.sh: $cc cannot build with -fsanitize=fuzzer (libFuzzer missing); skipping"
    exit 77
fi
deps=$(pkg-config --cflags --libs liblz4 libcbor glib-2.0) || {
    echo "run-fuzz.sh: liblz4, libcbor or glib-2.0 development files are missing"
    exit 99
}

cflags="-std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -I$top/src -I$top/tests/unit"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
# shellcheck disable=SC2086
"$cc" $cflags $san "$top/tests/unit/rlog_test.c" "$top/src/record/rlog.c" "$top/src/util.c" \
    $deps -o "$work/rlog_test" || exit 99
"$work/rlog_test" --corpus "$work/seeds" || exit 99
# shellcheck disable=SC2086
"$cc" $cflags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    "$top/tests/fuzz/rlog_fuzz.c" "$top/src/record/rlog.c" "$top/src/util.c" \
    $deps -o "$work/rlog_fuzz" || exit 99

corpus=${RLOG_FUZZ_CORPUS:-$work/corpus}
mkdir -p "$corpus" "$artifacts"
echo "run-fuzz.sh: fuzzing the log reader for ${secs}s"
"$work/rlog_fuzz" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" "$work/seeds" \
    >"$work/log" 2>&1
status=$?
tail -n 25 "$work/log"
if [ "$status" -ne 0 ]; then
    echo "run-fuzz.sh: the fuzzer failed (status $status); inputs kept in $artifacts/."
    echo "Reproduce: build as above, then run: rlog_fuzz $artifacts/<crash-file>"
    exit 1
fi
rmdir "$artifacts" 2>/dev/null
exit 0
