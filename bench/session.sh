#!/bin/sh
# The typed U-Boot session: bench/conwatch types version, a 60-character echo,
# sleep 1 and poweroff at successive prompts while Reprise records and while
# QEMU records (-icount rr=record); each then replays with no input. Record and
# replay wall time and log size, best of BENCH_RUNS, for two typing styles.
. "$(dirname "$0")/lib.sh"

BENCH_TYPE_MS=${BENCH_TYPE_MS:-20}   # the paced style: ms between characters
LONG=0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX
PROMPT_WAIT=15                       # seconds allowed for each prompt

if ! have_conwatch; then
	echo "Skipped: $BENCH_CONWATCH is not built (make bench builds it with the host compiler)."
	exit 0
fi
if ! have_firmware; then
	echo "Skipped: $BENCH_FW or $BENCH_UBOOT is missing (Debian packages opensbi and u-boot-qemu)."
	exit 0
fi

# check_session OUT: empty if the console shows every command worked, else
# what went wrong.
check_session() {
	got=$(sed -n 's/^=> echo //p' "$1" | tr -d '\r' | head -n 1)
	if ! grep -q "^$LONG" "$1"; then
		echo "input lost: the 60-character line arrived as ${#got} characters ('$got')"
	elif ! grep -q 'riscv64-linux-gnu-gcc' "$1"; then
		echo "'version' printed no toolchain line"
	elif ! grep -q 'poweroff \.\.\.' "$1"; then
		echo "'poweroff' did not run"
	fi
}

# session EMU PACE: records and replays the session BENCH_RUNS times (one
# failure ends it); sets $s_rec $s_rep $s_bytes $s_n, or $why.
session() {
	emu=$1 pace=$2
	s_rec='' s_rep='' s_bytes='' s_n='' why=''
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ]; do
		i=$((i + 1))
		log="$tmp/session.$emu"
		rm -f "$log"
		if [ "$emu" = reprise ]; then
			set -- "$REPRISE" record -o "$log" --stats $UBOOT_MACHINE -nographic
		else
			set -- "$QEMU" $UBOOT_MACHINE $QEMU_CONSOLE $(qemu_rr record "$log")
		fi
		"$BENCH_CONWATCH" -t "$BENCH_FW_TIMEOUT" -g "$PROMPT_WAIT" -c "$pace" -o "$tmp/rec.out" \
			-l version -l "echo $LONG" -l "sleep 1" -l poweroff -- \
			timeout "$BENCH_FW_TIMEOUT" "$@" >"$tmp/cw" 2>"$tmp/rec.err"
		cw=$?
		t=$(cw_time "$tmp/cw" exit)
		if [ "$cw" -ne 0 ] || [ "$(cw_exit "$tmp/cw")" != 0 ]; then
			why="record: $(cw_why "$tmp/cw")"
			bad=$(check_session "$tmp/rec.out")
			[ -n "$bad" ] && why="$why; $bad"
			e=$(first_err "$tmp/rec.err")
			[ -n "$e" ] && why="$why ($e)"
			return 1
		fi
		bad=$(check_session "$tmp/rec.out")
		if [ -n "$bad" ]; then
			why="record: $bad"
			return 1
		fi
		s_rec=$(lower "$s_rec" "$t")
		s_bytes=$(fsize "$log")
		[ "$emu" = reprise ] && s_n=$(reprise_recorded "$tmp/rec.err")

		if [ "$emu" = reprise ]; then
			set -- "$REPRISE" replay "$log"
		else
			set -- "$QEMU" $UBOOT_MACHINE $QEMU_CONSOLE $(qemu_rr replay "$log")
		fi
		replay_checked "$tmp/rec.out" "$@" || return 1
		s_rep=$(lower "$s_rep" "$secs")
	done
}

rows='' notes=''
for pace in 0 "$BENCH_TYPE_MS"; do
	if [ "$pace" = 0 ]; then style="each line in one write"; else style="$pace ms per character"; fi
	for emu in reprise qemu; do
		if [ "$emu" = reprise ]; then
			name=Reprise
			have_reprise || { notes="$notes
- Reprise: $REPRISE is not built"; continue; }
		else
			name="QEMU rr"
			have_qemu || { notes="$notes
- QEMU: $QEMU not found"; continue; }
		fi
		echo "bench: typed session, $name, $style ..." >&2
		if session "$emu" "$pace"; then
			rows="$rows
| $name | $style | $s_rec | $s_rep | $(ratio "$s_rep" "$s_rec") | $([ -n "$s_n" ] && group "$s_n" || echo -) | $(group "$s_bytes") | identical |"
			echo "$s_rec $s_rep $s_bytes" >"$tmp/result.$emu.$pace"
		else
			rows="$rows
| $name | $style | failed | - | - | - | - | - |"
			notes="$notes
- $name, $style: $why"
		fi
	done
done

echo "U-Boot session typed at the prompt (version; echo of a 60-character line; sleep 1;"
echo "poweroff), recorded, then replayed with no input; best of $BENCH_RUNS wall-clock runs."
echo "QEMU: \`$(basename "$QEMU") -M virt -m 256M -bios fw_jump.bin -kernel u-boot.bin $QEMU_CONSOLE $(qemu_rr record F)\`,"
echo "then \`rr=replay\`. Record time includes the typing and the guest's own waits."
echo
echo "| emulator | typing | record s | replay s | replay/record | instructions | log bytes | replay output |"
echo "|----------|--------|---------:|---------:|--------------:|-------------:|----------:|---------------|"
echo "$rows" | sed '/^$/d'

# Like-for-like comparison at the typing style both emulators survived.
for pace in "$BENCH_TYPE_MS" 0; do
	r=$(cat "$tmp/result.reprise.$pace" 2>/dev/null)
	q=$(cat "$tmp/result.qemu.$pace" 2>/dev/null)
	[ -n "$r" ] && [ -n "$q" ] || continue
	set -- $r $q
	echo
	if [ "$pace" = 0 ]; then echo "Same session, each line in one write:"; else echo "Same session, $pace ms per character:"; fi
	echo
	echo "| | Reprise | QEMU rr | QEMU / Reprise |"
	echo "|-|--------:|--------:|---------------:|"
	echo "| record s | $1 | $4 | $(ratio "$4" "$1") |"
	echo "| replay s | $2 | $5 | $(ratio "$5" "$2") |"
	echo "| log bytes | $(group "$3") | $(group "$6") | $(ratio "$6" "$3") |"
	break
done
if [ -n "$notes" ]; then
	echo
	echo "Notes:"
	echo "$notes" | sed '/^$/d'
fi
echo
echo "QEMU's -icount shift=auto keeps guest time near host time, so its record includes U-Boot's"
echo "2 s autoboot and the 1 s sleep in real time; Reprise's guest time comes from instructions."
