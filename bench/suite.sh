#!/bin/sh
# `make bench`: prints what machine and versions are measured, then runs the
# chosen sections (BENCH_SECTIONS) in order, each a Markdown table ready for
# the README. Sections are separate scripts; this one only orders them.
#
# Usage: suite.sh [GUEST...]   (CPU guests; default: intmix memcpy interp fp)
# Environment (besides those of run.sh and lib.sh):
#   BENCH_SECTIONS   any of: cpu boot record session qemurr plugins linux;
#                    'rr' stands for record session qemurr (default: all
#                    seven; linux needs the Linux guest, `make linux`)
#   BENCH_RR_GUESTS  CPU guests for the qemurr section (default: intmix fp,
#                    or the first two GUESTs given)
#   BENCH_PLUGIN_GUESTS  CPU guests for the plugins section (default: intmix
#                    memcpy, or the first two GUESTs given)
#   BENCH_SRCDIR     source tree, for `git describe` (default: bench/..)
set -u
here=$(dirname "$0")
REPRISE=${REPRISE:-./reprise}
QEMU=${QEMU:-qemu-system-riscv64}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_SRCDIR=${BENCH_SRCDIR:-$here/..}

sections=''
for s in ${BENCH_SECTIONS:-cpu boot record session qemurr plugins linux}; do
	case $s in
	rr) sections="$sections record session qemurr" ;;
	all) sections="$sections cpu boot record session qemurr plugins linux" ;;
	cpu|boot|record|session|qemurr|plugins|linux) sections="$sections $s" ;;
	*) echo "suite.sh: unknown section '$s' (cpu boot record session qemurr plugins linux rr all)" >&2; exit 2 ;;
	esac
done
if [ $# -gt 0 ]; then
	first_two=$(echo "$@" | awk '{ print $1, ($2 == "" ? "" : $2) }')
	rr_guests=${BENCH_RR_GUESTS:-$first_two}
	plugin_guests=${BENCH_PLUGIN_GUESTS:-$first_two}
else
	rr_guests=${BENCH_RR_GUESTS:-intmix fp}
	plugin_guests=${BENCH_PLUGIN_GUESTS:-intmix memcpy}
fi

BENCH_SHARE=$(mktemp -d "${TMPDIR:-/tmp}/reprise-bench-share.XXXXXX") || exit 1
export BENCH_SHARE REPRISE QEMU BENCH_RUNS
trap 'rm -rf "$BENCH_SHARE"' EXIT INT TERM

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
cores=$(nproc 2>/dev/null || echo '?')
qver=$($QEMU --version 2>/dev/null | head -n 1)
rver=$($REPRISE --version 2>/dev/null | head -n 1)
commit=$(cd "$BENCH_SRCDIR" 2>/dev/null && GIT_OPTIONAL_LOCKS=0 git describe --always --dirty 2>/dev/null)
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null; }
start=$(date +%s)

echo "## Reprise benchmarks"
echo
echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); host: ${cpu:-unknown}, $cores CPUs, $(uname -sr)"
echo "- Load average at start: $(load) (other work on the host skews wall-clock figures)"
echo "- Reprise: ${rver:-not available} (${commit:-commit unknown}), $REPRISE"
echo "- QEMU: ${qver:-not found}"
echo "- Runs: best of $BENCH_RUNS; sections:$sections"

status=0
for s in $sections; do
	echo
	case $s in
	cpu) echo "### CPU guests"; sh "$here/run.sh" "$@" ;;
	boot) echo "### Firmware boot to the U-Boot prompt"; echo; sh "$here/boot.sh" ;;
	record) echo "### Recording overhead"; echo; sh "$here/record.sh" "$@" ;;
	session) echo "### Typed U-Boot session, recorded and replayed"; echo; sh "$here/session.sh" ;;
	qemurr) echo "### CPU guests under QEMU record/replay"; echo; sh "$here/qemurr.sh" $rr_guests ;;
	plugins) echo "### Plugin overhead"; echo; sh "$here/plugins.sh" $plugin_guests ;;
	linux) echo "### Linux guest: boot, and a typed session recorded and replayed"; echo; sh "$here/linux.sh" ;;
	esac || { echo "(section $s failed to run)"; status=1; }
done

echo
echo "Finished in $(( $(date +%s) - start )) s; load average at end: $(load)."
exit $status
