#!/usr/bin/env python3
"""End-to-end test of `examkit export anki` with the official Anki library.

Usage: test_import.py EXAMKIT_BINARY [CONTENT_ROOT]

On a scratch copy of the content (default: content/aif-c01) it:
1. exports the JSON bundle and the Anki package (SOURCE_DATE_EPOCH fixed);
2. imports the package into a fresh collection with
   `Collection.import_anki_package` (Anki's defaults: update notes and note
   types "if newer", no merge, no scheduling) and checks note and card
   counts, deck names, note types, fields, tags, card decks and order
   against the JSON bundle, renders cards, and runs Check Database;
3. gives two cards review state (a 7-day interval), edits one question in
   the copy, re-exports with the *same* SOURCE_DATE_EPOCH (the lock file
   makes the edited note's time later), re-imports, and checks that exactly
   that note was updated (not duplicated, not skipped), that the reviewed
   cards kept their scheduling, and that Check Database is still clean;
4. imports the same package again: nothing changes.

Prints one line per check and ends with "anki import: N passed, M failed";
exits 1 if any check failed, 2 if the test could not run.
"""
import html
import os
import re
import shutil
import sys
import tempfile

try:
    from anki.collection import (
        Collection,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )
    from anki import import_export_pb2 as ie_pb2
except ImportError as err:
    print(f"anki import: cannot import the anki library ({err}); pip install -r tests/requirements.txt")
    sys.exit(2)

import json

QUESTION_FIELDS = ["Stem", "Options", "Answer", "Explanation", "Rationale", "Task", "Services", "Id"]
SERVICE_FIELDS = ["Name", "Category", "Definition", "UseCases", "Features", "Id"]
LOG_KINDS = ["new", "updated", "duplicate", "conflicting", "first_field_match",
             "missing_notetype", "missing_deck", "empty_first_field"]

from harness import Checks, examkit  # noqa: E402  (beside this script)

CHECKS = Checks()
check = CHECKS.check


def import_package(col, path):
    options = ImportAnkiPackageOptions(
        merge_notetypes=False,
        update_notes=ie_pb2.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        update_notetypes=ie_pb2.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        with_scheduling=False,
        with_deck_configs=False,
    )
    resp = col.import_anki_package(ImportAnkiPackageRequest(package_path=path, options=options))
    col.models._clear_cache()
    return {kind: len(getattr(resp.log, kind)) for kind in LOG_KINDS}


def level(text):
    return " ".join(text.split()).rstrip(".")


def plain(value):
    return html.unescape(value)


def expected_decks(bundle):
    exam = bundle["exam"]["title"]
    decks = {exam}
    task_deck = {}
    for domain in bundle["domains"]:
        domain_level = level("Domain {} {}".format(domain["id"], domain["title"]))
        domain_deck = f"{exam}::{domain_level}"
        for task in domain["tasks"]:
            if not task["questions"]:
                continue
            decks.add(domain_deck)
            task_level = level("Task {} {}".format(task["id"], task["title"]))
            name = f"{domain_deck}::{task_level}"
            decks.add(name)
            task_deck[task["id"]] = name
    if bundle["services"]:
        decks.add(f"{exam}::Services")
    return decks, task_deck


def question_tags(ns, q):
    tags = {f"{ns}::domain::{q['domain']}", f"{ns}::task::{q['task']}",
            f"{ns}::type::{q['type']}", f"{ns}::difficulty::{q['difficulty']}"}
    tags |= {f"{ns}::service::{s}" for s in q["services"]}
    tags |= {f"{ns}::tag::{t}" for t in q["tags"]}
    return tags


def service_tags(ns, s, domain_of_task):
    tags = {f"{ns}::service::{s['id']}"}
    if s["category"]:
        slug = re.sub(r"[^0-9a-z]+", "-", s["category"].lower()).strip("-")
        tags.add(f"{ns}::category::{slug}")
    for task in s["tasks"]:
        tags.add(f"{ns}::task::{task}")
        tags.add(f"{ns}::domain::{domain_of_task.get(task, task.split('.')[0])}")
    if s["scope"] == "out":
        tags.add(f"{ns}::scope::out")
    return tags


def notes_by_guid(col):
    return {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}


def card_state(col, cid):
    c = col.get_card(cid)
    return {"type": c.type, "queue": c.queue, "ivl": c.ivl, "due": c.due,
            "factor": c.factor, "reps": c.reps, "lapses": c.lapses, "did": c.did}


