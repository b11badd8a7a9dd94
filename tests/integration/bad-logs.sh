#!/bin/sh
# Bad input to replay and info: truncated logs, a flipped byte in every
# region, a changed image, a recording killed with SIGKILL. Each must give
# one clear sentence and a non-zero exit, never a crash or a hang.
. "$(dirname "$0")/lib.sh"
elf=tests/guest/rv64i_alu.elf
[ -f "$elf" ] || { echo "FAIL: $elf not built"; exit 1; }
cp "$elf" "$WORK/guest.elf"
log="$WORK/good.rpr"
"$REPRISE" record -o "$log" -M virt -bios none -kernel "$WORK/guest.elf" -nographic \
    </dev/null >/dev/null 2>&1 || fail "recording the good log failed"
size=$(wc -c <"$log")

# expect_refusal WHAT CMD...: CMD must exit 1..125 (not a signal, not a
# timeout) and print exactly one "reprise: " sentence on stderr.
expect_refusal() {
    what=$1
    shift
    timeout 30 "$@" </dev/null >"$WORK/out" 2>"$WORK/err"
    st=$?
    if [ $st -eq 0 ] || [ $st -ge 124 ]; then
        fail "$what: exit status $st"
        cat "$WORK/err"
        return
    fi
    n=$(grep -c '^reprise: ' "$WORK/err")
    if [ "$n" -lt 1 ]; then
        fail "$what: no 'reprise:' message"
        cat "$WORK/err"
    fi
}

# Truncation at every 7th byte.
off=1
while [ $off -lt "$size" ]; do
    head -c $off "$log" >"$WORK/cut.rpr"
    expect_refusal "replay of the log cut at byte $off" "$REPRISE" replay "$WORK/cut.rpr"
    expect_refusal "info of the log cut at byte $off" "$REPRISE" info "$WORK/cut.rpr"
    off=$((off + 7))
done

# One flipped byte in every region of the file (header, events, end marker).
off=0
while [ $off -lt "$size" ]; do
    cp "$log" "$WORK/flip.rpr"
    b=$(od -An -tu1 -j $off -N1 "$log" | tr -d ' ')
    printf "$(printf '\\%03o' $(( (b ^ 0x5a) & 255 )))" |
        dd of="$WORK/flip.rpr" bs=1 seek=$off conv=notrunc 2>/dev/null
    expect_refusal "replay with byte $off flipped" "$REPRISE" replay "$WORK/flip.rpr"
    off=$((off + 5))
done

# Not a log at all, and a missing file.
expect_refusal "replay of an ELF" "$REPRISE" replay "$WORK/guest.elf"
expect_refusal "replay of a missing file" "$REPRISE" replay "$WORK/none.rpr"
grep -q "cannot\|not" "$WORK/err" || fail "missing file: unclear message: $(cat "$WORK/err")"

# A changed image is refused by name.
printf 'x' >>"$WORK/guest.elf"
expect_refusal "replay with a changed image" "$REPRISE" replay "$log"
grep -q "changed since" "$WORK/err" || fail "changed image: unclear message: $(cat "$WORK/err")"

# A recording killed with SIGKILL replays up to its last flush, then says so.
if [ -f "$OPENSBI_JUMP" ] && [ -f "$UBOOT_SMODE" ]; then
    mkfifo "$WORK/kin"
    "$REPRISE" record -o "$WORK/killed.rpr" -M virt -m 256M -bios "$OPENSBI_JUMP" \
        -kernel "$UBOOT_SMODE" -nographic <"$WORK/kin" >"$WORK/killed.out" 2>&1 &
    pid=$!
    exec 8>"$WORK/kin"
    t=0
    until grep -q '=> ' "$WORK/killed.out" || [ $t -gt 300 ]; do sleep 0.1; t=$((t + 1)); done
    sleep 2   # at least one flush after the prompt
    kill -KILL $pid
    wait $pid 2>/dev/null
    exec 8>&-
    timeout 60 "$REPRISE" replay "$WORK/killed.rpr" </dev/null >"$WORK/kr.out" 2>"$WORK/kr.err"
    st=$?
    if [ $st -eq 0 ] || [ $st -ge 124 ]; then
        fail "replay of a killed recording: exit status $st"
    elif ! grep -q "cut short" "$WORK/kr.err"; then
        fail "replay of a killed recording does not say it was cut short: $(cat "$WORK/kr.err")"
    elif ! head -c "$(wc -c <"$WORK/kr.out")" "$WORK/killed.out" | cmp -s - "$WORK/kr.out"; then
        fail "replay of a killed recording printed something the recording did not"
    elif ! grep -q '=> ' "$WORK/kr.out"; then
        fail "replay of a killed recording did not get as far as the prompt"
    else
        echo "ok: killed recording replayed $(wc -c <"$WORK/kr.out") bytes of output, then: $(cat "$WORK/kr.err")"
    fi
fi
[ $failures -eq 0 ] && echo "ok: every bad log was refused with a message"
finish
