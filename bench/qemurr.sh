#!/bin/sh
# CPU guests (args; default intmix fp) under QEMU's record/replay (-icount
# shift=auto,rr=record|replay) beside Reprise's: run, record and replay times
# and log sizes, best of BENCH_RUNS. Reuses figures the cpu and record
# sections left in BENCH_SHARE rather than measuring them twice.
. "$(dirname "$0")/lib.sh"

[ $# -eq 0 ] && set -- intmix fp
R_MACHINE="-M virt -m 128M -bios none -nographic"
Q_MACHINE="-M virt -m 128M -bios none $QEMU_CONSOLE"

# checked OUT ERR GUEST CMD...: a timed run that must print the guest's
# checksum line and exit 0; sets $secs or $why.
checked() {
	o=$1 e=$2 g=$3
	shift 3
	timed "$o" "$e" "$@"
	why=''
	[ "$st" -eq 0 ] && grep -q "^$g: checksum .* ok" "$o" && return 0
	if [ "$st" -eq 124 ]; then why="timed out after $BENCH_TIMEOUT s"
	else why="exit status $st $(first_err "$e")"; fi
	return 1
}

rows='' notes='' reused=''
for g in "$@"; do
	elf=$BENCH_DIR/$g.elf
	if [ ! -f "$elf" ]; then
		notes="$notes
- $g: $elf not found (build it with 'make bench-guests')"
		continue
	fi

	# Reprise: from the record section, else measured here.
	set -- $(share_get "reprise-$g")
	if [ $# -eq 5 ]; then
		r_n=$1 r_run=$2 r_rec=$3 r_rep=$4 r_bytes=$5
		reused="$reused $g"
	elif have_reprise; then
		echo "bench: Reprise rr, $g ..." >&2
		r_n='' r_run='' r_rec='' r_rep='' r_bytes='' why=''
		log="$tmp/$g.rpr"
		i=0
		while [ "$i" -lt "$BENCH_RUNS" ]; do
			i=$((i + 1))
			checked "$tmp/o" "$tmp/e" "$g" "$REPRISE" run $R_MACHINE -kernel "$elf" || { why="run: $why"; break; }
			r_run=$(lower "$r_run" "$secs")
			rm -f "$log"
			checked "$tmp/rec.out" "$tmp/e" "$g" "$REPRISE" record -o "$log" $R_MACHINE -kernel "$elf" ||
				{ why="record: $why"; break; }
			r_rec=$(lower "$r_rec" "$secs")
			r_n=$(reprise_recorded "$tmp/e")
			checked "$tmp/o" "$tmp/e" "$g" "$REPRISE" replay "$log" || { why="replay: $why"; break; }
			cmp -s "$tmp/o" "$tmp/rec.out" || { why="replay: console output differs"; break; }
			r_rep=$(lower "$r_rep" "$secs")
		done
		r_bytes=$(fsize "$log")
		if [ -n "$why" ]; then
			notes="$notes
- $g, Reprise: $why"
			r_rec='' r_rep='' r_bytes=''
		fi
	else
		r_n='' r_run='' r_rec='' r_rep='' r_bytes=''
		notes="$notes
- Reprise: $REPRISE is not built"
	fi

	# QEMU: plain TCG from the cpu section, else measured; then rr.
	q_run=$(share_get "qemu-$g") q_rec='' q_rep='' q_bytes='' why=''
	if have_qemu; then
		echo "bench: QEMU rr, $g ..." >&2
		log="$tmp/$g.qrr"
		i=0
		while [ "$i" -lt "$BENCH_RUNS" ]; do
			i=$((i + 1))
			if [ -z "$(share_get "qemu-$g")" ]; then
				checked "$tmp/o" "$tmp/e" "$g" "$QEMU" $Q_MACHINE -kernel "$elf" || { why="run: $why"; break; }
				q_run=$(lower "$q_run" "$secs")
			fi
			rm -f "$log"
			checked "$tmp/rec.out" "$tmp/e" "$g" "$QEMU" $Q_MACHINE -kernel "$elf" $(qemu_rr record "$log") ||
				{ why="rr=record: $why"; break; }
			q_rec=$(lower "$q_rec" "$secs")
			checked "$tmp/o" "$tmp/e" "$g" "$QEMU" $Q_MACHINE -kernel "$elf" $(qemu_rr replay "$log") ||
				{ why="rr=replay: $why"; break; }
			cmp -s "$tmp/o" "$tmp/rec.out" || { why="rr=replay: console output differs"; break; }
			q_rep=$(lower "$q_rep" "$secs")
		done
		q_bytes=$(fsize "$log")
		if [ -n "$why" ]; then
			notes="$notes
- $g, QEMU: $why"
			q_rec='' q_rep='' q_bytes=''
		fi
	else
		notes="$notes
- QEMU: $QEMU not found"
	fi

	rows="$rows
| $g | Reprise | $(or_dash "$r_run") | $(or_dash "$r_rec") | $(ratio "$r_rec" "$r_run") | $(or_dash "$r_rep") | $(ratio "$r_rep" "$r_rec") | $([ -n "$r_bytes" ] && group "$r_bytes" || echo -) | $(per_m "$r_bytes" "$r_n") |
| $g | QEMU rr | $(or_dash "$q_run") | $(or_dash "$q_rec") | $(ratio "$q_rec" "$q_run") | $(or_dash "$q_rep") | $(ratio "$q_rep" "$q_rec") | $([ -n "$q_bytes" ] && group "$q_bytes" || echo -) | $(per_m "$q_bytes" "$r_n") |"
done

echo "The same bare-metal guests under QEMU's record/replay and Reprise's, best of $BENCH_RUNS"
echo "wall-clock runs. QEMU: \`$(basename "$QEMU") $Q_MACHINE -kernel G.elf $(qemu_rr record F)\`,"
echo "then \`rr=replay\`; its run column is plain TCG without icount."
echo
echo "| guest | emulator | run s | record s | record/run | replay s | replay/record | log bytes | bytes/M insns |"
echo "|-------|----------|------:|---------:|-----------:|---------:|--------------:|----------:|--------------:|"
echo "$rows" | sed '/^$/d'
[ -n "$reused" ] && notes="$notes
- Reprise rows for$reused repeat the recording-overhead table (same runs)."
if [ -n "$notes" ]; then
	echo
	echo "Notes:"
	echo "$notes" | sed '/^$/d'
fi
echo
echo "bytes/M insns uses Reprise's instruction count for both (the cpu table cross-checks it"
echo "against QEMU's own)."