def check_content(col, bundle, label):
    """Every note of the bundle arrived as the bundle says."""
    ns = bundle["exam"]["id"]
    questions, services = bundle["questions"], bundle["services"]
    decks, task_deck = expected_decks(bundle)
    domain_of_task = {t["id"]: d["id"] for d in bundle["domains"] for t in d["tasks"]}
    notes = notes_by_guid(col)
    n_cards = len(questions) + sum(2 if s["use_cases"] else 1 for s in services)
    check(f"{label}: note count = questions + services", col.note_count() == len(questions) + len(services),
          f"{col.note_count()} != {len(questions)} + {len(services)}")
    check(f"{label}: card count", col.card_count() == n_cards, f"{col.card_count()} != {n_cards}")
    names = {d.name for d in col.decks.all_names_and_ids()} - {"Default"}
    check(f"{label}: deck names", names == decks,
          f"missing {sorted(decks - names)}, extra {sorted(names - decks)}")
    types = {nt["name"]: nt for nt in col.models.all()}
    qt, st = types.get("examkit Question"), types.get("examkit Service")
    check(f"{label}: question note type fields",
          qt is not None and [f["name"] for f in qt["flds"]] == QUESTION_FIELDS and qt["id"] == 1691937695)
    check(f"{label}: service note type fields and templates",
          st is not None and [f["name"] for f in st["flds"]] == SERVICE_FIELDS
          and [t["name"] for t in st["tmpls"]] == ["Name → Definition", "Use case → Service"])
    check(f"{label}: no forked note types", not any(n.endswith("+") for n in types), sorted(types))

    problems = []
    last_due = -1
    for q in questions:
        note = notes.get(q["anki_guid"])
        if note is None:
            problems.append(f"{q['id']}: missing")
            continue
        f = dict(note.items())
        if note.note_type()["name"] != "examkit Question":
            problems.append(f"{q['id']}: note type {note.note_type()['name']}")
        if f["Stem"] != q["stem"]["html"]:
            problems.append(f"{q['id']}: Stem {f['Stem']!r} != {q['stem']['html']!r}")
        if f["Explanation"] != q["explanation"]["html"]:
            problems.append(f"{q['id']}: Explanation differs")
        if f["Id"] != q["id"]:
            problems.append(f"{q['id']}: Id {f['Id']!r}")
        if not plain(f["Task"]).startswith(q["task"] + " "):
            problems.append(f"{q['id']}: Task {f['Task']!r}")
        names = [next((s["name"] for s in services if s["id"] == sid), sid) for sid in q["services"]]
        if plain(f["Services"]) != ", ".join(names):
            problems.append(f"{q['id']}: Services {f['Services']!r} != {names}")
        if set(note.tags) != question_tags(ns, q):
            problems.append(f"{q['id']}: tags {sorted(note.tags)} != {sorted(question_tags(ns, q))}")
        if q["type"] in ("single", "multiple"):
            pos = 0
            for i, opt in enumerate(q["options"]):
                li = f"<li>{opt['text']['html']}</li>"
                found = f["Options"].find(li, pos)
                if found < 0:
                    problems.append(f"{q['id']}: option {i} missing or out of order")
                    break
                pos = found + len(li)
                if opt["correct"] and f"<b>{chr(65 + i)}.</b>" not in f["Answer"]:
                    problems.append(f"{q['id']}: answer lacks {chr(65 + i)}")
            if q["type"] == "multiple" and f"Choose {q['select']}." not in f["Options"]:
                problems.append(f"{q['id']}: no 'Choose {q['select']}.'")
        elif q["type"] == "ordering":
            if any(i["text"]["html"] not in f["Options"] for i in q["items"]):
                problems.append(f"{q['id']}: ordering items missing")
            shown = re.findall(r"<li>(.*?)</li>", f["Options"])
            if shown == [i["text"]["html"] for i in q["items"]]:
                problems.append(f"{q['id']}: items shown in the correct order")
        elif q["type"] == "matching":
            if any(p["prompt"]["html"] not in f["Options"] or p["answer"]["html"] not in f["Answer"]
                   for p in q["pairs"]):
                problems.append(f"{q['id']}: matching pairs missing")
        cards = note.cards()
        if len(cards) != 1:
            problems.append(f"{q['id']}: {len(cards)} cards")
            continue
        deck = col.decks.name(cards[0].did)
        if deck != task_deck[q["task"]]:
            problems.append(f"{q['id']}: deck {deck!r}")
        if cards[0].type == 0:  # new cards are due in content order
            if cards[0].due <= last_due:
                problems.append(f"{q['id']}: new-card position {cards[0].due} not after {last_due}")
            last_due = cards[0].due
    for s in services:
        note = notes.get(s["anki_guid"])
        if note is None:
            problems.append(f"service {s['id']}: missing")
            continue
        f = dict(note.items())
        if note.note_type()["name"] != "examkit Service":
            problems.append(f"service {s['id']}: note type")
        if plain(f["Name"]) != s["name"] or f["Id"] != s["id"]:
            problems.append(f"service {s['id']}: Name/Id {f['Name']!r} {f['Id']!r}")
        if f["Definition"] != (s["definition"] or {}).get("html", ""):
            problems.append(f"service {s['id']}: Definition differs")
        if plain(f["Category"]) != (s["category"] or ""):
            problems.append(f"service {s['id']}: Category {f['Category']!r}")
        if bool(f["UseCases"]) != bool(s["use_cases"]):
            problems.append(f"service {s['id']}: UseCases presence")
        if set(note.tags) != service_tags(ns, s, domain_of_task):
            problems.append(f"service {s['id']}: tags {sorted(note.tags)}")
        cards = note.cards()
        if len(cards) != (2 if s["use_cases"] else 1):
            problems.append(f"service {s['id']}: {len(cards)} cards")
        if any(col.decks.name(c.did) != f"{bundle['exam']['title']}::Services" for c in cards):
            problems.append(f"service {s['id']}: not in the services deck")
        if any(c.due <= last_due for c in cards):
            problems.append(f"service {s['id']}: new-card position before the questions")
    check(f"{label}: every question and service has its fields, tags, cards and deck",
          not problems, "; ".join(problems[:8]) + (f" (+{len(problems) - 8} more)" if len(problems) > 8 else ""))


