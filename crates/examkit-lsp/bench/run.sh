#!/usr/bin/env bash
# Edit-to-diagnostics, completion and hover latency of `examkit lsp` on a file
# of 2,000 questions inside the full AIF-C01 content root, measured with the
# protocol-level client ../shared/tools/lsp_latency.py (one didChange at a
# time, time to the next publishDiagnostics of that version).
#
#   crates/examkit-lsp/bench/run.sh [OUT_DIR]
#
# The side-by-side comparison with yaml-language-server is `bench/run`; this
# script gives the three kinds of edit below.
#
# Env: EXAMKIT_BIN (default: target/release/examkit, built if missing),
#      GEN_CORPUS (default: target/release/gen-corpus, built if missing),
#      LSP_TOOLS (default: ../shared/tools), EDITS (100), ITEMS (2000).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
TOOLS="${LSP_TOOLS:-$ROOT/../shared/tools}"
OUT="${1:-$ROOT/target/lsp-bench}"
EDITS="${EDITS:-100}"
ITEMS="${ITEMS:-2000}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ $TARGET = /* ]] || TARGET="$ROOT/$TARGET"
BIN="${EXAMKIT_BIN:-$TARGET/release/examkit}"
GEN="${GEN_CORPUS:-$TARGET/release/gen-corpus}"
if [ ! -x "$BIN" ]; then
  (cd "$ROOT" && cargo build --release -p examkit)
fi
if [ ! -x "$GEN" ]; then
  (cd "$ROOT" && cargo build --release -p examkit-bench)
fi
mkdir -p "$OUT"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# The full AIF-C01 root plus one file of ITEMS generated questions (they pass
# every rule).
"$GEN" "$ROOT/content/aif-c01" "$WORK/aif-c01" "$ITEMS" --per-file "$ITEMS" --keep-questions
FILE="$WORK/aif-c01/questions/generated-00000.yaml"
# Positions (0-based lines): the `services: [` line of the middle question
# (completion right after `[`, hover on the first id), the text of its stem,
# and the last option (or pair) of the last question.
read -r SERVICES STEM LAST < <(python3 - "$FILE" "$ITEMS" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
mid = "  - id: q%06d-" % (int(sys.argv[2]) // 2)
start = next(i for i, l in enumerate(lines) if l.startswith(mid))
services = next(i for i in range(start, len(lines)) if lines[i].startswith("    services: ["))
stem = next(i for i in range(start, len(lines)) if lines[i].startswith("    stem: >-")) + 1
last = max(i for i, l in enumerate(lines) if l.startswith("      - "))
print(services, stem, last)
PY
)
line_len() { python3 -c "import sys; print(len(open(sys.argv[1], encoding='utf-8').read().split(chr(10))[int(sys.argv[2])]))" "$FILE" "$1"; }
STEM_END=$(line_len "$STEM")
LAST_END=$(line_len "$LAST")
run() {
  local name="$1"; shift
  python3 "$TOOLS/lsp_latency.py" --file "$FILE" --root "$WORK/aif-c01" --edits "$EDITS" \
    --completion "$SERVICES:15" --completion-runs 50 --hover "$SERVICES:20" --hover-runs 20 \
    --timeout 30 --out "$OUT/$name.json" "$@" -- "$BIN" lsp
  python3 - "$OUT/$name.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
e, c, h = r["didchange_to_diagnostics"], r["completion"], r.get("hover", {})
print(f"{sys.argv[2]}: open->diagnostics {r.get('open_to_first_diagnostics_ms')} ms; "
      f"edit->diagnostics p50 {e['p50_ms']} p95 {e['p95_ms']} max {e['max_ms']} ms (timeouts {e['timeouts']}); "
      f"completion p50 {c['p50_ms']} p95 {c['p95_ms']} max {c['max_ms']} ms ({c.get('items')} items); "
      f"hover p50 {h.get('p50_ms')} p95 {h.get('p95_ms')} ms")
PY
}
# Typing in the middle of a question's stem (the document stays valid YAML).
run stem --edit-at "$STEM:$STEM_END"
# Typing in an option (or pair) of the last question (valid YAML throughout).
run last --edit-at "$LAST:$LAST_END"
# Typing after the last line of the file (toggles a syntax error on and off).
run end
