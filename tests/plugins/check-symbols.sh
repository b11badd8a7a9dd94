#!/bin/sh
# The exported API is exactly src/plugins/qemu-plugin.symbols: every
# qemu_plugin_* function the binary defines is in the list and exported
# dynamically, and the list names nothing the binary lacks.
# usage: tests/plugins/check-symbols.sh [REPRISE-BINARY [SYMBOLS-FILE]]
# (the binary defaults to $REPRISE, the list to the one beside this tree)
set -u
bin=${1:-${REPRISE:?usage: check-symbols.sh REPRISE-BINARY [SYMBOLS-FILE]}}
list=${2:-${srcdir:-$(dirname "$0")/../..}/src/plugins/qemu-plugin.symbols}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reprise-syms.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
sed -n 's/^ *\(qemu_plugin_[a-z0-9_]*\);$/\1/p' "$list" | sort >"$WORK/list"
nm -D --defined-only "$bin" | awk '$2 == "T" && $3 ~ /^qemu_plugin_/ { print $3 }' | sort >"$WORK/dyn"
nm --defined-only "$bin" | awk '$2 == "T" && $3 ~ /^qemu_plugin_/ { print $3 }' | sort >"$WORK/all"
failed=0
if ! cmp -s "$WORK/list" "$WORK/dyn"; then
    echo "FAIL: exported symbols differ from the list (< list, > exported):"
    diff "$WORK/list" "$WORK/dyn"
    failed=1
fi
if ! cmp -s "$WORK/list" "$WORK/all"; then
    echo "FAIL: defined qemu_plugin_* functions differ from the list (< list, > defined):"
    diff "$WORK/list" "$WORK/all"
    failed=1
fi
echo "$((1 - failed)) passed, $failed failed"
exit $failed
