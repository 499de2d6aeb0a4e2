#!/usr/bin/env python3
"""Generates a large examkit content root for benchmarks.

Usage: gen_corpus.py SOURCE_ROOT OUT_ROOT N [--short]

Copies the exam, domain and service files of SOURCE_ROOT and writes N
questions, cycling through SOURCE_ROOT's questions: question i is a copy of
source question i mod len(source) with the id `<id>-v<i>` and
" (Variant i.)" appended to its stem, in the source question's task file.
With --short every text is cut to its first few words (compact notes, closer
to genanki's "simple notes").
"""
import copy
import os
import re
import shutil
import sys

import yaml


class NoAliases(yaml.SafeDumper):
    """Writes repeated values out instead of as anchors and aliases."""

    def ignore_aliases(self, data):
        return True


def words(text, n):
    return " ".join(str(text).split()[:n])


def shorten(q):
    """Cuts every text of a question to a few words."""
    cue = re.search(r"\(Select [A-Z]+\.\)", q["stem"])  # multiple-response cue
    q["stem"] = words(q["stem"], 12) + (f" {cue.group(0)}" if cue else "")
    q["explanation"] = words(q["explanation"], 15)
    for key, fields in (("options", ("text", "why")), ("items", ("text", "why")),
                        ("pairs", ("prompt", "answer", "why"))):
        for entry in q.get(key, []):
            for field in fields:
                if field in entry:
                    entry[field] = words(entry[field], 6)
    return q


def main(argv):
    short = "--short" in argv
    argv = [a for a in argv if a != "--short"]
    if len(argv) != 4:
        print(__doc__)
        return 2
    source, out, n = argv[1], argv[2], int(argv[3])
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "questions"))
    for name in ("exam.yaml", "examkit.toml"):
        if os.path.exists(os.path.join(source, name)):
            shutil.copy(os.path.join(source, name), out)
    for folder in ("domains", "services"):
        shutil.copytree(os.path.join(source, folder), os.path.join(out, folder))

    templates = []
    qdir = os.path.join(source, "questions")
    for name in sorted(os.listdir(qdir)):
        with open(os.path.join(qdir, name), encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
        templates += [(doc["task"], q) for q in doc["questions"]]
    by_task = {}
    for i in range(n):
        task, template = templates[i % len(templates)]
        q = copy.deepcopy(template)
        if short:
            shorten(q)
        q["id"] = f"{template['id']}-v{i}"
        q["stem"] = f"{q['stem'].rstrip()} (Variant {i}.)"
        by_task.setdefault(task, []).append(q)
    for task, questions in by_task.items():
        path = os.path.join(out, "questions", f"{task}.yaml")
        with open(path, "w", encoding="utf-8") as fh:
            yaml.dump({"kind": "questions", "task": task, "questions": questions}, fh,
                      Dumper=NoAliases, sort_keys=False, allow_unicode=True, width=100)
    print(f"wrote {n} questions in {len(by_task)} files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