def check_rendering(col, bundle):
    notes = notes_by_guid(col)
    seen = set()
    bad = []
    for q in bundle["questions"]:
        if q["type"] in seen:
            continue
        seen.add(q["type"])
        card = notes[q["anki_guid"]].cards()[0]
        question, answer = card.question(), card.answer()
        if q["stem"]["html"] not in question:
            bad.append(f"{q['type']}: stem not on the front")
        marker = 'class="ek-section ek-answer"'  # the style sheet names the class too
        if marker not in answer or marker in question:
            bad.append(f"{q['type']}: answer section misplaced")
        for text in (question, answer):
            if re.search(r"<script|onerror=|javascript:", text, re.I):
                bad.append(f"{q['type']}: unsafe markup")
    svc = next(s for s in bundle["services"] if s["use_cases"])
    cards = sorted(notes[svc["anki_guid"]].cards(), key=lambda c: c.ord)
    if plain(svc["name"]) not in plain(cards[0].question()):
        bad.append("service name card lacks the name")
    if svc["name"] in plain(cards[1].question()):
        bad.append("use-case card shows the service name on the front")
    if svc["name"] not in plain(cards[1].answer()):
        bad.append("use-case card lacks the name on the back")
    check("cards render: every question type and both service templates", not bad and len(seen) == 4,
          "; ".join(bad) or f"types seen {sorted(seen)}")


def check_database(col, label):
    cards_before = col.card_count()
    problems = list(col._backend.check_database())
    check(f"{label}: Check Database finds nothing to fix", not problems, str(problems))
    check(f"{label}: Check Database leaves the card count", col.card_count() == cards_before,
          f"{cards_before} -> {col.card_count()}")


