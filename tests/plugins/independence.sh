#!/bin/sh
# Replay reproducibility and plugin-set independence on a recorded U-Boot
# session: replaying twice with the same plugin gives byte-identical plugin
# output, and the blocks a plugin sees translated and executed (hotblocks'
# report, which includes translation counts) do not change when another
# plugin is loaded beside it.
. "$(dirname "$0")/../integration/lib.sh"
need_file "$OPENSBI_JUMP"
need_file "$UBOOT_SMODE"
P=${EXAMPLE_PLUGIN_DIR:-plugins}
[ -f "$P/libhotblocks.so" ] && [ -f "$P/libinsn.so" ] || { echo "FAIL: example plugins not built in $P"; exit 1; }
SESSION_LINES="version
echo independence
poweroff"
log="$WORK/s.rpr"
type_session "$WORK/rec.out" "$WORK/in" timeout 120 "$REPRISE" record -o "$log" \
    -M virt -m 256M -bios "$OPENSBI_JUMP" -kernel "$UBOOT_SMODE" -nographic || fail "recording failed"
replay() {   # replay OUT PLUGIN-OPTIONS...
    out=$1
    shift
    timeout 120 "$REPRISE" replay "$log" "$@" -d plugin -D "$out" </dev/null >/dev/null 2>"$out.err" ||
        { fail "replay with $* failed"; cat "$out.err"; }
}
replay "$WORK/a1" -plugin "$P/libhotblocks.so"
replay "$WORK/a2" -plugin "$P/libhotblocks.so"
replay "$WORK/b" -plugin "$P/libhotblocks.so" -plugin "$P/libinsn.so,inline=off"
cmp -s "$WORK/a1" "$WORK/a2" || { fail "two replays with the same plugin differ"; diff "$WORK/a1" "$WORK/a2" | head; }
# libinsn's lines start with "hart " or "total:"; the rest is hotblocks'.
grep -v -E '^(hart [0-9]+:|total:)' "$WORK/b" >"$WORK/b.hot"
cmp -s "$WORK/a1" "$WORK/b.hot" ||
    { fail "hotblocks reports differently with libinsn loaded beside it"; diff "$WORK/a1" "$WORK/b.hot" | head; }
grep -q 'distinct blocks' "$WORK/a1" || fail "hotblocks printed no report"
grep -q '^total:' "$WORK/b" || fail "libinsn printed no total"
[ $failures -eq 0 ] && echo "ok: identical plugin output across replays and plugin sets ($(wc -l <"$WORK/a1") lines)"
finish
