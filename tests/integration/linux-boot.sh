#!/bin/sh
# Reprise's Linux guest (OpenSBI fw_dynamic, the default -bios, then the
# kernel and its test init) boots with 1 and with 4 harts, reads the entropy
# device, and powers off with status 0. The 4-hart boot (secondary harts
# started through OpenSBI's HSM calls) is also recorded and replayed with no
# input: same output, status and final state.
. "$(dirname "$0")/lib.sh"
need_linux
for smp in 1 4; do
    out="$WORK/boot$smp.out"
    timeout 300 "$REPRISE" run -M virt -m 256M -smp $smp -kernel "$LINUX_IMAGE" \
        -initrd "$LINUX_INITRD" -device virtio-rng-device -nographic \
        -append "console=ttyS0 -- info ; rng 8 ; poweroff" </dev/null >"$out" 2>&1
    st=$?
    tr -d '\r' <"$out" >"$out.txt" && out="$out.txt"    # the tty ends lines with CR LF
    [ $st -eq 0 ] || fail "$smp hart(s): exited with status $st"
    grep -q '^Linux version 6\.1' "$out" || fail "$smp hart(s): the kernel did not start"
    grep -q "smp: Brought up 1 node, $smp CPU" "$out" || fail "$smp hart(s): the kernel did not bring up $smp CPUs"
    grep -q '^reprise-init: ready' "$out" || fail "$smp hart(s): init did not start"
    grep -q "^cpus online: $smp\$" "$out" || fail "$smp hart(s): init does not see $smp CPUs"
    grep -qE '^rng 8:[0-9a-f]{16}$' "$out" || fail "$smp hart(s): no 8 bytes from /dev/hwrng"
    grep -q 'init: powering off (0 failures)' "$out" || fail "$smp hart(s): init reported failures"
    grep -q 'reboot: Power down' "$out" || fail "$smp hart(s): the kernel did not power off"
    [ $failures -eq 0 ] && echo "ok: Linux boots to init with $smp hart(s)" || tail -n 20 "$out"
done
rr_compare linux-smp4 /dev/null -M virt -m 256M -smp 4 -kernel "$LINUX_IMAGE" \
    -initrd "$LINUX_INITRD" -device virtio-rng-device -nographic \
    -append "console=ttyS0 -- info ; rng 16 ; sleep 0.5 ; getrandom 16 ; poweroff"
grep -q '^slept 0.5 s: ok' "$WORK/linux-smp4.rec.out" || fail "linux-smp4: sleep 0.5 did not work"
finish