def edit_question(content_root, question_id):
    """Prepends "(Edited) " to the question's stem in its YAML file."""
    for dirpath, _, files in os.walk(content_root):
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            path = os.path.join(dirpath, name)
            lines = open(path, encoding="utf-8").read().split("\n")
            start = next((i for i, l in enumerate(lines)
                          if re.match(rf"\s*-\s+id:\s*['\"]?{re.escape(question_id)}['\"]?\s*$", l)), None)
            if start is None:
                continue
            for i in range(start + 1, len(lines)):
                m = re.match(r"(\s*)stem:\s*(.*)$", lines[i])
                if not m:
                    continue
                rest = m.group(2)
                if rest[:1] in (">", "|"):
                    j = i + 1
                    indent = len(lines[j]) - len(lines[j].lstrip())
                    lines[j] = lines[j][:indent] + "(Edited) " + lines[j][indent:]
                elif rest[:1] in ("'", '"'):
                    lines[i] = f"{m.group(1)}stem: {rest[0]}(Edited) {rest[1:]}"
                else:
                    lines[i] = f"{m.group(1)}stem: (Edited) {rest}"
                open(path, "w", encoding="utf-8").write("\n".join(lines))
                return path
    raise RuntimeError(f"question {question_id} not found under {content_root}")


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(argv[1])
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    source = os.path.abspath(argv[2]) if len(argv) > 2 else os.path.join(repo, "content", "aif-c01")
    work = tempfile.mkdtemp(prefix="examkit-anki-e2e-")
    col = None
    try:
        content = os.path.join(work, "content")
        shutil.copytree(source, content)
        examkit(binary, work, "export", "json", "--root", content, "--out", "v1.json")
        out1 = examkit(binary, work, "export", "anki", "--root", content, "--out", "v1.apkg")
        print(out1.strip())
        bundle = json.load(open(os.path.join(work, "v1.json"), encoding="utf-8"))
        total = len(bundle["questions"]) + len(bundle["services"])

        os.makedirs(os.path.join(work, "collection"))
        col = Collection(os.path.join(work, "collection", "collection.anki2"))
        log1 = import_package(col, os.path.join(work, "v1.apkg"))
        check("first import: every note new, nothing skipped or conflicting",
              log1["new"] == total and log1["updated"] == 0 and log1["duplicate"] == 0
              and log1["conflicting"] == 0, str(log1))
        check("first import: no missing note type or deck, no empty first field",
              not (log1["missing_notetype"] or log1["missing_deck"] or log1["empty_first_field"]), str(log1))
        check_content(col, bundle, "first import")
        check_rendering(col, bundle)
        check_database(col, "first import")

        # Review state on two cards: the one whose note will be edited, and
        # an untouched one.
        edited = next(q for q in bundle["questions"] if q["type"] == "single")
        other = next(q for q in bundle["questions"] if q["id"] != edited["id"])
        notes = notes_by_guid(col)
        edited_note = notes[edited["anki_guid"]]
        probe_cids = [edited_note.cards()[0].id, notes[other["anki_guid"]].cards()[0].id]
        col.sched.set_due_date(probe_cids, "7!")
        before = {cid: card_state(col, cid) for cid in probe_cids}
        check("reviewed cards have a 7-day interval", all(s["ivl"] == 7 and s["type"] == 2 for s in before.values()),
              str(before))
        old_mod = edited_note.mod
        old_fields = {g: dict(n.items()) for g, n in notes.items()}

        edit_question(content, edited["id"])
        examkit(binary, work, "export", "json", "--root", content, "--out", "v2.json")
        out2 = examkit(binary, work, "export", "anki", "--root", content, "--out", "v2.apkg")
        print(out2.strip())
        check("re-export with the same SOURCE_DATE_EPOCH: the lock marks one note changed",
              "0 new, 1 changed, 0 removed" in out2, out2)
        bundle2 = json.load(open(os.path.join(work, "v2.json"), encoding="utf-8"))
        new_stem = next(q for q in bundle2["questions"] if q["id"] == edited["id"])["stem"]["html"]
        check("the edit is in the new export", new_stem.startswith("(Edited) "), new_stem[:60])

        log2 = import_package(col, os.path.join(work, "v2.apkg"))
        check("second import: exactly the edited note updated, the rest skipped as unchanged",
              log2["updated"] == 1 and log2["new"] == 0 and log2["duplicate"] == total - 1
              and log2["conflicting"] == 0, str(log2))
        check("second import: no note or card added", col.note_count() == total
              and col.card_count() == len(bundle["questions"]) + sum(2 if s["use_cases"] else 1 for s in bundle["services"]),
              f"{col.note_count()} notes, {col.card_count()} cards")
        notes2 = notes_by_guid(col)
        note2 = notes2[edited["anki_guid"]]
        check("the edited note has the new stem, in place (same note id)",
              note2["Stem"] == new_stem and note2.id == edited_note.id, note2["Stem"][:60])
        check("the edited note's modification time moved forward", note2.mod > old_mod, f"{old_mod} -> {note2.mod}")
        unchanged = [g for g, n in notes2.items() if g != edited["anki_guid"] and dict(n.items()) != old_fields[g]]
        check("every other note is unchanged", not unchanged, str(unchanged[:5]))
        after = {cid: card_state(col, cid) for cid in probe_cids}
        check("reviewed cards kept their scheduling (edited note and untouched note)", after == before,
              f"{before} -> {after}")
        check_content(col, bundle2, "after the update")
        check_database(col, "after the update")

        log3 = import_package(col, os.path.join(work, "v2.apkg"))
        check("importing the same package again changes nothing",
              log3["updated"] == 0 and log3["new"] == 0 and log3["duplicate"] == total, str(log3))
    except Exception as err:  # the test could not run to the end
        check("the test ran to the end", False, f"{type(err).__name__}: {err}")
    finally:
        if col is not None:
            col.close()
        shutil.rmtree(work, ignore_errors=True)
    return CHECKS.finish("anki import")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
