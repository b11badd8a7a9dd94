#!/bin/sh
# Plugin conformance on real guests. For every guest ELF given (default:
# tests/guest/*.elf in the build tree):
#  1. each conformance plugin (before, memafter, order, idleresume, handles,
#     reset) runs on Reprise and must print "NAME: PASS";
#  2. setpc runs every 32-bit addi itself and skips it with
#     qemu_plugin_set_pc: it must print "setpc: PASS" and the guest must
#     still pass (not zicsr, which counts the instructions that retire);
#  3. count_v1 (API version 1) and setpc with mode=refused are recorded and
#     replayed: set_pc must be refused with a message in both, and the
#     plugins' output must be identical in both (plugins see the same
#     execution);
#  4. on the floating-point guests, fpmode changes the host FPU's rounding
#     and flush-to-zero mode before FP instructions: the guest's output
#     must be what it is without the plugin; with unmask=on (rv64d) it
#     unmasks a host FP exception, which must end the run with status 2
#     and a message that blames the plugin.
# The comparison with QEMU is qemu-xcheck.sh.
# Environment: REPRISE (binary), PLUGIN_DIR (where lib*.so were built;
# default tests/plugins). Prints "N passed, N failed".
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
    for p in before memafter order idleresume handles reset; do
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

    if [ "$g" != zicsr ]; then
        # shellcheck disable=SC2086
        timeout 300 "$REPRISE" run $machine -plugin "$PLUGIN_DIR/libsetpc.so" -d plugin \
            -D "$WORK/$g.setpc.log" </dev/null >"$WORK/$g.setpc.out" 2>"$WORK/$g.setpc.err"
        if grep -q "^setpc: PASS" "$WORK/$g.setpc.log" && grep -aq "^PASS $g" "$WORK/$g.setpc.out"
        then ok; else
            bad "setpc on $g: $(cat "$WORK/$g.setpc.log"; grep -a -m1 -e PASS -e FAIL "$WORK/$g.setpc.out")"
            echo "  reproduce: $REPRISE run $machine -plugin $PLUGIN_DIR/libsetpc.so -d plugin"
        fi
    fi

    plugins="-plugin $PLUGIN_DIR/libcount_v1.so -plugin $PLUGIN_DIR/libsetpc.so,mode=refused"
    # shellcheck disable=SC2086
    timeout 300 "$REPRISE" record -o "$WORK/$g.rpr" $machine $plugins \
        -d plugin -D "$WORK/$g.rec.log" </dev/null >/dev/null 2>"$WORK/$g.rec.err"
    # shellcheck disable=SC2086
    timeout 300 "$REPRISE" replay "$WORK/$g.rpr" $plugins \
        -d plugin -D "$WORK/$g.rep.log" </dev/null >/dev/null 2>"$WORK/$g.rep.err"
    if [ -s "$WORK/$g.rec.log" ] && cmp -s "$WORK/$g.rec.log" "$WORK/$g.rep.log" &&
        grep -q "^setpc: PASS" "$WORK/$g.rec.log" &&
        grep -q "qemu_plugin_set_pc.*refused in record mode" "$WORK/$g.rec.err" &&
        grep -q "qemu_plugin_set_pc.*refused in replay mode" "$WORK/$g.rep.err"; then ok; else
        bad "count_v1 and setpc on $g: record saw '$(cat "$WORK/$g.rec.log" "$WORK/$g.rec.err")'," \
            "replay '$(cat "$WORK/$g.rep.log" "$WORK/$g.rep.err")'"
    fi

    case $g in
    rv64f | rv64d | fpfast)
        every=1
        [ "$g" = fpfast ] && every=997   # most of its ops then run in one mode
        timeout 300 "$REPRISE" run $machine </dev/null >"$WORK/$g.plain.out" 2>&1
        # shellcheck disable=SC2086
        timeout 600 "$REPRISE" run $machine -plugin "$PLUGIN_DIR/libfpmode.so,every=$every" \
            -d plugin -D "$WORK/$g.fpmode.log" </dev/null >"$WORK/$g.fpmode.out" 2>&1
        if grep -q "^fpmode: PASS" "$WORK/$g.fpmode.log" && grep -aq "^PASS $g" "$WORK/$g.plain.out" &&
            cmp -s "$WORK/$g.plain.out" "$WORK/$g.fpmode.out"; then ok; else
            bad "fpmode on $g: $(cat "$WORK/$g.fpmode.log"; diff "$WORK/$g.plain.out" \
                "$WORK/$g.fpmode.out" | head -6)"
        fi
        ;;
    esac
    if [ "$g" = rv64d ]; then
        # shellcheck disable=SC2086
        timeout 300 "$REPRISE" run $machine -plugin "$PLUGIN_DIR/libfpmode.so,unmask=on" \
            </dev/null >/dev/null 2>"$WORK/$g.unmask.err"
        st=$?
        if [ "$st" = 2 ] && grep -q "plugin unmasked the host's floating-point exceptions" \
            "$WORK/$g.unmask.err"; then ok; else
            bad "fpmode unmask=on on $g: status $st, $(head -3 "$WORK/$g.unmask.err")"
        fi
    fi
done
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
