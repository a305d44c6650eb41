"""Would decrypt be right more often if it answered with the likeliest shift by calibrated
probability (its answer or one of its alternatives) instead of the model's best shift?
(`FDWGRJ`: the model says OMFPAS at 0.01, CATDOG is listed at 0.96.)

    python experiments/trust/calibrated_choice.py                  # tuning text (pydoc prose)
    python experiments/trust/calibrated_choice.py PATH [PATH ...]  # held-out text, measured only

Messages as `caesar-rnn eval` cuts them (word starts, seed 0, both styles, 4-12 letters).
Prints exact % per (style, length): the model's answer, then the calibrated choice.
"""

from __future__ import annotations

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

BUCKETS = (4, 6, 8, 10, 12)


def main(paths: list[str]) -> None:
    if paths:
        corpora = [TextCorpus.from_files([p]) for p in paths]
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "words-solver"))
        from tune import tuning_corpus

        corpora = [tuning_corpus()]
    md = resolve_model_dir("shipped")
    backend, cal = load_backend(md, "cpu"), load_calibration(md)
    msgs = [m for c in corpora for m in sample_messages(c, 300, BUCKETS, seed=0)]
    ds = decrypt_messages([m.ciphertext for m in msgs], backend, calibration=cal, top=3)
    cells: dict[tuple[str, int], list[tuple[bool, bool]]] = {}
    for m, d in zip(msgs, ds, strict=True):
        options = [(d.confidence, d.plaintext)] + [
            (a.probability, a.plaintext) for a in d.alternatives
        ]
        choice = max(options, key=lambda o: o[0])[1]
        truth = letters_of(m.plaintext)
        cells.setdefault((m.style, m.n), []).append(
            (letters_of(d.plaintext) == truth, letters_of(choice) == truth)
        )
    for (style, n), v in sorted(cells.items()):
        a = np.mean([x for x, _ in v]) * 100
        b = np.mean([y for _, y in v]) * 100
        print(f"{style:8s} {n:3d} {len(v):5d}  model {a:5.1f}  calibrated choice {b:5.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
