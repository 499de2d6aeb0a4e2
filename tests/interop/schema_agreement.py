#!/usr/bin/env python3
"""check-jsonschema and examkit give the same schema verdict.

For every bundled content file and every schema fixture, validate the file
with check-jsonschema against `schema/<kind>.schema.json` and compare with
whether `examkit check` reports a `schema/*` error for it.
"""
import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMKIT = Path(sys.argv[1])
CHECK_JSONSCHEMA = Path(sys.argv[2])


def files():
    yield from sorted((ROOT / "content").rglob("*.yaml"))
    yield from sorted((ROOT / "tests/fixtures/invalid").glob("schema-*.yaml"))
    yield from sorted((ROOT / "tests/fixtures/valid").rglob("*.yaml"))


def examkit_schema_error(path):
    out = subprocess.run([EXAMKIT, "check", "--format", "json", str(path)],
                         capture_output=True, text=True, cwd=ROOT)
    diagnostics = json.loads(out.stdout)
    return any(d["code"].startswith("schema/") for d in diagnostics)


def reference_schema_error(path):
    kind = yaml.safe_load(path.read_text(encoding="utf-8"))["kind"]
    schema = ROOT / "schema" / f"{kind}.schema.json"
    out = subprocess.run([CHECK_JSONSCHEMA, "--schemafile", str(schema), str(path)],
                         capture_output=True, text=True)
    return out.returncode != 0


def main():
    disagreements = []
    count = 0
    for path in files():
        count += 1
        ours, theirs = examkit_schema_error(path), reference_schema_error(path)
        if ours != theirs:
            disagreements.append(f"{path.relative_to(ROOT)}: examkit {'fails' if ours else 'passes'}, check-jsonschema {'fails' if theirs else 'passes'}")
    for line in disagreements:
        print(line)
    print(f"schema agreement: {count - len(disagreements)} passed, {len(disagreements)} failed")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
