#!/usr/bin/env bash
# Export benchmark in detail: a generated corpus of N questions (default
# 100,000) made from the bundled content, exported with `examkit export anki`
# (release build) as a first export and as a re-export with an up-to-date
# lock, the phases of the export itself, and, for comparison, the same notes
# written with genanki 0.13.1. (`bench/run` gives the side-by-side summary
# that BENCHMARKS.md shows; this script is for the breakdown.)
#
#   bash bench/export_bench.sh [N] [RUNS] [STYLE]
#
# STYLE is gen-corpus's: realistic (default; the real questions cycled, full
# text) or compact (every text cut to a few words). Prints wall time and peak
# memory (/usr/bin/time -v) of each run, the best of RUNS (default 3), and
# examkit's phase breakdown. Everything it makes goes to bench/out/
# (git-ignored): the corpus, a Python venv with genanki, the packages.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-100000}
RUNS=${2:-3}
STYLE=${3:-realistic}
OUT=bench/out
TARGET=${CARGO_TARGET_DIR:-target}
mkdir -p "$OUT"

echo "== tools"
cargo build --release --quiet -p examkit -p examkit-bench
cargo build --release --quiet -p examkit-export --example export_bench
EXAMKIT=$PWD/$TARGET/release/examkit
[[ $TARGET = /* ]] && EXAMKIT=$TARGET/release/examkit
GEN_CORPUS=${EXAMKIT%/examkit}/gen-corpus
PHASES=${EXAMKIT%/examkit}/examples/export_bench
if [ ! -x "$OUT/venv/bin/python" ] || ! "$OUT/venv/bin/python" -c 'import genanki' 2>/dev/null; then
  python3 -m venv "$OUT/venv"
  "$OUT/venv/bin/pip" install --quiet -r bench/requirements.txt
fi
PY=$OUT/venv/bin/python

CORPUS=$OUT/corpus-$STYLE-$N
echo "== generating $N questions ($STYLE)"
"$GEN_CORPUS" content/aif-c01 "$CORPUS" "$N" --style "$STYLE"

# Runs a command under /usr/bin/time -v; prints "<seconds> <peak MiB>", and
# the command's own output, indented, on standard error.
measure() {
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" >"$log.out" 2>"$log" || { cat "$log.out" "$log" >&2; rm -f "$log" "$log.out"; return 1; }
  awk '/Elapsed \(wall clock\)/ { n = split($NF, t, ":"); s = (n == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
       /Maximum resident set size/ { m = $NF / 1024 }
       END { printf "%.2f %.0f\n", s, m }' "$log"
  sed 's/^/    /' "$log.out" >&2
  rm -f "$log" "$log.out"
}

best() { sort -n | head -1; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== examkit export anki (full command: load, check, export, write) x$RUNS"
cold=() warm=()
for _ in $(seq "$RUNS"); do
  rm -f "$CORPUS/examkit.lock"
  cold+=("$(measure "$EXAMKIT" export anki --root "$CORPUS" --out "$OUT/examkit.apkg")")
  warm+=("$(measure "$EXAMKIT" export anki --root "$CORPUS" --out "$OUT/examkit.apkg")")
done
printf '  first export (no lock, every note new): %s\n' "${cold[@]}"
printf '  re-export (lock up to date):            %s\n' "${warm[@]}"
echo "  best first export: $(printf '%s\n' "${cold[@]}" | best) (s, peak MiB)"
echo "  best re-export:    $(printf '%s\n' "${warm[@]}" | best) (s, peak MiB)"
echo "  package: $(stat -c %s "$OUT/examkit.apkg") bytes; $("$EXAMKIT" export anki --root "$CORPUS" --out "$OUT/examkit.apkg")"

echo "== examkit export phases (no check rules), best of $RUNS by export total"
for _ in $(seq "$RUNS"); do
  "$PHASES" "$CORPUS" "$OUT/phases"
done | awk '/export total/ { if (best == "" || $1 < best) { best = $1; keep = block } block = ""; next }
            { block = block $0 "\n" }
            END { printf "%s", keep; printf "%8.3f s  export total (select + build + lock + .apkg)\n", best }'

echo "== genanki 0.13.1, the same notes x$RUNS"
ga=()
for _ in $(seq "$RUNS"); do
  ga+=("$(measure "$PY" bench/genanki_bench.py "$OUT/examkit.apkg" "$OUT/genanki.apkg")")
done
printf '  whole process (incl. reading the notes): %s\n' "${ga[@]}"
echo "  best: $(printf '%s\n' "${ga[@]}" | best) (s, peak MiB)"
echo "  package: $(stat -c %s "$OUT/genanki.apkg") bytes"
