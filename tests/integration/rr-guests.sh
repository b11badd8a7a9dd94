#!/bin/sh
# Record -> replay of every bare-metal guest test: identical console output,
# exit status and final state digest.
. "$(dirname "$0")/lib.sh"
n=0
for elf in tests/guest/*.elf; do
    [ -f "$elf" ] || continue
    rr_compare "$(basename "$elf" .elf)" /dev/null -M virt -m 128M -bios none -kernel "$elf" -nographic
    n=$((n + 1))
done
[ $n -gt 0 ] || fail "no guest tests were built"
finish
