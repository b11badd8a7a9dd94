#!/bin/sh
# Differential test: every bare-metal guest test gives the same console
# output and exit status on Reprise and on Debian's qemu-system-riscv64.
: "${srcdir:=.}"
if [ -z "${QEMU:-}" ] || ! command -v "$QEMU" >/dev/null 2>&1; then
    echo "SKIP: qemu-system-riscv64 is not installed (run scripts/setup.sh)"
    exit 77
fi
# Guests that need devices on the command line (virtio_*) are left out:
# tests/guest/run-virtio.sh runs them on either emulator.
set --
for elf in tests/guest/*.elf; do
    case $elf in */virtio_*) ;; *) set -- "$@" "$elf" ;; esac
done
[ $# -gt 0 ] && [ -f "$1" ] || { echo "FAIL: no guest tests were built"; exit 1; }
exec "$srcdir/tests/guest/diff-qemu.sh" "$@"
