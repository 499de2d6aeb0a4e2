#!/usr/bin/env python3
"""End-to-end test of `examkit export crowdanki` with real consumers.

Usage: test_crowdanki.py EXAMKIT_BINARY [CONTENT_ROOT]

On a scratch copy of the content (default: content/aif-c01) it:
1. exports the JSON bundle and the CrowdAnki folder (SOURCE_DATE_EPOCH
   fixed) and checks the folder: `deck.json` and `media/`, the keys
   CrowdAnki's importer reads on every deck (`deck_config_uuid`, `notes`,
   `children`), UUIDs that resolve, field counts that match the note
   models, notes against the JSON bundle (GUIDs, first fields, deck, order);
2. replays CrowdAnki's import steps (deck options, then note models, then
   decks and their notes, as its `Deck.save_to_collection` does) with the
   official Anki library on a fresh collection, and checks that Anki accepts
   every object: note, card and deck counts, note types, GUIDs, fields and
   tags, and a clean Check Database;
3. runs Brain Brew (`brainbrew init` on the folder: CrowdAnki to CSV and
   YAML; then the generated `source_to_anki` recipe: back to CrowdAnki) and
   checks that the CSV files hold every note and that the rebuilt deck has
   the same notes (GUID, fields, tags) and note types.

Prints one line per check and ends with "crowdanki: N passed, M failed";
exits 1 if any check failed, 2 if the test could not run.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    from anki.collection import Collection
    from anki.notes import Note
    import brain_brew  # noqa: F401  (run below as `python -m brain_brew.main`)
except ImportError as err:
    print(f"crowdanki: cannot import a test tool ({err}); pip install -r tests/requirements.txt")
    sys.exit(2)

# What CrowdAnki's importer drops from a deck before saving it to Anki
# (`Deck.import_filter_set`).
DECK_IMPORT_FILTER = {"note_models", "deck_configurations", "children", "media_files",
                      "notes", "deck_config_uuid", "__type__"}

from harness import Checks, examkit  # noqa: E402  (beside this script)

CHECKS = Checks()
check = CHECKS.check


def brainbrew(cwd, *args):
    proc = subprocess.run([sys.executable, "-m", "brain_brew.main", *args], cwd=cwd,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"brainbrew {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout + proc.stderr


def walk(deck, parent=""):
    """(full name, deck) for the deck and its sub-decks, parents first."""
    full = f"{parent}::{deck['name']}" if parent else deck["name"]
    yield full, deck
    for child in deck["children"]:
        yield from walk(child, full)


def all_notes(deck):
    return [(name, note) for name, d in walk(deck) for note in d["notes"]]


def check_folder(folder, deck, bundle):
    check("the folder holds deck.json and media/",
          os.path.isfile(os.path.join(folder, "deck.json")) and os.path.isdir(os.path.join(folder, "media")),
          str(os.listdir(folder)))
    decks = list(walk(deck))
    required = {"__type__", "crowdanki_uuid", "deck_config_uuid", "notes", "children", "media_files", "name"}
    missing = [name for name, d in decks if not required <= d.keys() or d["__type__"] != "Deck"]
    check("every deck has what CrowdAnki's importer reads", not missing, str(missing[:3]))
    check("sub-decks are named by their last level",
          all("::" not in d["name"] for _, d in decks[1:]), str([d["name"] for _, d in decks[1:]][:3]))
    configs = {c["crowdanki_uuid"]: c for c in deck["deck_configurations"]}
    check("every deck's options resolve",
          all(d.get("deck_config_uuid") in configs for _, d in decks), str(list(configs)))
    models = {m["crowdanki_uuid"]: m for m in deck["note_models"]}
    notes = all_notes(deck)
    bad = [n["guid"] for _, n in notes
           if n.get("note_model_uuid") not in models or len(n["fields"]) != len(models[n["note_model_uuid"]]["flds"])]
    check("every note's model resolves and its fields match the model", not bad, str(bad[:3]))
    uuids = [d["crowdanki_uuid"] for _, d in decks] + list(models) + list(configs)
    check("UUIDs are unique", len(uuids) == len(set(uuids)), str(uuids))
    guids = [n["guid"] for _, n in notes]
    check("GUIDs are unique", len(guids) == len(set(guids)))

    expected = [q["anki_guid"] for q in bundle["questions"]] + [s["anki_guid"] for s in bundle["services"]]
    check("notes: every question and service, in content order", guids == expected,
          f"{len(guids)} notes, {len(expected)} expected")
    by_guid = dict((n["guid"], (name, n)) for name, n in notes)
    exam = bundle["exam"]["title"]
    wrong = [q["id"] for q in bundle["questions"]
             if by_guid[q["anki_guid"]][1]["fields"][0] != q["stem"]["html"]
             or not by_guid[q["anki_guid"]][0].startswith(f"{exam}::Domain {q['domain']} ")
             or f"::Task {q['task']} " not in by_guid[q["anki_guid"]][0]]
    check("question notes: stem and task deck as in the bundle", not wrong, str(wrong[:3]))
    wrong = [s["id"] for s in bundle["services"]
             if by_guid[s["anki_guid"]][0] != f"{exam}::Services"
             or by_guid[s["anki_guid"]][1]["fields"][-1] != s["id"]]
    check("service notes: in the Services deck with their id", not wrong, str(wrong[:3]))


def replay_crowdanki_import(col, deck):
    """CrowdAnki's `Deck.save_to_collection` on a fresh collection: deck
    options, note models, then each deck (parents first) and its notes."""
    config_ids = {}
    for config in deck["deck_configurations"]:
        conf = col.decks.add_config(config["name"])
        conf.update({k: v for k, v in config.items() if k != "__type__"})
        col.decks.update_config(conf)
        config_ids[config["crowdanki_uuid"]] = conf["id"]
    models = {}
    for model in deck["note_models"]:
        merged = dict(col.models.new(model["name"]))
        merged.update({k: v for k, v in model.items() if k != "__type__"})
        col.models.add(merged)
        models[model["crowdanki_uuid"]] = col.models.by_name(model["name"])
    for full_name, d in walk(deck):
        did = col.decks.id(full_name)
        saved = col.decks.get(did)
        saved.update({k: v for k, v in d.items() if k not in DECK_IMPORT_FILTER})
        saved["name"] = full_name
        saved["conf"] = config_ids[d["deck_config_uuid"]]
        col.decks.save(saved)
        for note_json in d["notes"]:
            model = models[note_json["note_model_uuid"]]
            note = Note(col, model)
            note.fields = list(note_json["fields"])
            note.tags = list(note_json["tags"])
            note.guid = note_json["guid"]
            note.flags = note_json["flags"]
            note.data = note_json["data"]
            col.add_note(note, did)


def check_anki(work, deck, bundle):
    os.makedirs(os.path.join(work, "collection"))
    col = Collection(os.path.join(work, "collection", "collection.anki2"))
    try:
        replay_crowdanki_import(col, deck)
        notes = all_notes(deck)
        cards = len(bundle["questions"]) + sum(2 if s["use_cases"] else 1 for s in bundle["services"])
        check("Anki: every note added, cards generated as for the .apkg",
              col.note_count() == len(notes) and col.card_count() == cards,
              f"{col.note_count()} notes, {col.card_count()} cards; expected {len(notes)}, {cards}")
        names = {d.name for d in col.decks.all_names_and_ids()} - {"Default"}
        check("Anki: the deck tree as in deck.json", names == {name for name, _ in walk(deck)},
              str(sorted(names)[:3]))
        types = {m.name for m in col.models.all_names_and_ids()}
        check("Anki: both note types added", {"examkit Question", "examkit Service"} <= types, str(types))
        stored = {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}
        wrong = [n["guid"] for _, n in notes
                 if n["guid"] not in stored or stored[n["guid"]].fields != n["fields"]
                 or sorted(stored[n["guid"]].tags) != sorted(n["tags"])]
        check("Anki: notes keep their GUID, fields and tags", not wrong, str(wrong[:3]))
        problems = list(col._backend.check_database())
        check("Anki: Check Database finds nothing to fix", not problems, str(problems))
        check("Anki: Check Database leaves the card count", col.card_count() == cards, str(col.card_count()))
    finally:
        col.close()


def check_brain_brew(work, folder, deck):
    repo = os.path.join(work, "brainbrew")
    os.makedirs(repo)
    log = brainbrew(repo, "init", folder)
    check("brainbrew init reads the folder", "Repo Init complete" in log, log[-300:])
    notes = all_notes(deck)
    models = {m["crowdanki_uuid"]: m for m in deck["note_models"]}
    rows = {}
    for model in deck["note_models"]:
        path = os.path.join(repo, "src", "data", f"{model['name']}.csv")
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                rows[row["guid"]] = (model["name"], row)
    check("brainbrew: one CSV row per note", len(rows) == len(notes) and {n["guid"] for _, n in notes} == set(rows),
          f"{len(rows)} rows, {len(notes)} notes")
    wrong = []
    for _, note in notes:
        model = models[note["note_model_uuid"]]
        name, row = rows.get(note["guid"], (None, {}))
        columns = [f["name"].lower() for f in model["flds"]]
        if name != model["name"] or [row.get(c) for c in columns] != note["fields"]:
            wrong.append(note["guid"])
    check("brainbrew: CSV columns hold the fields", not wrong, str(wrong[:3]))

    brainbrew(repo, "run", os.path.join("recipes", "source_to_anki.yaml"))
    rebuilt_path = os.path.join(repo, "build", os.path.basename(folder), "deck.json")
    rebuilt = json.load(open(rebuilt_path, encoding="utf-8"))

    def key(d):
        return {n["guid"]: (n["fields"], sorted(n["tags"])) for _, n in all_notes(d)}

    check("brainbrew: the rebuilt deck has the same notes", key(rebuilt) == key(deck),
          f"{len(key(rebuilt))} notes rebuilt")

    def shape(m):
        return (m["name"], [f["name"] for f in m["flds"]], [(t["name"], t["qfmt"], t["afmt"]) for t in m["tmpls"]],
                m["css"])

    check("brainbrew: the rebuilt deck has the same note types",
          sorted(map(shape, rebuilt["note_models"])) == sorted(map(shape, deck["note_models"])))


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(argv[1])
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    source = os.path.abspath(argv[2]) if len(argv) > 2 else os.path.join(repo, "content", "aif-c01")
    work = tempfile.mkdtemp(prefix="examkit-crowdanki-e2e-")
    try:
        content = os.path.join(work, "content")
        shutil.copytree(source, content)
        examkit(binary, work, "export", "json", "--root", content, "--out", "bundle.json")
        folder = os.path.join(work, "aif-c01")
        print(examkit(binary, work, "export", "crowdanki", "--root", content, "--out", folder).strip())
        bundle = json.load(open(os.path.join(work, "bundle.json"), encoding="utf-8"))
        deck = json.load(open(os.path.join(folder, "deck.json"), encoding="utf-8"))
        check_folder(folder, deck, bundle)
        check_anki(work, deck, bundle)
        check_brain_brew(work, folder, deck)
    except Exception as err:  # the test could not run to the end
        check("the test ran to the end", False, f"{type(err).__name__}: {err}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return CHECKS.finish("crowdanki")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
