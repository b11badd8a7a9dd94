# Sourced by the demo and the tests: types lines at a guest console the way
# a person would, each after the guest's next prompt.
# PROMPT (default '=> ', U-Boot's) is what to wait for.

# type_session OUT IN-FIFO CMD...: starts CMD with its console on IN-FIFO and
# OUT, then types each line of $SESSION_LINES after the Nth U-Boot prompt,
# as a person would (one write per line). Returns CMD's exit status.
type_session() {
    out=$1 fifo=$2
    shift 2
    rm -f "$fifo"
    mkfifo "$fifo"
    "$@" <"$fifo" >"$out" 2>"$out.err" &
    pid=$!
    exec 9>"$fifo"
    i=1
    printf '%s\n' "$SESSION_LINES" | while IFS= read -r line; do
        t=0
        while [ "$(grep -o -- "${PROMPT:-=> }" "$out" | wc -l)" -lt "$i" ]; do
            sleep 0.1
            t=$((t + 1))
            if [ $t -gt 600 ]; then echo "timed out waiting for prompt $i" >&2; break; fi
        done
        printf '%s\r' "$line" >&9
        i=$((i + 1))
    done
    wait $pid
    st=$?
    exec 9>&-
    return $st
}
