#!/usr/bin/env python3
"""Writes the notes of an examkit .apkg again with genanki, for comparison.

Usage: genanki_bench.py EXAMKIT.apkg OUT.apkg

Reads the notes (GUID, fields, tags), decks and note types (fields,
templates, CSS) of the package examkit wrote, then - timed - builds the same
note types, decks and notes with genanki and writes OUT.apkg. Prints
"genanki: N notes, build X s, write Y s, total Z s".
"""
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import zipfile

import genanki


def read_examkit(path):
    tmp = tempfile.mkdtemp(prefix="genanki-bench-")
    try:
        with zipfile.ZipFile(path) as zf:
            zf.extract("collection.anki2", tmp)
        con = sqlite3.connect(os.path.join(tmp, "collection.anki2"))
        models = json.loads(con.execute("select models from col").fetchone()[0])
        decks = json.loads(con.execute("select decks from col").fetchone()[0])
        deck_of_note = dict(con.execute("select nid, min(did) from cards group by nid"))
        notes = [(guid, mid, flds.split("\x1f"), tags.split(), deck_of_note[nid])
                 for nid, guid, mid, flds, tags in
                 con.execute("select id, guid, mid, flds, tags from notes order by id")]
        con.close()
        return models, decks, notes
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    models_json, decks_json, rows = read_examkit(argv[1])

    start = time.perf_counter()
    models = {}
    for mid, m in models_json.items():
        models[int(mid)] = genanki.Model(
            int(mid), m["name"],
            fields=[{"name": f["name"]} for f in m["flds"]],
            templates=[{"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]} for t in m["tmpls"]],
            css=m["css"],
            sort_field_index=m["sortf"],
        )
    decks = {int(did): genanki.Deck(int(did), d["name"], description=d.get("desc", ""))
             for did, d in decks_json.items() if int(did) != 1}
    for guid, mid, fields, tags, did in rows:
        decks[did].add_note(genanki.Note(model=models[mid], fields=fields, tags=tags, guid=guid))
    built = time.perf_counter()
    genanki.Package(list(decks.values())).write_to_file(argv[2], timestamp=1795737600)
    done = time.perf_counter()
    print(f"genanki: {len(rows)} notes, build {built - start:.2f} s, write {done - built:.2f} s, "
          f"total {done - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
