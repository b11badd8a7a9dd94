# Shared helpers for integration tests (sourced). Each test records a guest,
# replays it and compares; on failure it keeps the recording and prints the
# command that reproduces it.
set -u
: "${REPRISE:?REPRISE must name the reprise binary}"
: "${srcdir:=.}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reprise-test.XXXXXX")
KEEP=0
cleanup() { [ "$KEEP" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
    KEEP=1
}

# final_state FILE.err: the final-state digest printed by record or replay
final_state() {
    sed -n 's/.*final state \([0-9a-f]*\).*/\1/p' "$1" | tail -n 1
}

# rr_compare NAME STDIN-FILE MACHINE-ARGS...: records with STDIN-FILE as the
# console input, replays with no input, and compares output, status and state.
rr_compare() {
    name=$1 input=$2
    shift 2
    log="$WORK/$name.rpr"
    timeout 300 "$REPRISE" record -o "$log" "$@" <"$input" >"$WORK/$name.rec.out" 2>"$WORK/$name.rec.err"
    rs=$?
    timeout 300 "$REPRISE" replay "$log" </dev/null >"$WORK/$name.rep.out" 2>"$WORK/$name.rep.err"
    ps=$?
    if [ $rs -ne $ps ]; then
        fail "$name: record exited $rs, replay exited $ps"
    elif ! cmp -s "$WORK/$name.rec.out" "$WORK/$name.rep.out"; then
        fail "$name: replay output differs from the recording"
        diff "$WORK/$name.rec.out" "$WORK/$name.rep.out" | head -n 20
    elif [ -z "$(final_state "$WORK/$name.rec.err")" ] ||
         [ "$(final_state "$WORK/$name.rec.err")" != "$(final_state "$WORK/$name.rep.err")" ]; then
        fail "$name: final state differs (record $(final_state "$WORK/$name.rec.err"), replay $(final_state "$WORK/$name.rep.err"))"
        cat "$WORK/$name.rep.err"
    else
        echo "ok: $name (status $rs, state $(final_state "$WORK/$name.rec.err"))"
        return 0
    fi
    echo "  reproduce: $REPRISE replay $log   (recording kept in $WORK)"
    return 1
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures failure(s)"
        exit 1
    fi
    exit 0
}

OPENSBI_JUMP=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
UBOOT_SMODE=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin

need_file() {
    if [ ! -f "$1" ]; then
        echo "SKIP: $1 is missing (run scripts/setup.sh)"
        exit 77
    fi
}

. "$srcdir/scripts/typist.sh"

# need_linux: sets LINUX_IMAGE and LINUX_INITRD to Reprise's Linux guest,
# building it first if needed (scripts/build-linux.sh; minutes, once; the
# lock keeps parallel tests from building it twice).
need_linux() {
    cache=${REPRISE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/reprise}
    mkdir -p "$cache"
    dirs=$(flock "$cache/.build-lock" "$srcdir/scripts/build-linux.sh" 2>"$WORK/build-linux.err") || {
        cat "$WORK/build-linux.err"
        echo "FAIL: the Linux guest could not be built (scripts/build-linux.sh)"
        exit 1
    }
    LINUX_IMAGE=${dirs% *}/Image
    LINUX_INITRD=${dirs#* }/initramfs.cpio
}
