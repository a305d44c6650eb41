"""Naming the language, round 2 (issue 22): how many of the misnamed messages stay inside a
family of near-identical languages, under decrypt's shipped rule.

    python experiments/non-english/families.py

Families: id/ms, cs/sk, es/pt/ca/it/fr (Romance), da/nb/sv, sh/sl. Named % of the 12 UD languages
pooled at 16 / 32 / 64 letters (letters | natural): exact language, and the family right
(a miss inside the family counted right), on gen, gen2 and UD dev (the novels for English).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import langid as X  # noqa: E402
from confusion import shipped  # noqa: E402

from caesar_rnn.languages import CODES  # noqa: E402

FAMILIES = (("id", "ms"), ("cs", "sk"), ("es", "pt", "ca", "it", "fr"), ("da", "nb", "sv"),
            ("sh", "sl"))  # fmt: skip


def main() -> None:
    fam = np.arange(len(CODES))
    for f in FAMILIES:
        for c in f:
            fam[CODES.index(c)] = CODES.index(f[0])
    ud = [CODES.index(c) for c in X.UD]
    for kind in ("gen", "gen2", "ud"):
        d, pred = shipped(kind)
        for label, ok in (("language", pred == d["lang"]), ("family", fam[pred] == fam[d["lang"]])):
            cells = []
            for st in (0, 1):
                for n in (16, 32, 64):
                    m = np.isin(d["lang"], ud) & (d["style"] == st) & (d["n"] == n)
                    cells.append(f"{100 * ok[m].mean():.1f}")
            print(f"{kind} {label}: " + " | ".join(cells))


if __name__ == "__main__":
    main()
