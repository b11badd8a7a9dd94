#!/bin/sh
# A typed Linux session, recorded: console input, a sleep, entropy from
# /dev/hwrng and getrandom, files read and written on an ext2 virtio disk,
# and network exchanges through user-mode networking (a host client reaching
# a guest server through hostfwd, and the guest reaching a server on the
# host's loopback). The replay gets no input and no network: it must give
# the same console output, status and final state; the disk image must be
# unchanged by the recording. Run with SMP=4 for four harts.
. "$(dirname "$0")/lib.sh"
smp=${SMP:-1}
need_linux
command -v mke2fs >/dev/null && command -v socat >/dev/null ||
    { echo "FAIL: mke2fs and socat are needed (run scripts/setup.sh)"; exit 1; }
mkdir "$WORK/files"
echo "written by the host" >"$WORK/files/hello.txt"
img="$WORK/disk.img"
mke2fs -q -t ext2 -d "$WORK/files" "$img" 4M >/dev/null || { fail "mke2fs failed"; finish; }
before=$(sha256sum <"$img")

# Ports: the host end of the guest's server, and a server on the loopback.
base=$((20000 + $$ % 20000))
fwd=$base srv=$((base + 1))
socat TCP-LISTEN:$srv,bind=127.0.0.1,reuseaddr \
    SYSTEM:'read line; echo "host got $line"' 2>"$WORK/srv.err" &
srv_pid=$!

PROMPT='# '
SESSION_LINES="echo typed at the console
sleep 1
rng 16
getrandom 16
mount
cat hello.txt
write note.txt recorded words
cat note.txt
umount
netup
serve 7000
fetch 10.0.2.2 $srv ping-from-guest
info
poweroff"
out="$WORK/rec.out"
# The host client: once the guest listens, connect through the forward.
(
    t=0
    while ! grep -q '^listening on port 7000' "$out" 2>/dev/null; do
        sleep 0.1; t=$((t + 1)); [ $t -lt 1200 ] || exit 1
    done
    echo "hello from the host" | timeout 30 socat -t 20 - TCP:127.0.0.1:$fwd >"$WORK/client.out" 2>&1
) &
client_pid=$!
log="$WORK/session.rpr"
type_session "$out" "$WORK/in" timeout 300 "$REPRISE" record -o "$log" -M virt -m 256M -smp "$smp" \
    -kernel "$LINUX_IMAGE" -initrd "$LINUX_INITRD" -append "console=ttyS0" -nographic \
    -device virtio-rng-device \
    -drive "file=$img,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0 \
    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$fwd-:7000" -device virtio-net-device,netdev=n0
rs=$?
wait $client_pid
kill $srv_pid 2>/dev/null
txt="$WORK/rec.txt"
tr -d '\r' <"$out" >"$txt"    # the tty ends lines with CR LF
[ $rs -eq 0 ] || fail "recording exited with status $rs"
grep -q '^typed at the console' "$txt" || fail "console input did not arrive"
grep -q '^slept 1 s: ok' "$txt" || fail "sleep 1 did not work"
grep -qE '^rng 16:[0-9a-f]{32}$' "$txt" || fail "no entropy from /dev/hwrng"
grep -qE '^getrandom 16:[0-9a-f]{32}$' "$txt" || fail "getrandom gave nothing"
grep -q '^hello.txt: written by the host' "$txt" || fail "the file on the disk was not read"
grep -q '^note.txt: recorded words' "$txt" || fail "the file written to the disk did not read back"
grep -q '^received: hello from the host' "$txt" || fail "the guest server got nothing through hostfwd"
grep -q '^guest echoes: hello from the host' "$WORK/client.out" ||
    fail "the host client got no answer: $(cat "$WORK/client.out")"
grep -q '^reply: host got ping-from-guest' "$txt" || fail "the guest did not reach the host's server"
grep -q "^cpus online: $smp\$" "$txt" || fail "init does not see $smp CPUs"
grep -q 'init: powering off (0 failures)' "$txt" || fail "init reported failures"
[ "$(sha256sum <"$img")" = "$before" ] || fail "the recording modified the disk image"

timeout 300 "$REPRISE" replay "$log" </dev/null >"$WORK/rep.out" 2>"$WORK/rep.err"
ps=$?
[ $ps -eq $rs ] || fail "replay exited with $ps, recording with $rs"
cmp -s "$out" "$WORK/rep.out" || { fail "replay output differs"; diff "$out" "$WORK/rep.out" | head; }
a=$(final_state "$out.err"); b=$(final_state "$WORK/rep.err")
[ -n "$a" ] && [ "$a" = "$b" ] || fail "final state differs: record '$a', replay '$b'"
[ "$(sha256sum <"$img")" = "$before" ] || fail "the replay modified the disk image"
if [ $failures -eq 0 ]; then
    echo "ok: typed Linux session on $smp hart(s), $(wc -c <"$log") byte log, state $a"
else
    tail -n 30 "$out"; cat "$out.err" "$WORK/rep.err"
    echo "  reproduce: $REPRISE replay $log   (kept in $WORK)"
fi
finish
