#!/bin/sh
# virtio-net and user-mode networking under record and replay. The
# virtio_net guest (ARP, DHCP and ping against slirp, mergeable buffers,
# malformed buffers) is recorded in three card configurations; the modern
# one also waits for a host connection through hostfwd, which this script
# makes once the guest says it listens. Each replay gets no network: its
# output, status and final state must match the recording's, the frames
# must be in the log, and replay must not open a single socket (checked
# with strace when it works here) nor bind the forwarded port (which this
# script holds during an extra replay). Finally a hostfwd rule on a port in
# use must fail in one sentence, a plain run must pass, and a netdev
# without a card must give a warning.
. "$(dirname "$0")/lib.sh"
elf=tests/guest/virtio_net.elf
[ -f "$elf" ] || { echo "SKIP: $elf is not built"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed for the host side"; exit 77; }
port=$((40000 + $$ % 20000))
guest="-M virt -m 128M -bios none -kernel $elf -nographic"

# connect_when_ready OUT PORT: once OUT says the guest waits, connects to
# 127.0.0.1:PORT (the guest answers with a reset, which ends it).
connect_when_ready() {
    python3 - "$1" "$2" <<'EOF'
import socket, sys, time
path, port = sys.argv[1], int(sys.argv[2])
for _ in range(1200):
    try:
        if 'waiting for a connection' in open(path).read():
            break
    except OSError:
        pass
    time.sleep(0.1)
else:
    sys.exit("the guest never waited for the connection")
s = socket.create_connection(('127.0.0.1', port), timeout=10)
s.settimeout(10)
try:
    s.recv(1)
except OSError:
    pass
print('connected')
EOF
}

# hold_port PORT SECONDS: listens on 127.0.0.1:PORT for a while.
hold_port() {
    python3 -c "
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # past TIME_WAIT, as slirp does
s.bind(('127.0.0.1', int(sys.argv[1])))
s.listen(1)
print('holding', flush=True)
time.sleep(float(sys.argv[2]))
" "$1" "$2"
}

# 1. Modern registers with mergeable buffers, hostfwd and malformed buffers.
connect_when_ready "$WORK/modern.rec.out" "$port" >"$WORK/client.out" 2>&1 &
client=$!
# shellcheck disable=SC2086
rr_compare modern /dev/null $guest -global virtio-mmio.force-legacy=false \
    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:7" -device virtio-net-device,netdev=n0 \
    -append "net.hostfwd virtio.malformed"
wait $client
grep -q '^connected' "$WORK/client.out" || fail "the host could not connect through hostfwd: $(cat "$WORK/client.out")"
grep -q '^PASS virtio_net' "$WORK/modern.rec.out" || fail "the recorded guest did not pass"
grep -q '^hostfwd: SYN from 10.0.2.2 to port 7' "$WORK/modern.rec.out" ||
    fail "the host connection never reached the guest"
grep -q '^mrg: ' "$WORK/modern.rec.out" || fail "no mergeable-buffer exchange"
"$REPRISE" info --events "$WORK/modern.rpr" >"$WORK/events.json" || fail "info --events failed"
for what in 'arp reply 10.0.2.2 -> 10.0.2.15' 'ipv4 udp 10.0.2.2 -> 255.255.255.255 ports 67 -> 68' \
            'ipv4 icmp 10.0.2.2 -> 10.0.2.15' 'ipv4 tcp 10.0.2.2 -> 10.0.2.15'; do
    grep '"kind":"net-rx"' "$WORK/events.json" | grep -q "\"frame\":\"$what" ||
        fail "no net-rx event with '$what' in the recording"
done
"$REPRISE" info "$WORK/modern.rpr" | grep -q '^  net-rx  *[1-9]' || fail "info counts no net-rx events"
"$REPRISE" info "$WORK/modern.rpr" | grep -q 'virtio-net-device mac 52:54:00:12:34:56' ||
    fail "info does not show the card and its MAC"

# 2. The replay touches no network: with the forwarded port taken by
# someone else it still matches, and it opens no socket at all.
hold_port "$port" 30 >"$WORK/hold.out" 2>&1 &
holder=$!
t=0
until grep -q holding "$WORK/hold.out" 2>/dev/null; do
    sleep 0.1; t=$((t + 1)); [ $t -lt 100 ] || break
done
grep -q holding "$WORK/hold.out" || fail "could not hold port $port: $(cat "$WORK/hold.out")"
replay="$REPRISE replay $WORK/modern.rpr"
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
    # shellcheck disable=SC2086
    timeout 300 strace -f -e trace=socket,bind,listen -o "$WORK/strace.out" $replay \
        </dev/null >"$WORK/held.out" 2>"$WORK/held.err"
    st=$?
    if grep -E 'socket\(AF_INET|bind\(|listen\(' "$WORK/strace.out" >/dev/null; then
        fail "replay opened sockets: $(grep -E 'socket|bind|listen' "$WORK/strace.out" | head -n 3)"
    fi
else
    # shellcheck disable=SC2086
    timeout 300 $replay </dev/null >"$WORK/held.out" 2>"$WORK/held.err"
    st=$?
fi
kill $holder 2>/dev/null
wait $holder 2>/dev/null
[ $st -eq 0 ] || fail "replay with port $port taken failed: $(tail -n 2 "$WORK/held.err")"
cmp -s "$WORK/modern.rec.out" "$WORK/held.out" || fail "replay with port $port taken differs"

# 3. Legacy registers (10-byte header), and modern without MRG_RXBUF.
# shellcheck disable=SC2086
rr_compare legacy /dev/null $guest -nic user,mac=52:54:00:12:34:57 -append virtio.malformed
grep -q '^virtio-net: legacy, 10-byte header, mac 52:54:00:12:34:57' "$WORK/legacy.rec.out" ||
    fail "legacy card not as expected: $(head -n 1 "$WORK/legacy.rec.out")"
grep -q '^malformed: ARP reply into 20-byte buffers: dropped' "$WORK/legacy.rec.out" ||
    fail "the too-small buffer case did not run"
# shellcheck disable=SC2086
rr_compare nomrg /dev/null $guest -global virtio-mmio.force-legacy=false \
    -net nic -net user -append net.nomrg
grep -q '^virtio-net: modern, 12-byte header, mac' "$WORK/nomrg.rec.out" ||
    fail "modern card without MRG_RXBUF not as expected"

# 4. A forwarded port that is taken: one sentence, status 1.
hold_port "$port" 10 >"$WORK/hold2.out" 2>&1 &
holder=$!
t=0
until grep -q holding "$WORK/hold2.out" 2>/dev/null; do
    sleep 0.1; t=$((t + 1)); [ $t -lt 100 ] || break
done
# shellcheck disable=SC2086
"$REPRISE" run $guest -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:7" \
    -device virtio-net-device,netdev=n0 </dev/null >"$WORK/busy.out" 2>&1
st=$?
kill $holder 2>/dev/null
wait $holder 2>/dev/null
[ $st -eq 1 ] && grep -q "could not set up host forwarding rule 'tcp:127.0.0.1:$port-:7'" \
    "$WORK/busy.out" || fail "a taken port gave status $st: $(cat "$WORK/busy.out")"

# 5. A plain run.
REPRISE="$REPRISE" "$srcdir/tests/guest/run-net.sh" "$elf" >"$WORK/run.out" 2>&1 ||
    fail "plain run failed: $(tail -n 3 "$WORK/run.out")"

# 6. A network without a card: a warning naming it, and the run goes on.
# shellcheck disable=SC2086
"$REPRISE" run -M virt -m 128M -bios none -kernel tests/guest/rv64i_alu.elf -nographic \
    -netdev user,id=lonely </dev/null >"$WORK/lonely.out" 2>&1 ||
    fail "a run with an unused netdev failed: $(tail -n 3 "$WORK/lonely.out")"
grep -q "warning: netdev lonely has no network card" "$WORK/lonely.out" ||
    fail "no warning for a netdev without a card: $(cat "$WORK/lonely.out")"
finish
