#!/usr/bin/env bash
# End-to-end test of the GitHub Action (action.yml), its example workflow
# (docs/ci/examkit.yml) and the pre-commit hook (.pre-commit-hooks.yaml), run locally.
#
# run_action.py expands the `run:` steps of action.yml with the inputs that the
# example workflow passes and runs them as a runner would: the install step really
# runs `cargo install` (reusing CARGO_TARGET_DIR, default ./target, so it costs
# little after `cargo build --release`), later runs hit the "cache". The check
# runs against a copy of the bundled content (exit 0, no annotations, an empty
# SARIF report) and against broken copies (exit 1 with ::error lines on the
# broken lines; warnings only: exit 1 with deny-warnings, 0 without).
#
# Usage: tests/ci/workflow_e2e.sh        (needs .venv with pyyaml, check-jsonschema, pre-commit)
# Prints "workflow e2e: N passed, M failed"; exits 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
REPO=$PWD
PY=${PYTHON:-$REPO/.venv/bin/python}
VENV_BIN=$(dirname "$PY")
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
HELPERS=tests/ci/workflow_helpers.py

passed=0
failed=0
check() { # check NAME COMMAND... : one test
  local name=$1; shift
  if "$@"; then
    passed=$((passed + 1)); echo "ok - $name"
  else
    failed=$((failed + 1)); echo "not ok - $name"
  fi
}
finish() {
  echo "workflow e2e: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

"$PY" -c 'import yaml' 2>/dev/null || { echo "workflow_e2e: $PY lacks pyyaml (pip install -r tests/requirements.txt)"; failed=1; finish; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/examkit-workflow.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
RUNNER_TEMP_DIR=$TMP/runner   # shared by every run: the first one installs, the others hit the "cache"

# --- the files themselves -------------------------------------------------------------
check "action.yml validates against the GitHub Actions metadata schema" \
  "$VENV_BIN/check-jsonschema" --builtin-schema vendor.github-actions action.yml
check "docs/ci/examkit.yml validates against the GitHub workflow schema" \
  "$VENV_BIN/check-jsonschema" --builtin-schema vendor.github-workflows docs/ci/examkit.yml
check "the example workflow passes the action's inputs and uploads its SARIF" \
  "$PY" $HELPERS workflow docs/ci/examkit.yml action.yml
check ".pre-commit-hooks.yaml validates (pre-commit validate-manifest)" \
  "$VENV_BIN/pre-commit" validate-manifest .pre-commit-hooks.yaml

# --- workspaces: a content repository laid out as the example workflow expects ----------
make_ws() { # make_ws NAME: $TMP/NAME with content/aif-c01 and the usual non-content YAML
  local ws=$TMP/$1
  mkdir -p "$ws/content" "$ws/.github/workflows"
  cp -R content/aif-c01 "$ws/content/"
  cp docs/ci/examkit.yml "$ws/.github/workflows/examkit.yml"
  printf 'repos: []\n' > "$ws/.pre-commit-config.yaml"
  echo "$ws"
}
CLEAN=$(make_ws clean)
BROKEN=$(make_ws broken)
WARN=$(make_ws warn)
"$PY" $HELPERS break-errors "$BROKEN/content/aif-c01" "$TMP/expect-errors.json" || { failed=$((failed + 1)); finish; }
"$PY" $HELPERS break-warning "$WARN/content/aif-c01" "$TMP/expect-warning.json" || { failed=$((failed + 1)); finish; }

run_action() { # run_action WORKSPACE REPORT [--input NAME=VALUE...]; sets $rc
  local ws=$1 report=$2; shift 2
  "$PY" tests/ci/run_action.py --action action.yml --workflow docs/ci/examkit.yml \
    --workspace "$ws" --runner-temp "$RUNNER_TEMP_DIR" --report "$report" "$@" >"$report.log" 2>&1
  rc=$?
  sed 's/^/    | /' "$report.log" | head -n 40
}
expect_rc() { [ "$rc" -eq "$1" ] || { echo "  exit code $rc, expected $1"; return 1; }; }
report_has() { # report_has REPORT PYTHON-EXPRESSION-over-r
  "$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" \
    || { echo "  report check failed: $2"; return 1; }
}
no_annotations() { ! grep -Eq '^::(error|warning)' "$1.log" || { echo "  unexpected annotations"; return 1; }; }

# 1. bundled content, as the example workflow runs it (cache miss: cargo install)
echo "# clean content (first run installs examkit with cargo install)"
run_action "$CLEAN" "$TMP/clean.json"
check "clean content: the action exits 0" expect_rc 0
check "clean content: the install step ran cargo install and examkit --version" \
  report_has "$TMP/clean.json" "r['steps'][1]['exit_code'] == 0 and 'examkit ' in r['steps'][1]['stdout'] and 'cached' not in r['steps'][1]['stdout']"
check "clean content: no ::error or ::warning lines" no_annotations "$TMP/clean.json"
check "clean content: SARIF written with 0 results" "$PY" $HELPERS sarif "$CLEAN/examkit.sarif" 0
check "clean content: outputs exit-code=0 and sarif=examkit.sarif" \
  report_has "$TMP/clean.json" "r['action_outputs'] == {'exit-code': '0', 'sarif': 'examkit.sarif'}"

# 2. broken content (cache hit)
echo "# broken content: an unknown service id and a bad enum value"
run_action "$BROKEN" "$TMP/broken.json"
check "broken content: the action exits 1" expect_rc 1
check "broken content: the cached binary is used" \
  report_has "$TMP/broken.json" "'using the cached binary' in r['steps'][1]['stdout']"
check "broken content: ::error lines on the broken lines, files relative to the workspace" \
  "$PY" $HELPERS annotations "$TMP/broken.json" "$BROKEN" error,warning "$TMP/expect-errors.json"
n_broken=$(grep -Ec '^::(error|warning|notice) ' "$TMP/broken.json.log")
check "broken content: the SARIF report holds the same $n_broken findings" \
  "$PY" $HELPERS sarif "$BROKEN/examkit.sarif" "$n_broken"
check "broken content: output exit-code=1" report_has "$TMP/broken.json" "r['action_outputs']['exit-code'] == '1'"

# 3. warnings only: deny-warnings decides
echo "# warnings only, deny-warnings: true (as in the example workflow)"
run_action "$WARN" "$TMP/warn-deny.json"
check "warnings + deny-warnings true: exit 1" expect_rc 1
check "warnings + deny-warnings true: ::warning lines only" \
  "$PY" $HELPERS annotations "$TMP/warn-deny.json" "$WARN" warning "$TMP/expect-warning.json"
echo "# warnings only, deny-warnings: false"
run_action "$WARN" "$TMP/warn-allow.json" --input deny-warnings=false
check "warnings + deny-warnings false: exit 0" expect_rc 0
check "warnings + deny-warnings false: the ::warning lines are still printed" \
  "$PY" $HELPERS annotations "$TMP/warn-allow.json" "$WARN" warning "$TMP/expect-warning.json"

# 4. other inputs
echo "# paths empty: the content root is found from the workspace"
run_action "$BROKEN" "$TMP/nopaths.json" --input paths= --input sarif=
check "paths empty, broken content: exit 1 with ::error lines" \
  bash -c '[ "$1" -eq 1 ] && grep -q "^::error " "$2"' _ "$rc" "$TMP/nopaths.json.log"
check "sarif empty: no SARIF output" report_has "$TMP/nopaths.json" "r['action_outputs']['sarif'] == ''"
echo "# two paths on separate lines"
run_action "$BROKEN" "$TMP/twopaths.json" --input $'paths=content/aif-c01/services\ncontent/aif-c01/exam.yaml' --input sarif=
check "paths: two clean entries of a broken root: exit 0" expect_rc 0
run_action "$CLEAN" "$TMP/baddeny.json" --input deny-warnings=maybe --input sarif=
check "deny-warnings: maybe is refused with exit 2" expect_rc 2

# --- pre-commit hook, run as pre-commit runs it: entry + the matching files, from the repo root
hook() { # hook WORKSPACE: sets $rc
  local ws=$1 entry
  entry=$("$PY" -c "import yaml; print(next(h['entry'] for h in yaml.safe_load(open('.pre-commit-hooks.yaml')) if h['id']=='examkit-check'))")
  mapfile -t files < <("$PY" $HELPERS hook-files .pre-commit-hooks.yaml "$ws")
  echo "  $entry <${#files[@]} files>"
  # shellcheck disable=SC2086
  (cd "$ws" && PATH="$RUNNER_TEMP_DIR/examkit-bin/bin:$PATH" $entry "${files[@]}" >"$ws.hook.log" 2>&1)
  rc=$?
}
echo "# pre-commit hook"
mapfile -t hook_list < <("$PY" $HELPERS hook-files .pre-commit-hooks.yaml "$CLEAN")
check "pre-commit hook: passes the content YAML files, not the workflow or pre-commit config" \
  bash -c 'printf "%s\n" "$@" | grep -q "^content/aif-c01/questions/" && ! printf "%s\n" "$@" | grep -Eq "^\.(github|pre-commit)"' _ "${hook_list[@]}"
hook "$CLEAN"
check "pre-commit hook: clean content passes" expect_rc 0
hook "$BROKEN"
check "pre-commit hook: broken content fails with the unknown service" \
  bash -c '[ "$1" -eq 1 ] && grep -q "xref/unknown-service" "$2"' _ "$rc" "$BROKEN.hook.log"

finish
