"""Judge the held-out English caches of heldout_cache.py with a calibration table (default: the
shipped one) and print, per set and seed and pooled over the seeds: the plain ECE, the ECE a
perfectly calibrated set with the same confidences shows (noise), the debiased ECE
(calibration.debiased_calibration_error), the plain ECE from 6 letters, exactly right among
answers at >= 0.99, wrong answers at >= 0.99, and mean confidence against the share right at 4
letters. Diagnosis and measurement only: nothing is fitted on these sets.

    .venv/bin/python experiments/trust/heldout_ece.py /tmp/trustheld --per-length 2000 \
        --seeds 7 11 13 17 [--model DIR_WITH_A_CALIBRATION_JSON]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from trust_report import noise_floor  # noqa: E402

from caesar_rnn.decoding.calibration import (  # noqa: E402
    Evidence,
    debiased_calibration_error,
    expected_calibration_error,
    load_calibration,
)
from caesar_rnn.store import shipped_model_dir  # noqa: E402

SETS = [f"{t}-{s}-{c}" for t in ("novels", "licenses") for c in ("ws", "mid")
        for s in ("letters", "natural")]  # fmt: skip


def judged(path: Path, cal) -> dict[str, np.ndarray]:
    d = np.load(path)
    ev = Evidence(d["scores"], d["letters"], d["scored"], d["natural"], d["english"])
    conf, english = cal.judge(ev, [str(t) for t in d["texts"]])
    return {"conf": conf, "right": d["right"], "n": d["letters"], "english": english}


def row(name: str, r: dict[str, np.ndarray]) -> str:
    conf, right, n = r["conf"], r["right"], r["n"]
    high = conf >= 0.99
    six, four = n >= 6, n == 4
    return (
        f"{name:34s} {len(conf):6d} {expected_calibration_error(conf, right):.4f} "
        f"{noise_floor(conf, 20):.4f} {debiased_calibration_error(conf, right):.4f} "
        f"{expected_calibration_error(conf[six], right[six]):.4f} "
        f"{right[high].mean():.5f} {int((~right & high).sum()):3d}/{int((~right).sum()):4d} "
        f"{conf[four].mean():.3f}/{right[four].mean():.3f} "
        f"{(~r['english'][n >= 8]).mean():.4f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cache", type=Path)
    ap.add_argument("--per-length", type=int, default=2000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 13, 17])
    ap.add_argument("--model", type=Path, default=shipped_model_dir())
    ap.add_argument("--sets", nargs="*", default=SETS)
    args = ap.parse_args()
    cal = load_calibration(args.model)
    print(f"{'set':34s} {'msgs':>6s} ECE    noise  debias 6+     exact@.99 wrong@.99 "
          "conf/right@4 flagged8+")  # fmt: skip
    for name in args.sets:
        parts = []
        for seed in args.seeds:
            r = judged(args.cache / f"{name}-{args.per_length}-s{seed}.npz", cal)
            parts.append(r)
            print(row(f"{name} s{seed}", r))
        pooled = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        print(row(f"{name} pooled", pooled), flush=True)


if __name__ == "__main__":
    main()
