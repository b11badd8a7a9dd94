#!/bin/sh
# virtio-blk and virtio-rng under record and replay: the virtio_robust guest
# (reads, writes, entropy, then malformed rings and descriptors) is recorded
# and replayed; output, status and final state must match, the entropy must
# have been logged, and the disk image must be left exactly as it was (the
# recording writes into its copy-on-write overlay). Then a plain run must
# write through to the image, as QEMU does.
. "$(dirname "$0")/lib.sh"
elf=tests/guest/virtio_robust.elf
[ -f "$elf" ] || { echo "SKIP: $elf is not built"; exit 77; }
img="$WORK/disk.img"
"$srcdir/tests/guest/run-virtio.sh" --make-image "$img" || { fail "cannot make the image"; finish; }
before=$(sha256sum <"$img")
rr_compare virtio-robust /dev/null -M virt -m 128M -bios none -kernel "$elf" -nographic \
    -global virtio-mmio.force-legacy=false \
    -drive "file=$img,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0 \
    -device virtio-rng-device -append virtio.malformed
grep -q '^PASS virtio_robust' "$WORK/virtio-robust.rec.out" || fail "the recorded guest did not pass"
"$REPRISE" info --events "$WORK/virtio-robust.rpr" | grep -q entropy ||
    fail "no entropy event in the recording"
[ "$(sha256sum <"$img")" = "$before" ] || fail "recording or replay modified the disk image"
timeout 300 "$REPRISE" run -M virt -m 128M -bios none -kernel "$elf" -nographic \
    -global virtio-mmio.force-legacy=false \
    -drive "file=$img,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0 \
    -device virtio-rng-device </dev/null >"$WORK/run.out" 2>&1 ||
    fail "plain run failed: $(tail -n 3 "$WORK/run.out")"
[ "$(sha256sum <"$img")" != "$before" ] || fail "a plain run did not write through to the image"
finish
