#!/bin/sh
# Plugin overhead on CPU guests (args; default intmix memcpy): each guest
# runs with no plugin, then with bench/plugcost.so counting instructions
# with an inline add per block, with a callback per instruction, and with a
# callback per instruction and per memory access. The same plugin file
# (API version 1) is loaded into Reprise and into QEMU TCG; runs are
# interleaved BENCH_RUNS times and the best of each kept. Prints seconds,
# the slowdown against the same emulator without a plugin, and QEMU's time
# over Reprise's for the same plugin.
. "$(dirname "$0")/lib.sh"

[ $# -eq 0 ] && set -- intmix memcpy
MACHINE="-M virt -m 128M -bios none -nographic"
PLUGIN=${BENCH_PLUGCOST:-$BENCH_DIR/plugcost.so}
MODES="none tb-inline insn-cb insn-mem-cb"

label() {
	case $1 in
	none) echo "no plugin" ;;
	tb-inline) echo "inline add per block" ;;
	insn-cb) echo "callback per instruction" ;;
	insn-mem-cb) echo "callbacks per instruction and access" ;;
	esac
}

if ! have_reprise; then
	echo "Skipped: $REPRISE is not built."
	exit 0
fi
if [ ! -f "$PLUGIN" ]; then
	echo "Skipped: $PLUGIN is not built (bench/bench.mk builds it from bench/plugcost.c)."
	exit 0
fi
qemu=false
have_qemu && qemu=true

# one EMULATOR GUEST MODE: a timed run; sets $secs, or $why, and $count
# (the plugin's report, "" with no plugin).
one() {
	emu=$1 g=$2 mode=$3
	elf=$BENCH_DIR/$g.elf
	set --
	[ "$mode" = none ] || set -- -plugin "$PLUGIN,mode=$mode" -d plugin -D "$tmp/log"
	rm -f "$tmp/log"
	if [ "$emu" = reprise ]; then
		timed "$tmp/out" "$tmp/err" "$REPRISE" run $MACHINE -kernel "$elf" "$@"
	else
		timed "$tmp/out" "$tmp/err" "$QEMU" $MACHINE -monitor none -kernel "$elf" "$@"
	fi
	why='' count=''
	if [ "$st" -eq 124 ]; then
		why="timed out after $BENCH_TIMEOUT s"
	elif [ "$st" -ne 0 ] || ! grep -q "^$g: checksum .* ok" "$tmp/out"; then
		why="exit status $st $(first_err "$tmp/err")"
	elif [ "$mode" != none ]; then
		count=$(sed -n "s/^plugcost: $mode //p" "$tmp/log" 2>/dev/null)
		[ -n "$count" ] || why="the plugin printed no count"
	fi
	[ -z "$why" ]
}

# keep EMULATOR MODE SECS / best EMULATOR MODE: the best time so far.
keep() { lower "$(best "$1" "$2")" "$3" >"$tmp/best.$1.$2"; }
best() { cat "$tmp/best.$1.$2" 2>/dev/null; }

rows='' notes='' misses=''
for g in "$@"; do
	if [ ! -f "$BENCH_DIR/$g.elf" ]; then
		notes="$notes
- $g: $BENCH_DIR/$g.elf not found (build it with 'make bench-guests')"
		continue
	fi
	echo "bench: plugin overhead, $g ..." >&2
	rm -f "$tmp"/best.*
	bad=''
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ] && [ -z "$bad" ]; do
		i=$((i + 1))
		for m in $MODES; do
			if one reprise "$g" "$m"; then
				keep reprise "$m" "$secs"
				r_count=$count
			else
				bad="$bad
- $g, Reprise, $(label "$m"): $why"
				r_count=''
			fi
			$qemu || continue
			if one qemu "$g" "$m"; then
				keep qemu "$m" "$secs"
				# Block counts may differ at the last block; the others may not.
				if [ "$i" -eq 1 ] && [ "$m" != tb-inline ] && [ -n "$r_count" ] &&
					[ "$count" != "$r_count" ]; then
					notes="$notes
- $g, $(label "$m"): the plugin counted $r_count on Reprise, $count on QEMU"
				fi
			else
				bad="$bad
- $g, QEMU, $(label "$m"): $why"
			fi
		done
	done
	notes="$notes$bad"
	for m in $MODES; do
		r=$(best reprise "$m") q=$(best qemu "$m")
		ro=$(ratio "$r" "$(best reprise none)")
		qo=$(ratio "$q" "$(best qemu none)")
		vs=$(ratio "$q" "$r")
		rows="$rows
| $g | $(label "$m") | $(or_dash "$r") | $ro | $(or_dash "$q") | $qo | $vs |"
		if [ "$m" = tb-inline ] && awk -v o="$ro" 'BEGIN { exit !(o != "-" && o > 1.10) }'; then
			misses="$misses
- $g: the inline counter costs Reprise ×$ro (target ≤ 1.10)"
		fi
		if [ "$m" = insn-mem-cb ] && awk -v o="$vs" 'BEGIN { exit !(o != "-" && o < 1) }'; then
			misses="$misses
- $g: with callbacks per instruction and access, QEMU s / Reprise s is $vs (target ≥ 1)"
		fi
	done
done

echo "The same plugin ($(basename "$PLUGIN"), plugin API version 1) in Reprise and in QEMU TCG, on"
echo "bare-metal guests, best of $BENCH_RUNS interleaved wall-clock runs each (process start-up"
echo "included). Slowdown: time over the same emulator's time without a plugin."
echo
echo "| guest | instrumentation | Reprise s | Reprise slowdown | QEMU s | QEMU slowdown | QEMU s / Reprise s |"
echo "|-------|-----------------|----------:|-----------------:|-------:|--------------:|-------------------:|"
echo "$rows" | sed '/^$/d'
$qemu || notes="$notes
- QEMU: $QEMU not found"
if [ -n "$notes$misses" ]; then
	echo
	echo "Notes:"
	echo "$notes$misses" | sed '/^$/d'
fi
echo
echo "Targets: an inline add per block costs at most ×1.10; with callbacks per instruction and"
echo "access, QEMU s / Reprise s ≥ 1 (above 1: Reprise is faster)."
