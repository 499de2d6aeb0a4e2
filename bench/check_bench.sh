#!/usr/bin/env bash
# Benchmark of `examkit check` (schema + lint + cross-reference) against
# check-jsonschema (schema only) on generated corpora of 1,000, 10,000 and
# 100,000 questions. Prints one Markdown table row per tool and size:
# | tool | questions | wall s | peak MB |
# Usage: bench/check_bench.sh [SIZES...]   (run from anywhere; needs a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
out=bench/out
mkdir -p "$out"
cargo build --release -q -p examkit -p examkit-bench
[ -x .venv/bin/check-jsonschema ] || { python3 -m venv .venv && .venv/bin/pip install -q -r tests/requirements.txt; }

measure() { # label command... → "wall peak_mb"
  local log
  log=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$log" "$@" >/dev/null 2>&1 || true
  tail -n 1 "$log" | awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }'
  rm -f "$log"
}

for n in "${sizes[@]}"; do
  corpus="$out/corpus-$n"
  target/release/gen-corpus content/aif-c01 "$corpus" "$n" --errors 0.01 >/dev/null
  read -r wall peak < <(measure target/release/examkit check "$corpus" --format json)
  echo "| examkit check (schema + lint + xref) | $n | $wall | $peak |"
  if [ "$n" -le "${JSONSCHEMA_MAX:-100000}" ]; then
    read -r wall peak < <(measure .venv/bin/check-jsonschema --schemafile schema/questions.schema.json "$corpus"/questions/*.yaml)
    echo "| check-jsonschema (schema only) | $n | $wall | $peak |"
  fi
done
