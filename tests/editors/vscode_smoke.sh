#!/usr/bin/env bash
# Runs the packaged VS Code extension (the bundle inside editors/vscode/examkit.vsix)
# against the real `examkit lsp` in a fake of the vscode API (vscode_smoke.js): VS Code
# itself cannot be downloaded on this machine. Same broken content copy as the Neovim
# test. Checks that the server it starts exits with status 0 after deactivate().
#
# Usage: tests/editors/vscode_smoke.sh [EXAMKIT_BINARY] [VSIX]
# Prints "vscode smoke: N passed, M failed"; exits 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
REPO=$PWD
EXAMKIT=${1:-${CARGO_TARGET_DIR:-$REPO/target}/release/examkit}
VSIX=${2:-$REPO/editors/vscode/examkit.vsix}
fail_setup() { echo "not ok - $1"; echo "vscode smoke: 0 passed, 1 failed"; exit 1; }
[ -x "$EXAMKIT" ] || fail_setup "examkit binary not found at $EXAMKIT"
[ -f "$VSIX" ] || fail_setup "no $VSIX (cd editors/vscode && npm run package)"
EXAMKIT=$(cd "$(dirname "$EXAMKIT")" && pwd)/$(basename "$EXAMKIT")

TMP=$(mktemp -d "${TMPDIR:-/tmp}/examkit-vscode.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$VSIX" "$TMP/vsix" \
  || fail_setup "cannot unpack $VSIX"
main=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["main"])' "$TMP/vsix/extension/package.json")
mkdir -p "$TMP/ws"
cp -R content/aif-c01 "$TMP/ws/aif-c01"
python3 tests/editors/nvim_e2e_prepare.py "$TMP/ws/aif-c01" "$TMP/spec.json" || fail_setup "preparing the broken copy failed"
(cd "$TMP/ws/aif-c01" && "$EXAMKIT" check --format json >"$TMP/check.json")
[ $? -eq 1 ] || fail_setup "examkit check on the broken copy did not exit 1"

mkdir -p "$TMP/bin"
cat >"$TMP/bin/examkit" <<WRAP
#!/bin/sh
"$EXAMKIT" "\$@" 2>>"$TMP/server.stderr"
status=\$?
echo "\$status" >>"$TMP/server.exit"
exit \$status
WRAP
chmod +x "$TMP/bin/examkit"

out=$(cd "$TMP/ws" && PATH="$TMP/bin:$PATH" timeout 120 node "$REPO/tests/editors/vscode_smoke.js" \
  "$TMP/vsix/extension/$main" "$TMP/spec.json" "$TMP/check.json" "$TMP/ws" 2>&1)
rc=$?
echo "$out" | grep -v '^vscode smoke:'
p=$(echo "$out" | sed -n 's/^vscode smoke: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(echo "$out" | sed -n 's/^vscode smoke: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
[ -n "$p" ] || { p=0; f=1; echo "not ok - the smoke test did not finish (exit $rc)"; }
# the same bundle with no examkit on PATH
node_bin=$(command -v node)
out2=$(cd "$TMP/ws" && SMOKE_MODE=missing timeout 60 env PATH=/nonexistent "$node_bin" "$REPO/tests/editors/vscode_smoke.js" \
  "$TMP/vsix/extension/$main" "$TMP/spec.json" "$TMP/check.json" "$TMP/ws" 2>&1)
echo "$out2" | grep -v '^vscode smoke:'
p2=$(echo "$out2" | sed -n 's/^vscode smoke: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
p=$((p + ${p2:-0}))
f2=$(echo "$out2" | sed -n 's/^vscode smoke: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
f=$((f + ${f2:-1}))
sleep 0.3
if [ -s "$TMP/server.exit" ] && ! grep -qv '^0$' "$TMP/server.exit"; then
  p=$((p + 1)); echo "ok - examkit lsp started by the extension exited with status 0"
else
  f=$((f + 1)); echo "not ok - examkit lsp exit status: $(tr '\n' ' ' <"$TMP/server.exit" 2>/dev/null)"
  [ -s "$TMP/server.stderr" ] && tail -n 5 "$TMP/server.stderr"
fi
echo "vscode smoke: $p passed, $f failed"
[ "$f" -eq 0 ]
