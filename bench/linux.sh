#!/bin/sh
# The Linux guest (scripts/build-linux.sh: kernel + test init, OpenSBI
# fw_dynamic as -bios): boot to init and power off, Reprise vs QEMU TCG; then
# a typed session at init's prompt (an echo, sleep 1, 16 bytes of virtio
# entropy, getrandom, info, poweroff) recorded by Reprise and by QEMU
# (-icount shift=auto,rr=record) and replayed with no input: wall times, log
# sizes and replay speed against the recorded wall time; best of BENCH_RUNS.
. "$(dirname "$0")/lib.sh"

BENCH_TYPE_MS=${BENCH_TYPE_MS:-20}   # ms between typed characters
PROMPT_WAIT=30                       # seconds allowed for each prompt
LINUX_TIMEOUT=${LINUX_TIMEOUT:-120}

if ! have_conwatch; then
	echo "Skipped: $BENCH_CONWATCH is not built (make bench builds it with the host compiler)."
	exit 0
fi
dirs=$(sh "$(dirname "$0")/../scripts/build-linux.sh" --print 2>/dev/null)
if [ -z "$dirs" ]; then
	echo "Skipped: the Linux guest is not built (make linux, or scripts/build-linux.sh)."
	exit 0
fi
IMAGE=${dirs% *}/Image
INITRD=${dirs#* }/initramfs.cpio
MACHINE="-M virt -m 256M -kernel $IMAGE -initrd $INITRD -device virtio-rng-device"

rows='' notes=''

# Boot to init and power off.
for emu in reprise qemu; do
	if [ "$emu" = reprise ]; then
		have_reprise || continue
		set -- "$REPRISE" run $MACHINE -nographic
	else
		have_qemu || { notes="$notes
- QEMU: $QEMU not found"; continue; }
		set -- "$QEMU" $MACHINE $QEMU_CONSOLE -net none
	fi
	best='' why=''
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ]; do
		i=$((i + 1))
		timed "$tmp/boot.out" "$tmp/boot.err" "$@" -append "console=ttyS0 -- poweroff"
		if [ "$st" -ne 0 ] || ! grep -q 'reboot: Power down' "$tmp/boot.out"; then
			why="exit status $st $(first_err "$tmp/boot.err")"
			break
		fi
		best=$(lower "$best" "$secs")
	done
	if [ -n "$best" ] && [ -z "$why" ]; then
		echo "$best" >"$tmp/boot.$emu"
	else
		notes="$notes
- $emu boot: $why"
	fi
done
rb=$(cat "$tmp/boot.reprise" 2>/dev/null)
qb=$(cat "$tmp/boot.qemu" 2>/dev/null)
echo "Boot to the test init and power off (\`-append \"console=ttyS0 -- poweroff\"\`), wall seconds,"
echo "best of $BENCH_RUNS:"
echo
echo "| Reprise s | QEMU s | QEMU / Reprise |"
echo "|----------:|-------:|---------------:|"
echo "| $(or_dash "$rb") | $(or_dash "$qb") | $(ratio "$qb" "$rb") |"
echo


# session EMU: records and replays the session BENCH_RUNS times; sets $s_rec
# $s_rep $s_bytes, or $why.
session() {
	emu=$1
	s_rec='' s_rep='' s_bytes='' why=''
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ]; do
		i=$((i + 1))
		log="$tmp/linux.$emu"
		rm -f "$log"
		if [ "$emu" = reprise ]; then
			set -- "$REPRISE" record -o "$log" $MACHINE -append console=ttyS0 -nographic
		else
			set -- "$QEMU" $MACHINE -append console=ttyS0 $QEMU_CONSOLE $(qemu_rr record "$log")
		fi
		"$BENCH_CONWATCH" -t "$LINUX_TIMEOUT" -g "$PROMPT_WAIT" -c "$BENCH_TYPE_MS" -p '# ' \
			-o "$tmp/rec.out" -l "echo typed at the console" -l "sleep 1" -l "rng 16" \
			-l "getrandom 16" -l info -l poweroff -- \
			timeout "$LINUX_TIMEOUT" "$@" >"$tmp/cw" 2>"$tmp/rec.err"
		cw=$?
		t=$(cw_time "$tmp/cw" exit)
		if [ "$cw" -ne 0 ] || [ "$(cw_exit "$tmp/cw")" != 0 ]; then
			why="record: $(cw_why "$tmp/cw") $(first_err "$tmp/rec.err")"
			return 1
		fi
		if ! grep -q '^typed at the console' "$tmp/rec.out" ||
		   ! grep -qE '^rng 16:[0-9a-f]{32}' "$tmp/rec.out" ||
		   ! grep -q 'reboot: Power down' "$tmp/rec.out"; then
			why="record: the session did not run as typed"
			return 1
		fi
		s_rec=$(lower "$s_rec" "$t")
		s_bytes=$(fsize "$log")
		if [ "$emu" = reprise ]; then
			set -- "$REPRISE" replay "$log"
		else
			set -- "$QEMU" $MACHINE -append console=ttyS0 $QEMU_CONSOLE $(qemu_rr replay "$log")
		fi
		replay_checked "$tmp/rec.out" "$@" || return 1
		s_rep=$(lower "$s_rep" "$secs")
	done
}

for emu in reprise qemu; do
	if [ "$emu" = reprise ]; then
		name=Reprise
		have_reprise || continue
	else
		name="QEMU rr"
		have_qemu || continue
	fi
	echo "bench: typed Linux session, $name ..." >&2
	if session "$emu"; then
		rows="$rows
| $name | $s_rec | $s_rep | $(ratio "$s_rec" "$s_rep") | $(group "$s_bytes") |"
		echo "$s_rec $s_rep $s_bytes" >"$tmp/session.$emu"
	else
		rows="$rows
| $name | failed | - | - | - |"
		notes="$notes
- $name session: $why"
	fi
done
echo "Typed session at init's prompt ($BENCH_TYPE_MS ms per character: echo, sleep 1, rng 16,"
echo "getrandom 16, info, poweroff), recorded, then replayed with no input. QEMU:"
echo "\`-icount shift=auto,rr=record|replay\` on the same kernel, initramfs and devices."
echo
echo "| emulator | record s | replay s | record/replay | log bytes |"
echo "|----------|---------:|---------:|--------------:|----------:|"
echo "$rows" | sed '/^$/d'
r=$(cat "$tmp/session.reprise" 2>/dev/null)
q=$(cat "$tmp/session.qemu" 2>/dev/null)
if [ -n "$r" ] && [ -n "$q" ]; then
	set -- $r $q
	echo
	echo "Log size: QEMU / Reprise = $(ratio "$6" "$3"); replay time: QEMU / Reprise = $(ratio "$5" "$2")."
fi
if [ -n "$notes" ]; then
	echo
	echo "Notes:"
	echo "$notes" | sed '/^$/d'
fi
