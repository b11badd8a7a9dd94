#!/bin/sh
# Recording overhead on the CPU guests (args; default all four): Reprise run,
# record and replay interleaved BENCH_RUNS times (best of each kept), with
# record/run, replay/record and log bytes per session and per M instructions.
# Leaves its figures in BENCH_SHARE for qemurr.sh.
. "$(dirname "$0")/lib.sh"

[ $# -eq 0 ] && set -- intmix memcpy interp fp
MACHINE="-M virt -m 128M -bios none -nographic"

if ! have_reprise; then
	echo "Skipped: $REPRISE is not built."
	exit 0
fi

rows='' notes='' over=''
for g in "$@"; do
	elf=$BENCH_DIR/$g.elf
	if [ ! -f "$elf" ]; then
		notes="$notes
- $g: $elf not found (build it with 'make bench-guests')"
		continue
	fi
	echo "bench: record overhead, $g ..." >&2
	log="$tmp/$g.rpr"
	b_run='' b_rec='' b_rep='' n='' why=''
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ]; do
		i=$((i + 1))
		timed "$tmp/run.out" "$tmp/run.err" "$REPRISE" run $MACHINE -kernel "$elf" --stats
		if [ "$st" -ne 0 ] || ! grep -q "^$g: checksum .* ok" "$tmp/run.out"; then
			why="run: exit status $st $(first_err "$tmp/run.err")"
			break
		fi
		b_run=$(lower "$b_run" "$secs")
		rm -f "$log"
		timed "$tmp/rec.out" "$tmp/rec.err" "$REPRISE" record -o "$log" $MACHINE -kernel "$elf"
		n=$(reprise_recorded "$tmp/rec.err")
		if [ "$st" -ne 0 ] || [ -z "$n" ]; then
			why="record: exit status $st $(first_err "$tmp/rec.err")"
			break
		fi
		b_rec=$(lower "$b_rec" "$secs")
		timed "$tmp/rep.out" "$tmp/rep.err" "$REPRISE" replay "$log"
		if [ "$st" -ne 0 ] || ! grep -q '^reprise: replay matched' "$tmp/rep.err"; then
			why="replay: exit status $st $(first_err "$tmp/rep.err")"
			break
		fi
		if ! cmp -s "$tmp/rec.out" "$tmp/rep.out"; then
			why="replay: console output differs from the recording"
			break
		fi
		b_rep=$(lower "$b_rep" "$secs")
	done
	if [ -n "$why" ]; then
		notes="$notes
- $g: $why"
		rows="$rows
| $g | - | - | - | - | - | - | - | - |"
		continue
	fi
	bytes=$(fsize "$log")
	rr=$(ratio "$b_rec" "$b_run")
	awk -v r="$rr" 'BEGIN { exit !(r > 1.05) }' && over="$over $g"
	rows="$rows
| $g | $(group "$n") | $b_run | $b_rec | $rr | $b_rep | $(ratio "$b_rep" "$b_rec") | $(group "$bytes") | $(per_m "$bytes" "$n") |"
	share_put "reprise-$g" "$n $b_run $b_rec $b_rep $bytes"
done

echo "Reprise run, record and replay of the bare-metal guests, interleaved, best of $BENCH_RUNS"
echo "wall-clock runs each (process start-up included); every replay must match its recording."
echo
echo "| guest | instructions | run s | record s | record/run | replay s | replay/record | log bytes | bytes/M insns |"
echo "|-------|-------------:|------:|---------:|-----------:|---------:|--------------:|----------:|--------------:|"
echo "$rows" | sed '/^$/d'
if [ -n "$notes$over" ]; then
	echo
	echo "Notes:"
	echo "$notes" | sed '/^$/d'
	[ -n "$over" ] && echo "- over the 1.05 record/run target:$over"
fi
echo
echo "Targets: record/run ≤ 1.05, replay/record ≤ 1."
