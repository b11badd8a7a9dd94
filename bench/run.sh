#!/bin/sh
# Runs the benchmark guests on Reprise and on QEMU TCG, best of BENCH_RUNS
# wall-clock runs each, and prints a Markdown table of guest MIPS and the
# speed ratio (Reprise / QEMU). A guest that fails or an emulator that is
# missing gives a note for that guest, never an abort.
#
# Usage: run.sh [GUEST...]          (default: intmix memcpy interp fp)
# Environment:
#   REPRISE            Reprise binary (default ./reprise)
#   QEMU               qemu-system-riscv64 (default: from PATH)
#   BENCH_DIR          where GUEST.elf and qemu-icount.so live (default: bench)
#   BENCH_RUNS         timed runs per emulator and guest, best kept (default 3)
#   BENCH_TIMEOUT      seconds before a run is abandoned (default 300)
#   BENCH_QEMU_PLUGIN  instruction-counting QEMU plugin (default:
#                      $BENCH_DIR/qemu-icount.so if present); gives QEMU its
#                      own instruction count to cross-check Reprise's
#   BENCH_SHARE        directory where bench/suite.sh collects figures that
#                      later sections reuse (QEMU's best time per guest)
set -u

REPRISE=${REPRISE:-./reprise}
QEMU=${QEMU:-qemu-system-riscv64}
BENCH_DIR=${BENCH_DIR:-bench}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-300}
BENCH_QEMU_PLUGIN=${BENCH_QEMU_PLUGIN:-$BENCH_DIR/qemu-icount.so}

case $BENCH_RUNS in
	''|*[!0-9]*|0) echo "run.sh: BENCH_RUNS must be a positive number, not '$BENCH_RUNS'" >&2; exit 2 ;;
esac
if [ $# -eq 0 ]; then
	set -- intmix memcpy interp fp
fi

MACHINE="-M virt -m 128M -bios none -nographic"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/reprise-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

have_timeout=false
command -v timeout >/dev/null 2>&1 && have_timeout=true

now() { date +%s.%N; }

# run_once GUEST LABEL CMD...: runs CMD with stdout/stderr in $tmp, sets
# $secs (wall clock) and $why (empty on success, else one reason).
run_once() {
	g=$1; label=$2; shift 2
	t0=$(now)
	if $have_timeout; then
		timeout "$BENCH_TIMEOUT" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	else
		"$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	fi
	st=$?
	t1=$(now)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	why=
	if grep -q "^$g: checksum .* ok" "$tmp/out" && [ "$st" -eq 0 ]; then
		return 0
	fi
	if [ "$st" -eq 124 ] && $have_timeout; then
		why="timed out after ${BENCH_TIMEOUT}s"
	elif grep -q "FAIL" "$tmp/out"; then
		why="wrong checksum: $(grep -m1 FAIL "$tmp/out")"
	elif grep -q "unexpected trap" "$tmp/out"; then
		why=$(grep -m1 "unexpected trap" "$tmp/out")
	elif [ "$st" -eq 0 ]; then
		why="exit status 0 but no '$g: checksum ... ok' line on the console"
	else
		msg=$(grep -v '^qemu: module' "$tmp/err" | head -n 1)
		why="exit status $st${msg:+: $msg}"
	fi
	why="$label: $why"
	return 1
}

# best GUEST LABEL CMD...: best of BENCH_RUNS; sets $best (or empty) and $why.
best() {
	g=$1; label=$2; shift 2
	best=
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ]; do
		i=$((i + 1))
		if ! run_once "$g" "$label" "$@"; then
			best=
			return 1
		fi
		best=$(awk -v a="$best" -v b="$secs" 'BEGIN { print (a == "" || b < a) ? b : a }')
	done
	return 0
}

mips() { awk -v n="$1" -v s="$2" 'BEGIN { if (n == "" || s == "" || s <= 0) print "-"; else printf "%.0f", n / s / 1e6 }'; }
group() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }

qemu_ok=true
if ! command -v "$QEMU" >/dev/null 2>&1; then
	qemu_ok=false
fi
reprise_ok=true
reprise_why=
if [ ! -x "$REPRISE" ]; then
	reprise_ok=false
	reprise_why="Reprise: $REPRISE is not built"
