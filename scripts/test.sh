#!/bin/sh
# Sets up a fresh Debian 12 machine (as root), builds Reprise and runs every
# test (make check). Ends with the line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then
    ./scripts/setup.sh || exit 1
else
    ./scripts/setup.sh || echo "test: continuing without installing packages"
fi
./scripts/build.sh || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
make -j"$(nproc)" check >check.out 2>&1
status=$?
grep -E '^(PASS|FAIL|XFAIL|XPASS|ERROR|SKIP):' check.out
if [ $status -ne 0 ]; then
    # show the logs of what failed
    for log in $(grep -lE '^(FAIL|ERROR|XPASS)' $(find . -name '*.trs') 2>/dev/null); do
        echo "---- ${log%.trs}.log"
        tail -n 40 "${log%.trs}.log"
    done
fi
pass=$(grep -cE '^PASS:' check.out)
fail=$(grep -cE '^(FAIL|XPASS|ERROR):' check.out)
skip=$(grep -cE '^SKIP:' check.out)
if [ $status -ne 0 ] && [ "$fail" -eq 0 ]; then
    tail -n 30 check.out
    fail=1
fi
echo "$pass passed, $fail failed, $skip skipped"
[ $status -eq 0 ] && [ "$fail" -eq 0 ]
