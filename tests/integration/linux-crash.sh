#!/bin/sh
# A kernel panic under -no-reboot ends the session, and replays to the same
# output and state. Then a crash that happens in some runs only: the Linux
# test init forks a child that dereferences a null pointer when a byte from
# the virtio entropy device falls below 30% of its range. Recordings are made until one of them
# crashed (and one did not); each replays to the same end every time, and in
# the crashing one the fault plugin finds the same faulting instruction, at
# the same instruction count, on every replay.
. "$(dirname "$0")/lib.sh"
need_linux
rr_compare panic /dev/null -M virt -m 256M -kernel "$LINUX_IMAGE" -initrd "$LINUX_INITRD" \
    -no-reboot -nographic -append "console=ttyS0 -- oops"
grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$WORK/panic.rec.out" ||
    fail "panic: the kernel did not panic"
[ "$(grep -c '^OpenSBI v' "$WORK/panic.rec.out")" -eq 1 ] || fail "panic: the machine rebooted"
P=${EXAMPLE_PLUGIN_DIR:-$(dirname "$REPRISE")/plugins}
[ -f "$P/libfaults.so" ] || { echo "FAIL: $P/libfaults.so is not built"; exit 1; }
crashed="" clean=""
i=0
while [ $i -lt 40 ] && { [ -z "$crashed" ] || [ -z "$clean" ]; }; do
    i=$((i + 1))
    log="$WORK/try$i.rpr"
    timeout 300 "$REPRISE" record -o "$log" -M virt -m 256M -kernel "$LINUX_IMAGE" \
        -initrd "$LINUX_INITRD" -device virtio-rng-device -nographic \
        -append "console=ttyS0 -- segv 30 ; poweroff" </dev/null >"$WORK/try$i.out" 2>&1 ||
        { fail "recording $i exited with status $?"; tail -n 5 "$WORK/try$i.out"; break; }
    if grep -q 'killed by signal 11' "$WORK/try$i.out"; then
        [ -n "$crashed" ] || crashed=$i
    elif grep -q 'exited with 0' "$WORK/try$i.out"; then
        [ -n "$clean" ] || clean=$i
    else
        fail "recording $i: the child neither crashed nor exited"
    fi
done
[ -n "$crashed" ] || fail "no crash in $i recordings"
[ -n "$clean" ] || fail "no clean run in $i recordings"
echo "recordings: $i; first crash in recording ${crashed:-none}, first clean run in ${clean:-none}"
if [ -n "$crashed" ]; then
    first=""
    for r in 1 2 3; do
        "$REPRISE" replay "$WORK/try$crashed.rpr" -plugin "$P/libfaults.so" -d plugin \
            -D "$WORK/faults$r.txt" </dev/null >"$WORK/crash$r.out" 2>"$WORK/crash$r.err" ||
            fail "replay $r of the crash exited with status $?"
        grep -q 'killed by signal 11' "$WORK/crash$r.out" || fail "replay $r: no crash"
        line=$(grep '^fault: .* U-mode .* store page fault at 0x10$' "$WORK/faults$r.txt")
        [ "$(printf '%s\n' "$line" | grep -c .)" -eq 1 ] ||
            { fail "replay $r: expected one null-pointer store, got: $line"; cat "$WORK/faults$r.txt"; }
        [ -z "$first" ] && first=$line
        [ "$line" = "$first" ] || fail "replay $r found the crash elsewhere: '$line' vs '$first'"
    done
    echo "crash on every replay: $first"
fi
if [ -n "$clean" ]; then
    "$REPRISE" replay "$WORK/try$clean.rpr" </dev/null >"$WORK/clean.out" 2>"$WORK/clean.err" ||
        fail "replay of the clean run exited with status $?"
    grep -q 'exited with 0' "$WORK/clean.out" || fail "the clean recording crashed on replay"
fi
[ $failures -eq 0 ] || echo "  recordings kept in $WORK"
finish
