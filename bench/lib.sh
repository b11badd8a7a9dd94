# Shared by the benchmark sections (sourced, POSIX sh): environment defaults,
# a scratch directory, timed runs under timeout(1), best-of bookkeeping and
# number formatting. Owns no table; run.sh (the CPU table) does not use it.
set -u

REPRISE=${REPRISE:-./reprise}
QEMU=${QEMU:-qemu-system-riscv64}
BENCH_DIR=${BENCH_DIR:-bench}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-300}
BENCH_FW=${BENCH_FW:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin}
BENCH_UBOOT=${BENCH_UBOOT:-/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin}
BENCH_CONWATCH=${BENCH_CONWATCH:-$BENCH_DIR/conwatch}
BENCH_FW_TIMEOUT=${BENCH_FW_TIMEOUT:-60}    # seconds for one firmware run
BENCH_SHARE=${BENCH_SHARE:-}                # figures passed between sections

case $BENCH_RUNS in
	''|*[!0-9]*|0) echo "${0##*/}: BENCH_RUNS must be a positive number, not '$BENCH_RUNS'" >&2; exit 2 ;;
esac
if ! command -v timeout >/dev/null 2>&1; then
	echo "${0##*/}: timeout(1) is needed to bound every emulator run" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/reprise-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# The U-Boot machine, as QEMU and Reprise both spell it.
UBOOT_MACHINE="-M virt -m 256M -bios $BENCH_FW -kernel $BENCH_UBOOT"
# QEMU's console without -nographic: its mux console does not replay.
QEMU_CONSOLE="-serial stdio -display none -monitor none"
# QEMU record/replay: icount plus rr, and no default network card.
qemu_rr() { echo "-net none -icount shift=auto,rr=$1,rrfile=$2"; }

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# timed OUT ERR CMD...: runs CMD under timeout with no input; sets $secs
# (wall clock, process start-up included) and $st (exit status).
timed() {
	o=$1 e=$2
	shift 2
	t0=$(now)
	timeout "$BENCH_TIMEOUT" "$@" </dev/null >"$o" 2>"$e"
	st=$?
	secs=$(since "$t0")
}

# replay_checked REC-OUT CMD...: a timed replay that must exit 0 and print
# exactly what the recording printed (REC-OUT); sets $secs, or $why and
# returns 1.
replay_checked() {
	rc_out=$1
	shift
	timed "$tmp/rep.out" "$tmp/rep.err" "$@"
	if [ "$st" -eq 124 ]; then
		why="replay: timed out after $BENCH_TIMEOUT s"
	elif [ "$st" -ne 0 ]; then
		why="replay: exit status $st $(first_err "$tmp/rep.err")"
	elif ! cmp -s "$rc_out" "$tmp/rep.out"; then
		why="replay: console output differs from the recording"
	else
		return 0
	fi
	return 1
}

# lower A B: the smaller of two figures, either of which may be empty.
lower() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || (b != "" && b < a)) ? b : a }'; }
# ratio A B: A / B with two decimals, or '-'.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b <= 0) print "-"; else printf "%.2f", a / b }'; }
# per_m BYTES N: bytes per million instructions.
per_m() { awk -v a="$1" -v n="$2" 'BEGIN { if (a == "" || n == "" || n <= 0) print "-"; else printf "%.1f", a / (n / 1e6) }'; }
group() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
fsize() { wc -c <"$1" 2>/dev/null | tr -d ' '; }
# or_dash VALUE: VALUE, or '-' when empty.
or_dash() { if [ -n "$1" ]; then echo "$1"; else echo -; fi; }
# first_err FILE: the first line worth quoting from an emulator's stderr.
first_err() { grep -v -e '^qemu: module' -e '^reprise: \(instructions\|host seconds\|blocks\)' "$1" 2>/dev/null | head -n 1 | tr '|' '/'; }

# Figures from Reprise's stderr.
reprise_insns() { sed -n 's/^reprise: instructions: \([0-9][0-9]*\).*/\1/p' "$1" | tail -n 1; }
reprise_recorded() { sed -n 's/^reprise: recorded \([0-9][0-9]*\) instructions.*/\1/p' "$1" | tail -n 1; }

# share_put NAME VALUE... / share_get NAME: figures one section leaves for a
# later one in the same suite run (empty when run alone).
share_put() {
	[ -n "$BENCH_SHARE" ] && [ -d "$BENCH_SHARE" ] || return 0
	k=$1
	shift
	echo "$*" >"$BENCH_SHARE/$k"
}
share_get() {
	[ -n "$BENCH_SHARE" ] && [ -f "$BENCH_SHARE/$1" ] && cat "$BENCH_SHARE/$1"
	return 0
}

have_qemu() { command -v "$QEMU" >/dev/null 2>&1; }
have_reprise() { [ -x "$REPRISE" ]; }
have_conwatch() { [ -x "$BENCH_CONWATCH" ]; }
have_firmware() { [ -f "$BENCH_FW" ] && [ -f "$BENCH_UBOOT" ]; }

# cw_time FILE WHAT [I]: a time from conwatch's report ("mark 2", "exit").
cw_time() {
	if [ $# -ge 3 ]; then
		awk -v w="$2" -v i="$3" '$1 == w && $2 == i { print $3; exit }' "$1"
	else
		awk -v w="$2" '$1 == w { print $NF; exit }' "$1"
	fi
}
cw_exit() { awk '$1 == "exit" { print $2; exit }' "$1"; }
# cw_why FILE: what went wrong, in words, from conwatch's report.
cw_why() {
	awk '$1 == "timeout" { sub(/^prompt-/, "", $2); if ($2 == "total") print "timed out after " $3 " s"; else print "no prompt " $2 " within the time allowed (" $3 " s in)"; f = 1; exit }
	     $1 == "exit" { print "exited with status " $2 " at " $3 " s"; f = 1; exit }
	     END { if (!f) print "conwatch gave no verdict" }' "$1"
}
