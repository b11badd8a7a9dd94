#!/bin/sh
# The main job on the default guest: sets up a fresh Debian 12 machine (as
# root), builds Reprise, records a session of OpenSBI + U-Boot while a
# script types at its console, replays it with no input and with analysis
# plugins attached, and describes the recording.
#   scripts/demo.sh          the U-Boot session
#   scripts/demo.sh linux    a Linux session instead (builds the Linux guest
#                            first: a few minutes, once)
set -u
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then ./scripts/setup.sh || exit 1; fi
./scripts/build.sh || exit 1
srcdir=$(pwd)
. ./scripts/typist.sh
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
UB=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
work=$(mktemp -d)
log=${LOG:-demo.rpr}
if [ "${1:-}" = linux ]; then
    dirs=$(./scripts/build-linux.sh) || exit 1
    PROMPT='# '
    SESSION_LINES="echo Hello from a recorded Linux session
sleep 1
rng 16
segv
poweroff"
    echo "== recording Linux into $log (typing: echo, sleep 1, rng 16, segv, poweroff)"
    type_session "$work/rec.out" "$work/in" ./reprise record -o "$log" -M virt -m 256M \
        -kernel "${dirs% *}/Image" -initrd "${dirs#* }/initramfs.cpio" -append console=ttyS0 \
        -device virtio-rng-device -nographic
    status=$?
    plugins="-plugin plugins/libinsn.so -plugin plugins/libfaults.so"
    what="instruction-count and null-pointer fault"
else
    SESSION_LINES="version
echo Hello from a recorded U-Boot session
sleep 1
poweroff"
    echo "== recording OpenSBI + U-Boot into $log (typing: version, echo, sleep 1, poweroff)"
    type_session "$work/rec.out" "$work/in" ./reprise record -o "$log" \
        -M virt -m 256M -bios "$FW" -kernel "$UB" -nographic
    status=$?
    plugins="-plugin plugins/libinsn.so -plugin plugins/libtraps.so"
    what="instruction-count and trap"
fi
cat "$work/rec.out"
cat "$work/rec.out.err"
echo
echo "== replaying $log with no input, with the $what plugins attached"
./reprise replay "$log" $plugins -d plugin </dev/null >"$work/rep.out"
rstatus=$?
if cmp -s "$work/rec.out" "$work/rep.out"; then
    echo "replay output: identical to the recording ($(wc -l <"$work/rep.out") lines)"
else
    echo "replay output: DIFFERS from the recording"
    rstatus=1
fi
echo
echo "== reprise info $log"
./reprise info "$log"
rm -rf "$work"
[ $status -eq 0 ] && [ $rstatus -eq 0 ]