fi
plugin_ok=false
[ -f "$BENCH_QEMU_PLUGIN" ] && $qemu_ok && plugin_ok=true

rows=
notes=
for g in "$@"; do
	elf=$BENCH_DIR/$g.elf
	if [ ! -f "$elf" ]; then
		notes="$notes
- $g: $elf not found (build it with 'make bench-guests')"
		continue
	fi
	echo "bench: $g ..." >&2

	# Reprise: timed runs; its --stats line gives the instruction count.
	r_s=; r_n=; r_note=
	if $reprise_ok; then
		if best "$g" Reprise "$REPRISE" run $MACHINE -kernel "$elf" --stats; then
			r_s=$best
			r_n=$(sed -n 's/^reprise: instructions: \([0-9][0-9]*\).*/\1/p' "$tmp/err" | tail -n 1)
			[ -n "$r_n" ] || r_note="Reprise: no 'reprise: instructions: N' line on stderr (--stats)"
		else
			r_note=$why
		fi
	else
		r_note=$reprise_why
	fi

	# QEMU: one counting run with the plugin (untimed), then timed runs.
	q_s=; q_n=; q_note=
	if $qemu_ok; then
		if $plugin_ok && run_once "$g" QEMU "$QEMU" $MACHINE -monitor none -kernel "$elf" \
			-plugin "$BENCH_QEMU_PLUGIN"; then
			q_n=$(sed -n 's/^qemu: instructions: \([0-9][0-9]*\).*/\1/p' "$tmp/err" | tail -n 1)
		fi
		if best "$g" QEMU "$QEMU" $MACHINE -monitor none -kernel "$elf"; then
			q_s=$best
		else
			q_note=$why
		fi
	else
		q_note="QEMU: $QEMU not found"
	fi

	# Left for later sections of bench/suite.sh (qemurr.sh reuses it).
	if [ -n "${BENCH_SHARE:-}" ] && [ -d "${BENCH_SHARE:-}" ] && [ -n "$q_s" ]; then
		echo "$q_s" >"$BENCH_SHARE/qemu-$g"
	fi

	# One instruction count for the table; both when they disagree.
	n=${r_n:-$q_n}
	if [ -n "$r_n" ] && [ -n "$q_n" ]; then
		off=$(awk -v a="$r_n" -v b="$q_n" 'BEGIN { d = a - b; if (d < 0) d = -d; print (d > b / 10000) ? 1 : 0 }')
		[ "$off" -eq 1 ] && notes="$notes
- $g: instruction counts differ: Reprise $(group "$r_n"), QEMU $(group "$q_n")"
	fi
	r_mips=$(mips "$r_n" "$r_s")
	q_mips=$(mips "${q_n:-$r_n}" "$q_s")
	ratio=$(awk -v r="$r_mips" -v q="$q_mips" 'BEGIN { if (r == "-" || q == "-" || q == 0) print "-"; else printf "%.2f", r / q }')
	rows="$rows
| $g | $( [ -n "$n" ] && group "$n" || echo -) | ${r_s:-n/a} | $r_mips | ${q_s:-n/a} | $q_mips | $ratio |"
	[ -n "$r_note" ] && notes="$notes
- $g: $r_note"
	[ -n "$q_note" ] && notes="$notes
- $g: $q_note"
done

qver=$($QEMU --version 2>/dev/null | head -n 1)
rver=$($REPRISE --version 2>/dev/null | head -n 1)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo
echo "Reprise vs QEMU TCG, bare-metal guests, best of $BENCH_RUNS wall-clock runs (process start-up included)."
echo "Host: ${cpu:-unknown}; QEMU: ${qver:-not found}; Reprise: ${rver:-not available}."
echo
echo "| guest | instructions | Reprise s | Reprise MIPS | QEMU s | QEMU MIPS | ratio |"
echo "|-------|-------------:|----------:|-------------:|-------:|----------:|------:|"
echo "$rows" | sed '/^$/d'
if [ -n "$notes" ]; then
	echo
	echo "Notes:"
	echo "$notes" | sed '/^$/d'
fi
echo
echo "ratio = Reprise MIPS / QEMU MIPS (above 1: Reprise is faster)."
