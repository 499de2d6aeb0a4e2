#!/usr/bin/env python3
"""Helpers of workflow_e2e.sh: make broken content copies, read annotations and SARIF.

  workflow_helpers.py break-errors ROOT EXPECT.json   # an unknown service id + a bad enum value
  workflow_helpers.py break-warning ROOT EXPECT.json  # one option loses its `why` (a warning)
  workflow_helpers.py annotations REPORT.json WORKSPACE LEVELS EXPECT.json|-   # check ::LEVEL lines
  workflow_helpers.py sarif FILE COUNT                # valid SARIF 2.1.0 with COUNT results
  workflow_helpers.py workflow WORKFLOW ACTION        # the example workflow wires the action and upload-sarif
  workflow_helpers.py hook-files HOOKS WORKSPACE      # files pre-commit would pass (files/exclude)
"""

import json
import os
import re
import sys

import yaml

ANNOTATION = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def lines_of(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def write(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def break_errors(root, expect_path):
    """An unknown service id in a question file and a bad difficulty in another."""
    expect = []
    qdir = os.path.join(root, "questions")
    files = sorted(f for f in os.listdir(qdir) if f.endswith(".yaml"))
    # 1. a flow list holding amazon-bedrock: misspell it
    for name in files:
        path = os.path.join(qdir, name)
        lines = lines_of(path)
        hit = next((i for i, l in enumerate(lines) if re.match(r"\s+services: \[.*\bamazon-bedrock\b", l)), None)
        if hit is not None:
            lines[hit] = lines[hit].replace("amazon-bedrock", "amazon-bedrok", 1)
            write(path, lines)
            expect.append({"file": f"questions/{name}", "line": hit + 1, "code": "xref/unknown-service"})
            break
    # 2. another file: a difficulty that is not in the enum
    for name in files:
        if any(e["file"] == f"questions/{name}" for e in expect):
            continue
        path = os.path.join(qdir, name)
        lines = lines_of(path)
        hit = next((i for i, l in enumerate(lines) if re.match(r"\s+difficulty: \w+\s*$", l)), None)
        if hit is not None:
            lines[hit] = re.sub(r"difficulty: \w+", "difficulty: impossible", lines[hit])
            write(path, lines)
            expect.append({"file": f"questions/{name}", "line": hit + 1, "code": "schema/enum"})
            break
    if len(expect) != 2:
        sys.exit(f"break-errors: could not place both errors in {root}")
    with open(expect_path, "w", encoding="utf-8") as f:
        json.dump(expect, f)


def break_warning(root, expect_path):
    """Drops a one-line `why:` of an option: item/missing-rationale, a warning."""
    qdir = os.path.join(root, "questions")
    for name in sorted(os.listdir(qdir)):
        path = os.path.join(qdir, name)
        lines = lines_of(path)
        for i, l in enumerate(lines[:-1]):
            m = re.match(r"(\s+)why: \S", l)
            if not m:
                continue
            nxt = lines[i + 1]
            if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= len(m.group(1)):
                del lines[i]
                write(path, lines)
                with open(expect_path, "w", encoding="utf-8") as f:
                    json.dump([{"file": f"questions/{name}", "code": "item/missing-rationale"}], f)
                return
    sys.exit(f"break-warning: no one-line why: found in {root}")


def annotations(report_path, workspace, levels, expect_path):
    """The check step's ::error/::warning lines point at real lines of real files."""
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    check = next(s for s in report["steps"] if s.get("name") == "examkit check")
    found = []
    for line in check["stdout"].splitlines():
        m = ANNOTATION.match(line)
        if not m:
            continue
        props = dict(p.split("=", 1) for p in m.group("props").split(",") if "=" in p)
        found.append({"level": m.group(1), **props})
    allowed = set(levels.split(","))
    problems = []
    if not found:
        problems.append("no annotations")
    for a in found:
        if a["level"] not in allowed:
            problems.append(f"unexpected level {a['level']}: {a}")
        path = os.path.join(workspace, a.get("file", ""))
        if not os.path.isfile(path):
            problems.append(f"annotation file does not exist relative to the workspace: {a}")
            continue
        n = len(lines_of(path))
        if not (1 <= int(a.get("line", 0)) <= n and int(a.get("endLine", a.get("line", 0))) <= n):
            problems.append(f"line outside the file: {a}")
        if not a.get("title"):
            problems.append(f"no title (rule code): {a}")
    if expect_path != "-":
        with open(expect_path, encoding="utf-8") as f:
            expect = json.load(f)
        for e in expect:
            ok = any(
                a.get("file", "").endswith("/" + e["file"])
                and a.get("title") == e["code"]
                and ("line" not in e or int(a.get("line", 0)) == e["line"])
                for a in found
            )
            if not ok:
                problems.append(f"expected annotation missing: {e}")
    for p in problems:
        print("  " + p)
    print(f"  {len(found)} annotations: " + ", ".join(sorted({a.get('title', '?') for a in found})))
    return 1 if problems else 0


def sarif(path, count):
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    results = [r for run in log.get("runs", []) for r in run.get("results", [])]
    print(f"  version {log.get('version')}, {len(log.get('runs', []))} run(s), {len(results)} results")
    if log.get("version") != "2.1.0" or len(log.get("runs", [])) != 1:
        return 1
    return 0 if len(results) == int(count) else 1


def workflow(workflow_path, action_path):
    with open(workflow_path, encoding="utf-8") as f:
        wf = yaml.safe_load(f)
    with open(action_path, encoding="utf-8") as f:
        action = yaml.safe_load(f)
    steps = [s for job in wf["jobs"].values() for s in job.get("steps", [])]
    ours = [s for s in steps if re.match(r"[^/]+/examkit(@|$)|\./$", str(s.get("uses", "")))]
    upload = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    problems = []
    if len(ours) != 1:
        problems.append("the workflow must use the examkit action exactly once")
    if len(upload) != 1:
        problems.append("the workflow must upload SARIF with github/codeql-action/upload-sarif")
    if ours and upload:
        sarif_input = str((ours[0].get("with") or {}).get("sarif", ""))
        if not sarif_input or (upload[0].get("with") or {}).get("sarif_file") != sarif_input:
            problems.append("upload-sarif's sarif_file must be the action's sarif input")
        if steps.index(upload[0]) < steps.index(ours[0]):
            problems.append("upload-sarif must come after the check")
        for name in (ours[0].get("with") or {}):
            if name not in (action.get("inputs") or {}):
                problems.append(f"unknown input {name}")
    perms = wf.get("permissions") or {}
    if perms.get("security-events") != "write":
        problems.append("upload-sarif needs permissions: security-events: write")
    for name in ("paths", "sarif", "deny-warnings"):
        if name not in (action.get("inputs") or {}):
            problems.append(f"action.yml lacks the input {name}")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


def hook_files(hooks_path, workspace):
    """Prints the files (relative, sorted) that pre-commit would pass to the hook."""
    with open(hooks_path, encoding="utf-8") as f:
        hook = next(h for h in yaml.safe_load(f) if h["id"] == "examkit-check")
    inc = re.compile(hook.get("files", ""))
    exc = re.compile(hook["exclude"]) if hook.get("exclude") else None
    out = []
    for dirpath, dirnames, filenames in os.walk(workspace):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for fn in filenames:
            rel = os.path.relpath(os.path.join(dirpath, fn), workspace).replace(os.sep, "/")
            if inc.search(rel) and not (exc and exc.search(rel)):
                out.append(rel)
    print("\n".join(sorted(out)))
    return 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "break-errors":
        return break_errors(*args) or 0
    if cmd == "break-warning":
        return break_warning(*args) or 0
    if cmd == "annotations":
        return annotations(*args)
    if cmd == "sarif":
        return sarif(*args)
    if cmd == "workflow":
        return workflow(*args)
    if cmd == "hook-files":
        return hook_files(*args)
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
