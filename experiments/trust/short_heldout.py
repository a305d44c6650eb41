"""Diagnosis only (no fit reads it): confidence against the share exactly right at 4-8 letters on
the held-out novels, per cut and style, with the shipped calibration, to check that the held-out
excess is where the tuning study (short_study.py) puts it.

    nice -n 10 .venv/bin/python experiments/trust/short_heldout.py --shared /work/shared
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from calibrate import measure  # noqa: E402

from caesar_rnn.data.corpus import TextCorpus  # noqa: E402
from caesar_rnn.decoding.backends import load_backend  # noqa: E402
from caesar_rnn.decoding.calibration import load_calibration  # noqa: E402
from caesar_rnn.decoding.decode import judge  # noqa: E402
from caesar_rnn.evaluation.evaluate import sample_messages  # noqa: E402
from caesar_rnn.store import shipped_model_dir  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, required=True)
    ap.add_argument("--per-length", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    backend, cal = load_backend(shipped_model_dir()), load_calibration(shipped_model_dir())
    text = TextCorpus.from_files(sorted((args.shared / "corpora").glob("*.txt")))
    for cut, mid in (("word starts", 0.0), ("inside words", 1.0)):
        for style in ("letters", "natural"):
            msgs = sample_messages(text, args.per_length, (4, 5, 6, 8), (style,), args.seed, mid)
            ev, right = measure(msgs, backend)
            conf, _, _ = judge(ev, cal, [m.ciphertext for m in msgs])
            cells = []
            for n in (4, 5, 6, 8):
                s = ev.letters == n
                cells.append(f"{n}: {conf[s].mean():.3f} vs {right[s].mean():.3f}")
            print(f"novels {style:8s} {cut:12s} " + "; ".join(cells))


if __name__ == "__main__":
    main()
