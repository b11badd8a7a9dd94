#!/bin/sh
# Reprise against QEMU through the plugin API: the same API-version-1 plugin
# (libxcount_v1.so) is loaded into qemu-system-riscv64 and into `reprise run`
# on each bare-metal guest, and both must report exactly the same executed
# instructions, loads, stores, bytes and address sum. QEMU runs under
# -icount shift=0,sleep=off, which makes its execution a function of the
# guest alone.
#
# Guests whose path differs between the two emulators for a documented
# reason are left out below, each with that reason; a guest not listed there
# must match. Skips (exit 77) when QEMU is not installed or cannot load a
# version-1 plugin (QEMU 6.0 to 8.x can).
#
# Usage: qemu-xcheck.sh [GUEST.elf...]   (default: tests/guest/*.elf)
# Environment: REPRISE (binary), PLUGIN_DIR (default tests/plugins),
# PLUGIN_QEMU or QEMU (default qemu-system-riscv64).
set -u
: "${REPRISE:?REPRISE must name the reprise binary}"
PLUGIN_DIR=${PLUGIN_DIR:-tests/plugins}
QEMU_BIN=${PLUGIN_QEMU:-${QEMU:-}}
QEMU_BIN=${QEMU_BIN:-qemu-system-riscv64}
PLUGIN=$PLUGIN_DIR/libxcount_v1.so

# Why a guest cannot match (tests/guest/README.md lists the QEMU 7.2 quirks).
excluded() {
    case $1 in
    virtio_*) echo "needs devices on the command line" ;;
    rv64a) echo "a misaligned sc.w traps (spec) where QEMU 7.2 fails it with rd=1" ;;
    zicsr) echo "csrrs on a read-only CSR with rs1 = 0 traps (spec) where QEMU 7.2 reads it" ;;
    priv_timer) echo "busy-waits on mtime: QEMU's -icount shift=0 runs 100 instructions a tick, Reprise 1" ;;
    rr_input) echo "polls the UART for 2 s of guest time, which the two clocks count differently" ;;
    rr_rtc) echo "reads the host's wall clock" ;;
    *) return 1 ;;
    esac
}

if ! command -v "$QEMU_BIN" >/dev/null 2>&1; then
    echo "skipped: qemu-system-riscv64 not installed"
    exit 77
fi
[ -f "$PLUGIN" ] || { echo "FAIL: $PLUGIN is not built"; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reprise-xcheck.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

[ $# -gt 0 ] || set -- tests/guest/*.elf
pass=0 failed=0 skipped=0 probed=false
for elf in "$@"; do
    [ -f "$elf" ] || continue
    g=$(basename "$elf" .elf)
    if why=$(excluded "$g"); then
        skipped=$((skipped + 1))
        echo "left out: $g ($why)"
        continue
    fi
    machine="-M virt -m 128M -bios none -kernel $elf -nographic"
    qemu_cmd="$QEMU_BIN $machine -monitor none -icount shift=0,sleep=off -plugin $PLUGIN -d plugin"
    reprise_cmd="$REPRISE run $machine -plugin $PLUGIN -d plugin"
    # shellcheck disable=SC2086
    timeout 300 $qemu_cmd -D "$WORK/$g.qemu" </dev/null >"$WORK/$g.qout" 2>&1
    if ! $probed && ! grep -q '^xcount_v1: ' "$WORK/$g.qemu" 2>/dev/null; then
        if grep -qi 'plugin' "$WORK/$g.qout"; then
            echo "skipped: $QEMU_BIN does not load an API version 1 plugin: $(grep -i -m1 plugin "$WORK/$g.qout")"
            exit 77
        fi
    fi
    probed=true
    # shellcheck disable=SC2086
    timeout 300 $reprise_cmd -D "$WORK/$g.reprise" </dev/null >"$WORK/$g.rout" 2>&1
    q=$(sed -n 's/^xcount_v1: //p' "$WORK/$g.qemu" 2>/dev/null)
    r=$(sed -n 's/^xcount_v1: //p' "$WORK/$g.reprise" 2>/dev/null)
    if [ -n "$q" ] && [ "$q" = "$r" ]; then
        pass=$((pass + 1))
        echo "ok: $g: $r"
    else
        failed=$((failed + 1))
        echo "FAIL: $g differs"
        echo "  QEMU:    ${q:-no count ($(head -c 200 "$WORK/$g.qout"))}"
        echo "  Reprise: ${r:-no count ($(head -c 200 "$WORK/$g.rout"))}"
        echo "  reproduce: $qemu_cmd"
        echo "             $reprise_cmd"
    fi
done
echo "$pass matched QEMU, $failed differed, $skipped left out"
[ "$pass" -gt 0 ] || { echo "FAIL: no guest was compared"; exit 1; }
[ "$failed" = 0 ]
