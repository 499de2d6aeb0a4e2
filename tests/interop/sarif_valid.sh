#!/usr/bin/env bash
# The SARIF that `examkit check --format sarif` writes validates against the
# SARIF 2.1.0 schema (Microsoft's SARIF Multitool): no result of level error.
set -euo pipefail
examkit=$1
multitool=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$(dirname "$0")/../.."
"$examkit" check tests/fixtures/invalid --format sarif --output "$out/fixtures.sarif" || true
"$examkit" check --format sarif --output "$out/content.sarif"
for log in fixtures content; do
  "$multitool" validate "$out/$log.sarif" --output "$out/$log.report.sarif" >/dev/null
  python3 - "$out/$log.report.sarif" "$log" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
errors = [r for run in report["runs"] for r in run.get("results", []) if r.get("level", "warning") == "error"]
for r in errors:
    print(r["ruleId"], r["message"])
print(f"sarif {sys.argv[2]}: {'0 passed, 1 failed' if errors else '1 passed, 0 failed'}")
sys.exit(1 if errors else 0)
PY
done
