#!/bin/sh
# Differential: OpenSBI fw_jump + U-Boot with the same scripted input on
# Reprise and on Debian's qemu-system-riscv64 print the same console output,
# except for the lines that describe the emulator itself: QEMU 7.2's harts
# also have the H, Zb* and Zihintpause extensions and 16 HPM counters (ISA,
# delegation and CPU lines), and its board has flash and PCI (device count,
# Flash line, where U-Boot puts its working FDT).
. "$(dirname "$0")/lib.sh"
need_file "$OPENSBI_JUMP"
need_file "$UBOOT_SMODE"
if [ -z "${QEMU:-}" ] || ! command -v "$QEMU" >/dev/null 2>&1; then
    echo "SKIP: qemu-system-riscv64 is not installed"
    exit 77
fi
SESSION_LINES="version
echo the same line on both emulators 0123456789
printenv bootdelay
poweroff"
machine="-M virt -m 256M -bios $OPENSBI_JUMP -kernel $UBOOT_SMODE -nographic"
type_session "$WORK/qemu.out" "$WORK/qin" timeout 120 "$QEMU" $machine -monitor none
qs=$?
type_session "$WORK/reprise.out" "$WORK/rin" timeout 120 "$REPRISE" run $machine
rs=$?
[ $qs -eq $rs ] || fail "exit status: QEMU $qs, Reprise $rs"
filter() {
    grep -v -E '^(Boot HART Base ISA|Boot HART MHPM Count|Boot HART MIDELEG|Boot HART MEDELEG|CPU: |Core: |Flash: |Working FDT set to)' "$1"
}
filter "$WORK/qemu.out" >"$WORK/qemu.f"
filter "$WORK/reprise.out" >"$WORK/reprise.f"
if ! cmp -s "$WORK/qemu.f" "$WORK/reprise.f"; then
    fail "U-Boot output differs from QEMU's"
    diff "$WORK/qemu.f" "$WORK/reprise.f" | head -n 30
fi
grep -q 'the same line on both emulators 0123456789' "$WORK/reprise.f" || fail "the echo did not come back"
[ $failures -eq 0 ] && echo "ok: $(wc -l <"$WORK/reprise.f") lines identical to QEMU's (after removing the emulator-describing lines)"
finish
