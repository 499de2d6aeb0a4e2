#!/usr/bin/env python3
"""Writes a `kind: questions` file with N valid questions, for latency runs.

    gen_questions.py --items 2000 --out questions/bench.yaml

Every fourth question is a `multiple` one, the rest `single`; each names one
or two services of the AIF-C01 content, and the item-writing rules find
little to say about them. Output is deterministic.
"""
import argparse
import pathlib

SERVICES = ["amazon-bedrock", "amazon-sagemaker-ai", "amazon-comprehend", "amazon-s3",
            "amazon-kendra", "amazon-lex", "amazon-polly", "amazon-textract"]


WORDS = ["ledger", "harbor", "meadow", "lantern", "orchard", "quarry", "summit", "willow",
         "canyon", "beacon", "glacier", "prairie", "thicket", "estuary", "plateau", "tundra"]


def option_block(texts: list[str], correct: set[int]) -> str:
    out = []
    for k, text in enumerate(texts):
        out.append(f"      - text: {text}\n")
        if k in correct:
            out.append("        correct: true\n")
        out.append(f"        why: Option {k + 1} is {'right' if k in correct else 'wrong'} for this case.\n")
    return "".join(out)


def question(i: int) -> str:
    """A question that the lint rules accept: options of equal length, no
    stem word repeated only by the key, a full explanation, the key's
    position rotating."""
    a, b = SERVICES[i % len(SERVICES)], SERVICES[(i * 3 + 1) % len(SERVICES)]
    services = f"[{a}]" if a == b else f"[{a}, {b}]"
    w = [WORDS[(i + k) % len(WORDS)] for k in range(8)]
    explanation = ("The correct choice follows from the facts given, and each other choice "
                   "adds a claim that the case does not support.")
    if i % 4 == 3:
        texts = [f"Choice {w[k]} {w[(k + 3) % 8]}" for k in range(5)]
        keys = {i % 5, (i + 2) % 5}
        return (f"  - id: bench-question-{i:05d}\n    type: multiple\n    difficulty: medium\n"
                f"    stem: >-\n      Case {i}: a team compares several options before it builds\n"
                f"      a prototype. Which statements hold? (Select TWO.)\n"
                f"    select: 2\n    options:\n{option_block(texts, keys)}"
                f"    explanation: >-\n      {explanation}\n    services: {services}\n")
    texts = [f"Choice {w[k]} {w[(k + 3) % 8]}" for k in range(4)]
    return (f"  - id: bench-question-{i:05d}\n    type: single\n    difficulty: easy\n"
            f"    stem: Case {i} describes a team that needs help. Which approach fits best?\n"
            f"    options:\n{option_block(texts, {i % 4})}"
            f"    explanation: {explanation}\n    services: {services}\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--task", default="1.1")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    body = "".join(question(i) for i in range(a.items))
    text = f'kind: questions\ntask: "{a.task}"\nquestions:\n{body}'
    out = pathlib.Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
