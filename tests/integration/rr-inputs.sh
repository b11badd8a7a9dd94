#!/bin/sh
# Record -> replay of the input guests (tests/guest/rr_input, rr_wfi,
# rr_rtc), each recorded three ways: with no input (/dev/null), with its
# input in a file (there all at once), and typed: a background writer
# feeds a FIFO in chunks split at random points, after random pauses, so
# bytes land while the guest sleeps in wfi and while it runs.  Each replay
# (with no input) must print the same output, exit the same way and end in
# the same state; each log is then replayed twice more and must end in
# that state again.  The pauses come from SEED (printed; set it to repeat
# a schedule).
. "$(dirname "$0")/lib.sh"

seed=${SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "random schedule seed $seed (SEED=$seed repeats it)"

for g in rr_input rr_wfi rr_rtc; do
    if [ ! -f "tests/guest/$g.elf" ]; then
        echo "SKIP: tests/guest/$g.elf is not built"
        exit 77
    fi
done

# schedule SEED LINE...: one record per write, "PAUSE<TAB>TEXT", each line
# cut in two at a random point (the second part carries the newline, as
# the two characters \n for printf %b); pauses up to 0.25 s.
schedule() {
    awk -v seed="$1" 'BEGIN {
        srand(seed)
        for (i = 2; i < ARGC; i++) {
            n = length(ARGV[i]); cut = int(rand() * (n + 1))
            printf "%.2f\t%s\n", rand() * 0.25, substr(ARGV[i], 1, cut)
            printf "%.2f\t%s\\n\n", rand() * 0.25, substr(ARGV[i], cut + 1)
        }
        exit
    }' "$@"
}

# typist FIFO SEED LINE...: in the background, writes the lines into FIFO
# on the random schedule (the open blocks until the emulator opens it).
typist() {
    fifo=$1
    shift
    rm -f "$fifo"
    mkfifo "$fifo"
    schedule "$@" >"$fifo.schedule"
    tab=$(printf '\t')
    (
        while IFS="$tab" read -r pause text; do
            sleep "$pause"
            printf '%b' "$text"
        done <"$fifo.schedule"
    ) >"$fifo" &
    typist_pid=$!
}

# replay_twice NAME: two more replays of NAME's log, same output and state.
replay_twice() {
    name=$1
    want=$(final_state "$WORK/$name.rec.err")
    for k in 2 3; do
        timeout 300 "$REPRISE" replay "$WORK/$name.rpr" </dev/null \
            >"$WORK/$name.rep$k.out" 2>"$WORK/$name.rep$k.err"
        got=$(final_state "$WORK/$name.rep$k.err")
        if [ -z "$got" ] || [ "$got" != "$want" ]; then
            fail "$name: replay #$k ended in state '$got', the recording in '$want'"
            cat "$WORK/$name.rep$k.err"
        elif ! cmp -s "$WORK/$name.rec.out" "$WORK/$name.rep$k.out"; then
            fail "$name: replay #$k printed something else"
        fi
    done
}

# record_all GUEST LINE...: the three recordings of GUEST, each replayed
# three times; the typed one's output is left in $WORK/GUEST-typed.rec.out.
record_all() {
    g=$1
    shift
    elf=tests/guest/$g.elf
    printf '%s\n' "$@" >"$WORK/$g.input"
    for how in none file typed; do
        name=$g-$how
        case $how in
        none) src=/dev/null ;;
        file) src=$WORK/$g.input ;;
        typed) typist "$WORK/$g.fifo" "$seed" "$@"; src=$WORK/$g.fifo ;;
        esac
        if rr_compare "$name" "$src" -M virt -m 128M -bios none -kernel "$elf" -nographic; then
            grep -q '^PASS' "$WORK/$name.rec.out" || fail "$name: the guest did not pass"
            replay_twice "$name"
        fi
        [ "$how" = typed ] && wait "$typist_pid"
    done
}

record_all rr_input "hello, reprise" "the quick brown fox" "MiXeD case 123" quit
for how in file typed; do
    out=$WORK/rr_input-$how.rec.out
    grep -q 'HELLO, REPRISE$' "$out" && grep -q 'THE QUICK BROWN FOX$' "$out" &&
        grep -q 'MIXED CASE 123$' "$out" && grep -q '(quit)$' "$out" ||
        fail "rr_input-$how: the typed lines did not all come back upper-cased"
done
grep -q 'over 0 bytes in 0 lines (no input for' "$WORK/rr_input-none.rec.out" ||
    fail "rr_input-none: expected the no-input digest"

record_all rr_wfi "wake up" "again" quit
for how in file typed; do
    grep -q '^uart> wake up$' "$WORK/rr_wfi-$how.rec.out" ||
        fail "rr_wfi-$how: the input did not arrive while it slept"
done
grep -q '^uart: no input within' "$WORK/rr_wfi-none.rec.out" ||
    fail "rr_wfi-none: expected no input"

record_all rr_rtc "input nobody reads"

finish
