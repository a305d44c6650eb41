"""Which language decrypt's shipped rule names instead, by length and style (issue 22, round 2).

    python experiments/non-english/confusion.py gen ud

The shipped rule (``langid.best_pairs`` on chain + accents + English's 10^3) on ``langid.py``'s
cached messages (``gen``: generated text of the 27 languages; ``ud``: UD dev + the novels, drawn
as scripts/language_report.py draws them). Per style (0 letters, 1 natural) and length from 16
letters: named % of the 12 UD languages pooled, and the commonest (true, named) confusions.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import langid as X  # noqa: E402

from caesar_rnn.classical import langid  # noqa: E402
from caesar_rnn.languages import CODES  # noqa: E402


def shipped(kind: str) -> tuple[dict, np.ndarray]:
    """(the cached messages of ``kind``, (B,) the language the shipped rule names)."""
    d = X.load(kind, [])
    msgs = list(d["cipher"])
    s = d["s"].astype(float)
    s[0] += 3.0
    s += langid.accent_scores(msgs, list(CODES))[:, :, None]
    return d, langid.best_pairs(msgs, s, list(CODES))[0]


def main(kinds: list[str]) -> None:
    ud = [CODES.index(c) for c in X.UD]
    for kind in kinds:
        d, pred = shipped(kind)
        for st in (0, 1):
            for n in (16, 32, 64):
                m = (d["style"] == st) & (d["n"] == n) & np.isin(d["lang"], ud)
                c = Counter(
                    f"{CODES[a]}>{CODES[b]}"
                    for a, b in zip(d["lang"][m], pred[m], strict=True)
                    if a != b
                )
                ok = 100 * np.mean(pred[m] == d["lang"][m])
                print(kind, ("letters", "natural")[st], n, f"{ok:.1f}", dict(c.most_common(10)))


if __name__ == "__main__":
    main(sys.argv[1:])
