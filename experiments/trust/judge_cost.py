"""What judging (the calibrated confidence and the English verdict) costs beside the key decode,
on many short messages: seconds for the model's evidence, for judging, and readings segmented.

    nice -n 10 .venv/bin/python experiments/trust/judge_cost.py --per-length 200
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from calibrate import corpus_from_text, random_messages  # noqa: E402
from tuning_text import pydoc_words  # noqa: E402

from caesar_rnn.classical.crackers import crack  # noqa: E402
from caesar_rnn.classical.words import prepare  # noqa: E402
from caesar_rnn.decoding.backends import load_backend  # noqa: E402
from caesar_rnn.decoding.calibration import load_calibration  # noqa: E402
from caesar_rnn.decoding.scores import key_evidence  # noqa: E402
from caesar_rnn.decoding.verdict import Readings  # noqa: E402
from caesar_rnn.evaluation.evaluate import sample_messages  # noqa: E402
from caesar_rnn.store import shipped_model_dir  # noqa: E402

LENGTHS = (4, 6, 8, 10, 12, 16, 24)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-length", type=int, default=200)
    args = ap.parse_args()
    corpus = corpus_from_text(" ".join(pydoc_words()))
    sets = {
        "English (pydoc)": [
            m.ciphertext
            for m in sample_messages(corpus, args.per_length, LENGTHS, ("letters", "natural"), 5)
        ],
        "random a-z": [m.ciphertext for m in random_messages(LENGTHS, args.per_length, 5)],
    }
    model = shipped_model_dir()
    backend, cal = load_backend(model), load_calibration(model)
    assert cal is not None
    prepare()
    for name, msgs in sets.items():
        crack(msgs[:50], "ngram")  # warm the quadgram table
        t0 = time.perf_counter()
        crack(msgs, "ngram")
        t1 = time.perf_counter()
        ev = key_evidence(msgs, backend)
        t2 = time.perf_counter()
        _, english = cal.judge(ev, msgs)
        t3 = time.perf_counter()
        readings = Readings(msgs, ev.letters)
        cal.verdict_table.judge(ev.quadgrams(), ev.scores.argmax(axis=1), readings)
        print(
            f"{name}: {len(msgs)} messages; quadgram crack {t1 - t0:.2f} s, model evidence "
            f"{t2 - t1:.2f} s, judging {t3 - t2:.2f} s (verdict alone segmented "
            f"{readings.segmented} readings; {(~english).mean():.1%} flagged)"
        )


if __name__ == "__main__":
    main()
