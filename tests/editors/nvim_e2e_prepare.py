#!/usr/bin/env python3
"""Prepares the Neovim end-to-end test: breaks one question file of a content copy.

Usage: nvim_e2e_prepare.py ROOT SPEC.json

In ROOT (a copy of content/aif-c01) it picks a question file with two `services:`
flow lists naming amazon-bedrock and one empty `services: []`, then injects three
errors: an unknown key, a difficulty outside the enum, and a misspelt service id.
SPEC.json tells the Lua driver where everything is (0-based LSP lines/characters).
"""

import json
import os
import re
import sys

SERVICE = "amazon-bedrock"


def main(root, spec_path):
    qdir = os.path.join(root, "questions")
    chosen = None
    for name in sorted(os.listdir(qdir)):
        if not name.endswith(".yaml"):
            continue
        with open(os.path.join(qdir, name), encoding="utf-8") as f:
            lines = f.read().split("\n")
        flows = [i for i, l in enumerate(lines) if re.match(r"\s+services: \[.*\b%s\b" % SERVICE, l)]
        empties = [i for i, l in enumerate(lines) if re.match(r"\s+services: \[\]\s*$", l)]
        if len(flows) >= 2 and len(empties) >= 2:
            chosen = (name, lines)
            break
    if not chosen:
        sys.exit("nvim_e2e_prepare: no question file fits")
    name, lines = chosen

    # 1. an unknown key after the first `type:` line
    t = next(i for i, l in enumerate(lines) if re.match(r"\s+type: \w", l))
    indent = re.match(r"(\s+)", lines[t]).group(1)
    lines.insert(t + 1, f"{indent}colour: blue")
    # 2. a difficulty outside the enum (the first one after the inserted key)
    d = next(i for i, l in enumerate(lines) if re.match(r"\s+difficulty: \w+\s*$", l))
    lines[d] = re.sub(r"difficulty: \w+", "difficulty: impossible", lines[d])
    flows = [i for i, l in enumerate(lines) if re.match(r"\s+services: \[.*\b%s\b" % SERVICE, l)]
    empties = [i for i, l in enumerate(lines) if re.match(r"\s+services: \[\]\s*$", l)]
    # 3. a misspelt service id in the second flow list
    typo_line = flows[1]
    typo_char = re.search(r"\b%s\b" % SERVICE, lines[typo_line]).start()
    lines[typo_line] = lines[typo_line][:typo_char] + "amazon-bedrok" + lines[typo_line][typo_char + len(SERVICE):]
    path = os.path.join(qdir, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))

    hover_line = flows[0]
    hover_char = re.search(r"\b%s\b" % SERVICE, lines[hover_line]).start() + 3

    services = {}
    for fn in sorted(os.listdir(os.path.join(root, "services"))):
        with open(os.path.join(root, "services", fn), encoding="utf-8") as f:
            text = f.read()
        sid = re.search(r"^id:\s*(\S+)", text, re.M).group(1)
        scope = re.search(r"^scope:\s*(\S+)", text, re.M)
        services[sid] = {
            "file": os.path.join(root, "services", fn),
            "scope": scope.group(1) if scope else "in",
            "id_line": next(i for i, l in enumerate(text.split("\n")) if re.match(r"id:\s*", l)),
        }
    svc_file = services[SERVICE]["file"]
    with open(svc_file, encoding="utf-8") as f:
        svc_text = f.read()
    name_m = re.search(r"^name:\s*(.+)$", svc_text, re.M)
    def_m = re.search(r"^definition:\s*>-?\n((?:  .*\n?)+)", svc_text, re.M)
    definition = " ".join(def_m.group(1).split()) if def_m else ""

    spec = {
        "root": root,
        "file": path,
        "relfile": f"questions/{name}",
        "injected": [
            {"line": t + 1, "code": "schema/unknown-key"},
            {"line": d, "code": "schema/enum"},
            {"line": typo_line, "code": "xref/unknown-service"},
        ],
        "completion": {"line": empties[0], "character": lines[empties[0]].index("[") + 1},
        "block_completion": {"line": empties[1], "indent": re.match(r"(\s+)", lines[empties[1]]).group(1)},
        "hover": {"line": hover_line, "character": hover_char, "id": SERVICE,
                  "name": name_m.group(1).strip(), "definition": definition},
        "fix": {"line": typo_line, "character": typo_char, "length": len("amazon-bedrok"), "text": SERVICE},
        "definition": {"line": hover_line, "character": hover_char, "file": svc_file,
                       "id_line": services[SERVICE]["id_line"]},
        "services": services,
    }
    with open(spec_path, "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:])
