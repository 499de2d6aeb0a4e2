#!/usr/bin/env python3
"""Run a composite GitHub Action's `run:` steps locally, the way a runner would.

Reads the example workflow, finds the step that uses the examkit action, takes its
`with:` inputs (plus --input overrides), fills in the action's defaults, substitutes
the `${{ ... }}` expressions of each `run:` step's env, working-directory and script
(only context look-ups, string literals and `||` are supported: that is all
action.yml uses in its run steps), and runs each script as GitHub does for
`shell: bash` (`bash --noprofile --norc -eo pipefail FILE`) with GITHUB_OUTPUT,
GITHUB_PATH, GITHUB_ENV and GITHUB_WORKSPACE set. Steps that `uses:` another action
(actions/cache) are reported and skipped. Stops at the first failing step, like a
runner. Writes a JSON report and exits with the failing step's code (0 if all pass).

Usage: run_action.py --action action.yml --workflow docs/ci/examkit.yml
           --workspace DIR --runner-temp DIR --report out.json [--input NAME=VALUE ...]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def gh_string(value):
    """How GitHub turns a YAML `with:` value into an input string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def evaluate(expr, context):
    """Evaluates `a.b || 'lit' || c.d` against a nested dict; unknown names are ''."""
    for term in (t.strip() for t in expr.split("||")):
        if len(term) >= 2 and term[0] == term[-1] == "'":
            value = term[1:-1].replace("''", "'")
        elif re.fullmatch(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*", term):
            value = context
            for part in term.split("."):
                value = value.get(part, "") if isinstance(value, dict) else ""
            value = gh_string(value)
        else:
            raise ValueError(f"unsupported expression in a run step: ${{{{ {expr} }}}}")
        if value:
            return value
    return ""


def substitute(text, context):
    return EXPR.sub(lambda m: evaluate(m.group(1), context), gh_string(text))


def find_action_step(workflow):
    for job in (workflow.get("jobs") or {}).values():
        for step in job.get("steps") or []:
            uses = str(step.get("uses", ""))
            if uses == "./" or re.match(r"[^/]+/examkit(@|$)", uses):
                return step
    raise SystemExit("run_action.py: the workflow has no step that uses the examkit action")


def read_kv_file(path):
    """Parses a GITHUB_OUTPUT/GITHUB_ENV file (NAME=value and NAME<<EOF forms)."""
    out = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            i += 1
            value = []
            while i < len(lines) and lines[i] != delim:
                value.append(lines[i])
                i += 1
            out[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--action", required=True)
    ap.add_argument("--workflow", required=True)
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--runner-temp", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--input", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args()

    with open(args.action, encoding="utf-8") as f:
        action = yaml.safe_load(f)
    with open(args.workflow, encoding="utf-8") as f:
        workflow = yaml.safe_load(f)
    if (action.get("runs") or {}).get("using") != "composite":
        raise SystemExit("run_action.py: action.yml is not a composite action")

    step = find_action_step(workflow)
    inputs = {name: gh_string(spec.get("default", "")) for name, spec in (action.get("inputs") or {}).items()}
    for name, value in (step.get("with") or {}).items():
        if name not in inputs:
            raise SystemExit(f"run_action.py: the workflow passes an unknown input {name!r}")
        inputs[name] = gh_string(value)
    for item in args.input:
        name, _, value = item.partition("=")
        if name not in inputs:
            raise SystemExit(f"run_action.py: unknown input {name!r}")
        inputs[name] = value

    workspace = os.path.abspath(args.workspace)
    action_path = os.path.dirname(os.path.abspath(args.action))
    runner_temp = os.path.abspath(args.runner_temp)
    os.makedirs(runner_temp, exist_ok=True)
    context = {
        "inputs": inputs,
        "github": {
            "action_path": action_path,
            "action_ref": "",
            "workspace": workspace,
            "sha": "0000000000000000000000000000000000000000",
        },
        "runner": {"temp": runner_temp, "os": "Linux", "arch": "X64"},
        "steps": {},
    }
    env = dict(os.environ)
    env.update({
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_WORKSPACE": workspace,
        "GITHUB_ACTION_PATH": action_path,
        "RUNNER_TEMP": runner_temp,
        "RUNNER_OS": "Linux",
    })
    report = {"inputs": inputs, "steps": [], "exit_code": 0}
    exit_code = 0
    for index, s in enumerate(action["runs"]["steps"]):
        name = s.get("name") or s.get("id") or f"step {index + 1}"
        if "uses" in s:
            print(f"--- skip: {name} (uses: {s['uses']})", flush=True)
            report["steps"].append({"name": name, "skipped": True, "uses": s["uses"]})
            continue
        if s.get("shell") != "bash":
            raise SystemExit(f"run_action.py: step {name!r} must say `shell: bash`")
        step_env = dict(env)
        for k, v in (s.get("env") or {}).items():
            step_env[k] = substitute(v, context)
        fd, output_file = tempfile.mkstemp(prefix="github_output.", dir=runner_temp)
        os.close(fd)
        fd, path_file = tempfile.mkstemp(prefix="github_path.", dir=runner_temp)
        os.close(fd)
        fd, env_file = tempfile.mkstemp(prefix="github_env.", dir=runner_temp)
        os.close(fd)
        step_env.update({"GITHUB_OUTPUT": output_file, "GITHUB_PATH": path_file, "GITHUB_ENV": env_file})
        script = substitute(s["run"], context)
        fd, script_file = tempfile.mkstemp(prefix="step.", suffix=".sh", dir=runner_temp)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(script)
        cwd = os.path.join(workspace, substitute(s.get("working-directory", "."), context))
        print(f"--- run: {name} (in {cwd})", flush=True)
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", script_file],
            cwd=cwd, env=step_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        sys.stdout.flush()
        outputs = read_kv_file(output_file)
        with open(path_file, encoding="utf-8") as f:
            added = [p for p in f.read().splitlines() if p]
        for p in reversed(added):
            env["PATH"] = p + os.pathsep + env.get("PATH", "")
        env.update(read_kv_file(env_file))
        if s.get("id"):
            context["steps"][s["id"]] = {"outputs": outputs}
        report["steps"].append({
            "name": name, "exit_code": proc.returncode, "outputs": outputs,
            "stdout": proc.stdout, "stderr": proc.stderr,
        })
        if proc.returncode != 0:
            exit_code = proc.returncode
            break
    report["exit_code"] = exit_code
    report["action_outputs"] = {
        name: substitute(spec.get("value", ""), context)
        for name, spec in (action.get("outputs") or {}).items()
    }
    with open(args.report, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
