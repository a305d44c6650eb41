"""Round 2 of the calibrated choice (2026-12-01, lead): which lengths should it start at?
Tuning text only: our narrative prose (experiments/words-solver/tuning-prose/) and Python's
documentation (``tune.tuning_corpus``), 600 messages a cell, word starts and half inside words,
4-12 letters; prints model -> calibrated choice, exact %, per style and length
(calibrated_choice_lengths.txt). ``decoding/choice.py``'s FROM_LETTERS = 5 comes from this.

    python experiments/trust/calibrated_choice_lengths.py
"""

import sys
from pathlib import Path

import numpy as np

from caesar_rnn.cipher import letters_of
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.calibration import load_calibration
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.evaluation.evaluate import sample_messages
from caesar_rnn.store import resolve_model_dir

WORDS = Path(__file__).resolve().parents[1] / "words-solver"
sys.path.insert(0, str(WORDS))
from tune import tuning_corpus  # noqa: E402

BUCKETS = (4, 5, 6, 7, 8, 10, 12)
#: The least probability a runner-up must have to be taken (decoding/choice.py's LEAST).
LEAST = (0.0, 0.6, 0.8, 0.9)


def main() -> None:
    md = resolve_model_dir("shipped")
    backend, cal = load_backend(md, "cpu"), load_calibration(md)
    texts = {
        "prose": TextCorpus.from_files(sorted((WORDS / "tuning-prose").glob("*.txt"))),
        "pydoc": tuning_corpus(),
    }
    for name, corpus in texts.items():
        for mid in (0.0, 0.5):
            msgs = sample_messages(corpus, 600, BUCKETS, seed=3, mid_word=mid)
            ds = decrypt_messages([m.ciphertext for m in msgs], backend, calibration=cal, top=3)
            for least in LEAST:
                cells: dict[tuple[str, int], list[tuple[bool, bool]]] = {}
                for m, d in zip(msgs, ds, strict=True):
                    options = [(d.confidence, d.plaintext)]
                    options += [(a.probability, a.plaintext) for a in d.alternatives]
                    best = max(options, key=lambda o: o[0])
                    pick = best[1] if d.english and best[0] >= least else d.plaintext
                    t = letters_of(m.plaintext)
                    cells.setdefault((m.style, m.n), []).append(
                        (letters_of(d.plaintext) == t, letters_of(pick) == t)
                    )
                row = " ".join(
                    f"{s[0]}{n}:{100 * np.mean([a for a, _ in v]):.1f}->"
                    f"{100 * np.mean([b for _, b in v]):.1f}"
                    for (s, n), v in sorted(cells.items())
                )
                gain = sum(np.mean([b for _, b in v]) - np.mean([a for a, _ in v])
                           for (s, n), v in cells.items() if n >= 5)  # fmt: skip
                print(name, "mid", mid, f"least {least}", f"sum from 5: {100 * gain:+.1f}", row)


if __name__ == "__main__":
    main()
