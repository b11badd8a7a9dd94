#!/bin/sh
# OpenSBI fw_jump + U-Boot (S-mode) boot to the prompt; a script types
# commands at it (version, a long echo typed in one write, sleep 1, reset,
# and at the prompt of the second boot an echo and poweroff) while recording; the output must show each command worked; the
# replay, with no input at all, must reproduce output, status and state.
# Run with SMP=4 for four harts.
. "$(dirname "$0")/lib.sh"
need_file "$OPENSBI_JUMP"
need_file "$UBOOT_SMODE"
smp=${SMP:-1}
long=0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX
SESSION_LINES="version
echo $long
sleep 1
reset
echo after the reset
poweroff"
log="$WORK/uboot.rpr"
type_session "$WORK/rec.out" "$WORK/in" timeout 300 "$REPRISE" record -o "$log" \
    -M virt -m 256M -smp "$smp" -bios "$OPENSBI_JUMP" -kernel "$UBOOT_SMODE" -nographic
rs=$?
out="$WORK/rec.out"
[ $rs -eq 0 ] || fail "recording exited with status $rs"
grep -q "Platform HART Count       : $smp" "$out" || fail "OpenSBI does not report $smp harts"
grep -q '^U-Boot 20' "$out" || fail "U-Boot did not start"
grep -q 'riscv64-linux-gnu-gcc' "$out" || fail "'version' printed no toolchain line"
grep -q "^$long" "$out" || fail "the ${#long}-character line did not arrive intact"
grep -q 'resetting \.\.\.' "$out" || fail "reset did not run"
[ "$(grep -c '^OpenSBI v' "$out")" -eq 2 ] || fail "OpenSBI did not start again after the reset"
grep -q '^after the reset' "$out" || fail "U-Boot took no command after the reset"
grep -q 'poweroff \.\.\.' "$out" || fail "poweroff did not run"
timeout 300 "$REPRISE" replay "$log" </dev/null >"$WORK/rep.out" 2>"$WORK/rep.err"
ps=$?
[ $ps -eq $rs ] || fail "replay exited with $ps, recording with $rs"
cmp -s "$out" "$WORK/rep.out" || { fail "replay output differs"; diff "$out" "$WORK/rep.out" | head; }
a=$(final_state "$out.err"); b=$(final_state "$WORK/rep.err")
[ -n "$a" ] && [ "$a" = "$b" ] || fail "final state differs: record '$a', replay '$b'"
[ $failures -eq 0 ] && echo "ok: U-Boot session with $smp hart(s), state $a" || {
    cat "$out.err" "$WORK/rep.err"; echo "  reproduce: $REPRISE replay $log"; }
finish
