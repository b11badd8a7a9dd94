#!/bin/sh
# Record -> replay of every bare-metal guest test: identical console output,
# exit status and final state digest. Guests that need devices on the
# command line (virtio_*) have their own scripts.
. "$(dirname "$0")/lib.sh"
n=0
for elf in tests/guest/*.elf; do
    [ -f "$elf" ] || continue
    case $elf in */virtio_*) continue ;; esac   # needs devices: virtio-rr.sh
    rr_compare "$(basename "$elf" .elf)" /dev/null -M virt -m 128M -bios none -kernel "$elf" -nographic
    n=$((n + 1))
done
[ $n -gt 0 ] || fail "no guest tests were built"
finish
