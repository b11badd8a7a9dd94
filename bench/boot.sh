#!/bin/sh
# Firmware boot: wall time to U-Boot's autoboot line and first '=> ' prompt
# (OpenSBI fw_jump + U-Boot S-mode), Reprise vs QEMU TCG, best of BENCH_RUNS,
# timed by bench/conwatch on the console; Reprise's instructions to the
# prompt come from a recording (reprise info --events).
. "$(dirname "$0")/lib.sh"

AUTOBOOT="Hit any key to stop autoboot"

# boot_best LABEL CMD...: best times to the autoboot line and to the prompt;
# sets $b_auto, $b_prompt, or $why.
boot_best() {
	label=$1
	shift
	b_auto='' b_prompt='' why=''
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ]; do
		i=$((i + 1))
		"$BENCH_CONWATCH" -t "$BENCH_FW_TIMEOUT" -o "$tmp/boot.out" -m "$AUTOBOOT" -m '=> ' -k -- \
			timeout "$BENCH_FW_TIMEOUT" "$@" >"$tmp/cw" 2>"$tmp/boot.err"
		a=$(cw_time "$tmp/cw" mark 1)
		p=$(cw_time "$tmp/cw" mark 2)
		if [ -z "$p" ]; then
			why="$label: no '=> ' prompt: $(cw_why "$tmp/cw")"
			e=$(first_err "$tmp/boot.err")
			[ -n "$e" ] && why="$why ($e)"
			return 1
		fi
		b_auto=$(lower "$b_auto" "$a")
		b_prompt=$(lower "$b_prompt" "$p")
	done
}

notes=''
if ! have_conwatch; then
	echo "Skipped: $BENCH_CONWATCH is not built (make bench builds it with the host compiler)."
	exit 0
fi
if ! have_firmware; then
	echo "Skipped: $BENCH_FW or $BENCH_UBOOT is missing (Debian packages opensbi and u-boot-qemu)."
	exit 0
fi

r_auto='' r_prompt='' r_n=''
if have_reprise; then
	echo "bench: boot on Reprise ..." >&2
	if boot_best Reprise "$REPRISE" run $UBOOT_MACHINE -nographic; then
		r_auto=$b_auto r_prompt=$b_prompt
	else
		notes="$notes
- $why"
	fi
	# Instructions to the prompt: record a boot, type 'poweroff' the moment
	# the prompt shows, and read the icount of the first typed byte; the
	# lowest of BENCH_RUNS tries is the tightest bound.
	log="$tmp/boot.rpr"
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ]; do
		i=$((i + 1))
		rm -f "$log"
		"$BENCH_CONWATCH" -t "$BENCH_FW_TIMEOUT" -o "$tmp/rec.out" -l poweroff -- \
			timeout "$BENCH_FW_TIMEOUT" "$REPRISE" record -o "$log" $UBOOT_MACHINE -nographic \
			>"$tmp/cw" 2>"$tmp/rec.err"
		n=$("$REPRISE" info --events "$log" 2>/dev/null |
			sed -n 's/.*"kind":"console-in".*"icount":\([0-9][0-9]*\).*/\1/p' | head -n 1)
		if [ -z "$n" ]; then
			notes="$notes
- Reprise: no instruction count to the prompt: the recording of a boot failed ($(cw_why "$tmp/cw"); $(first_err "$tmp/rec.err"))"
			r_n=''
			break
		fi
		r_n=$(awk -v a="$r_n" -v b="$n" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
	done
else
	notes="$notes
- Reprise: $REPRISE is not built"
fi

q_auto='' q_prompt=''
if have_qemu; then
	echo "bench: boot on QEMU ..." >&2
	if boot_best QEMU "$QEMU" $UBOOT_MACHINE $QEMU_CONSOLE; then
		q_auto=$b_auto q_prompt=$b_prompt
	else
		notes="$notes
- $why"
	fi
else
	notes="$notes
- QEMU: $QEMU not found"
fi

echo "OpenSBI fw_jump + U-Boot (qemu-riscv64_smode), -m 256M, no input; best of $BENCH_RUNS"
echo "wall-clock runs from process start, the emulator killed once the prompt shows."
echo
echo "| emulator | to autoboot line, s | to first \`=> \`, s | instructions to \`=> \` |"
echo "|----------|--------------------:|------------------:|----------------------:|"
echo "| Reprise | $(or_dash "$r_auto") | $(or_dash "$r_prompt") | $([ -n "$r_n" ] && echo "≤ $(group "$r_n")" || echo -) |"
echo "| QEMU TCG | $(or_dash "$q_auto") | $(or_dash "$q_prompt") | - |"
echo "| QEMU / Reprise | $(ratio "$q_auto" "$r_auto") | $(ratio "$q_prompt" "$r_prompt") | |"
if [ -n "$notes" ]; then
	echo
	echo "Notes:"
	echo "$notes" | sed '/^$/d'
fi
echo
echo "U-Boot's 2 s autoboot countdown is guest time: QEMU TCG (no icount) waits 2 s of host"
echo "time; Reprise derives guest time from instructions (one 10 MHz timer tick each), so the"
echo "countdown costs about 20 M instructions. The autoboot column compares the boot work alone."
echo "Reprise's instruction figure is the icount at which a 'poweroff' typed the moment the"
echo "prompt appeared reached the guest (an upper bound: U-Boot polls the console meanwhile)."
