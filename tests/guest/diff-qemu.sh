#!/bin/sh
# Differential test: run each guest on Reprise ($REPRISE) and on QEMU
# ($QEMU, default qemu-system-riscv64) and compare the console output and
# the exit status.  One line per test, then a summary; exit status 1 if any
# test differs, 77 if either emulator is missing.
# Usage: diff-qemu.sh [TEST.elf ...]   (default: tests/guest/*.elf here)
# QEMU gets -icount shift=0 so that its instret is exact, as Reprise's is
# (see run-guest.sh); otherwise both get the same virt machine options.
# Lines that start with "# " are measurements (how long a sleep took, the
# date, interrupt counts) that legitimately differ between emulators; they
# are left out of the comparison (record/replay still compares them).
set -u

reprise=${REPRISE:-}
qemu=${QEMU:-qemu-system-riscv64}
timeout_s=${GUEST_TIMEOUT:-60}

if [ -z "$reprise" ] || [ ! -x "$reprise" ]; then
	echo "diff-qemu: REPRISE is not set to an executable (got '${reprise}')" >&2
	exit 77
fi
if ! command -v "$qemu" >/dev/null 2>&1; then
	echo "diff-qemu: $qemu not found" >&2
	exit 77
fi
if [ $# -eq 0 ]; then
	set -- tests/guest/*.elf
	if [ ! -f "$1" ]; then
		echo "diff-qemu: no tests/guest/*.elf here; build them or name them" >&2
		exit 2
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/diff-qemu.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

total=0
differ=0
for elf in "$@"; do
	total=$((total + 1))
	name=$(basename "$elf" .elf)
	# Console output is stdout; stderr (emulator diagnostics) is kept
	# apart and shown only when the run differs.
	timeout "$timeout_s" "$reprise" run -M virt -m 128M -bios none \
		-kernel "$elf" -nographic </dev/null \
		>"$tmp/$name.reprise" 2>"$tmp/$name.reprise.err"
	rs=$?
	timeout "$timeout_s" "$qemu" -M virt -m 128M -bios none \
		-kernel "$elf" -nographic -monitor none -icount shift=0 \
		</dev/null >"$tmp/$name.qemu" 2>"$tmp/$name.qemu.err"
	qs=$?
	grep -v '^# ' "$tmp/$name.reprise" >"$tmp/$name.reprise.cmp"
	grep -v '^# ' "$tmp/$name.qemu" >"$tmp/$name.qemu.cmp"
	if [ "$rs" -eq "$qs" ] && cmp -s "$tmp/$name.reprise.cmp" "$tmp/$name.qemu.cmp"; then
		echo "SAME $name (exit $rs)"
		continue
	fi
	differ=$((differ + 1))
	echo "DIFF $name: exit status reprise $rs, qemu $qs"
	diff -u --label "qemu/$name" --label "reprise/$name" \
		"$tmp/$name.qemu.cmp" "$tmp/$name.reprise.cmp" | sed 's/^/    /'
	if [ -s "$tmp/$name.reprise.err" ]; then
		echo "    reprise stderr:"
		sed 's/^/      /' "$tmp/$name.reprise.err"
	fi
	echo "    reproduce: $reprise run -M virt -m 128M -bios none -kernel $elf -nographic"
	echo "    reference: $qemu -M virt -m 128M -bios none -kernel $elf -nographic -monitor none -icount shift=0"
done

echo "diff-qemu: $total tests, $((total - differ)) same, $differ different"
[ "$differ" -eq 0 ]
