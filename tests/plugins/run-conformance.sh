#!/bin/sh
# Plugin conformance on real guests. For every guest ELF given (default:
# tests/guest/*.elf in the build tree):
#  1. each conformance plugin (before, memafter, order, idleresume, handles)
#     runs on Reprise and must print "NAME: PASS";
#  2. count_v1 (API version 1) is recorded and replayed: the plugin's output
#     must be identical in both (plugins see the same execution);
#  3. with $PLUGIN_QEMU set (a qemu-system-riscv64, 7.2 or newer), count_v1
#     runs on QEMU too and must count as many executed instructions as on
#     Reprise, for guests whose QEMU counts do not depend on host time (two
#     QEMU runs agree).
# Environment: REPRISE (binary), PLUGIN_DIR (where lib*.so were built;
# default tests/plugins), PLUGIN_QEMU (optional). Prints "N passed, N failed".
set -u
: "${REPRISE:?REPRISE must name the reprise binary}"
PLUGIN_DIR=${PLUGIN_DIR:-tests/plugins}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reprise-conform.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
pass=0 failed=0
ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

[ $# -gt 0 ] || set -- tests/guest/*.elf
for elf in "$@"; do
    [ -f "$elf" ] || continue
    g=$(basename "$elf" .elf)
    case $g in virtio_*) continue ;; esac   # needs devices: see tests/integration/virtio-rr.sh
    machine="-M virt -m 128M -bios none -kernel $elf -nographic"
    for p in before memafter order idleresume handles; do
        args=""
        [ "$p" = idleresume ] && [ "$g" = rr_wfi ] && args=",min-idles=1"
        # shellcheck disable=SC2086
        timeout 300 "$REPRISE" run $machine -plugin "$PLUGIN_DIR/lib$p.so$args" -d plugin \
            -D "$WORK/$g.$p.log" </dev/null >/dev/null 2>"$WORK/$g.$p.err"
        if grep -q "^$p: PASS" "$WORK/$g.$p.log"; then ok; else
            bad "$p on $g: $(cat "$WORK/$g.$p.log" "$WORK/$g.$p.err" | head -5)"
            echo "  reproduce: $REPRISE run $machine -plugin $PLUGIN_DIR/lib$p.so$args -d plugin"
        fi
    done

    # shellcheck disable=SC2086
    timeout 300 "$REPRISE" record -o "$WORK/$g.rpr" $machine -plugin "$PLUGIN_DIR/libcount_v1.so" \
        -d plugin -D "$WORK/$g.rec.log" </dev/null >/dev/null 2>&1
    timeout 300 "$REPRISE" replay "$WORK/$g.rpr" -plugin "$PLUGIN_DIR/libcount_v1.so" \
        -d plugin -D "$WORK/$g.rep.log" </dev/null >/dev/null 2>&1
    if [ -s "$WORK/$g.rec.log" ] && cmp -s "$WORK/$g.rec.log" "$WORK/$g.rep.log"; then ok; else
        bad "count_v1 on $g: record saw '$(cat "$WORK/$g.rec.log")', replay '$(cat "$WORK/$g.rep.log")'"
    fi

    [ -n "${PLUGIN_QEMU:-}" ] || continue
    for i in 1 2; do
        # shellcheck disable=SC2086
        timeout 300 "$PLUGIN_QEMU" $machine -monitor none -plugin "$PLUGIN_DIR/libcount_v1.so" \
            -d plugin -D "$WORK/$g.qemu$i.log" </dev/null >/dev/null 2>&1
    done
    if ! cmp -s "$WORK/$g.qemu1.log" "$WORK/$g.qemu2.log"; then
        echo "skip: QEMU's counts for $g depend on host time"
        continue
    fi
    # shellcheck disable=SC2086
    timeout 300 "$REPRISE" run $machine -plugin "$PLUGIN_DIR/libcount_v1.so" -d plugin \
        -D "$WORK/$g.run.log" </dev/null >/dev/null 2>&1
    # Instruction counts only: QEMU 7.2's memory instrumentation reports a
    # store to both a read and a write callback, so its access counts are off.
    q=$(sed -n 's/^count_v1: insns \([0-9]*\).*/\1/p' "$WORK/$g.qemu1.log")
    r=$(sed -n 's/^count_v1: insns \([0-9]*\).*/\1/p' "$WORK/$g.run.log")
    if [ -n "$q" ] && [ "$q" = "$r" ]; then ok; else
        bad "count_v1 on $g: QEMU executed ${q:-?} instructions, Reprise ${r:-?}"
    fi
done
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
