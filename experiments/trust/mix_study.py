"""How the share of inside-word messages the calibration is fitted on moves the ECE of sets cut
only at word starts and only inside words, on the tuning prose only (short_cache.py, with and
without --long): the calibration's features (scripts/calibrate.py's, optionally with more from
short_study.py) fitted per style and length bin on half a, each message weighted so that inside
words makes up ``mid`` of the fit where the bin is under ``below`` letters (half and half above);
ECE measured on half b at the trust report's lengths, apart per cut and style, beside the noise
floor of each subset.

    .venv/bin/python experiments/trust/mix_study.py /tmp/trustshort3
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from caesar_rnn.decoding.calibration import (
    EDGES,
    ceiling,
    expected_calibration_error,
    fit_logistic,
    length_bin,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from short_study import SOURCES, columns  # noqa: E402

CACHE = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/trustshort3")
REPORT_LENGTHS = (4, 6, 8, 10, 12, 16, 24, 32, 64)


def load(half: str) -> dict[str, np.ndarray]:
    ds = []
    for src in SOURCES:
        for cut in ("ws", "mid"):
            for tag in ("", "-long"):
                d = dict(np.load(CACHE / f"{src}-{half}-{cut}{tag}.npz"))
                n = len(d["right"])
                d["mid"] = np.full(n, cut == "mid")
                # sample_messages draws every letters-style message first, as many of each style
                d["style_natural"] = np.arange(n) >= n // 2
                ds.append(d)
    return {k: np.concatenate([d[k] for d in ds]) for k in ds[0]}


def design(d: dict[str, np.ndarray], cols: list[str]) -> np.ndarray:
    c = columns(d)
    short = d["n"] < 12
    return np.stack(
        [*(np.where(short, c[k], 0.0) if k not in ("logit", "per_letter", "qmargin") else c[k]
           for k in cols), np.ones(len(d["n"]))], axis=1)  # fmt: skip


def fit_predict(
    a: dict[str, np.ndarray], b: dict[str, np.ndarray], cols: list[str], mid: float, below: int
) -> np.ndarray:
    xa, xb = design(a, cols), design(b, cols)
    ba, bb = length_bin(a["n"]), length_bin(b["n"])
    out = np.empty(len(xb))
    for nat in (False, True):
        for i in range(len(EDGES)):
            sa = (ba == i) & (a["natural"] == nat)
            sb = (bb == i) & (b["natural"] == nat)
            if not sa.any():
                continue
            share = mid if EDGES[i] < below else 0.5
            m = a["mid"][sa]
            weights = np.where(
                m, share / max(m.mean(), 1e-9), (1 - share) / max(1 - m.mean(), 1e-9)
            )
            w = np.asarray(fit_logistic(xa[sa], a["right"][sa], 1.0, weights))
            conf_a = 0.5 * (1 + np.tanh(0.5 * (xa[sa] @ w)))
            top = ceiling(conf_a, a["right"][sa])
            out[sb] = np.minimum(0.5 * (1 + np.tanh(0.5 * (xb[sb] @ w))), top)
    return out


def noise(conf: np.ndarray) -> float:
    rng = np.random.default_rng(0)
    return float(np.mean([expected_calibration_error(conf, rng.random(len(conf)) < conf)
                          for _ in range(30)]))  # fmt: skip


def cells(a: dict[str, np.ndarray], b: dict[str, np.ndarray], cols: list[str], mid: float,
          below: int) -> list[tuple[float, float]]:  # fmt: skip
    """(ECE, noise) of half b's four report-like sets, fitted on half a."""
    conf = fit_predict(a, b, cols, mid, below)
    out = []
    for cut in (False, True):
        for nat in (False, True):
            # the report's sets: by how each message was cut and by its style as drawn
            sel = (b["mid"] == cut) & (b["style_natural"] == nat)
            out.append((expected_calibration_error(conf[sel], b["right"][sel]), noise(conf[sel])))
    return out


def main() -> None:
    halves = {h: load(h) for h in "ab"}
    tests = {h: {k: v[np.isin(d["n"], REPORT_LENGTHS)] for k, v in d.items()}
             for h, d in halves.items()}  # fmt: skip
    base = ["logit", "per_letter", "qmargin", "words"]
    extra = [*base, "start_gap", "wmargin"]
    variants = [
        ("shipped features, mid 0.5", base, 0.5, 99),
        *(
            (f"shipped features, mid {m} under {lo}", base, m, lo)
            for lo in (6, 8)
            for m in (0.65, 0.75)
        ),  # fmt: skip
        ("+ start_gap", [*base, "start_gap"], 0.5, 99),
        ("+ wmargin", [*base, "wmargin"], 0.5, 99),
        ("+ first_known", [*base, "first_known"], 0.5, 99),
        ("+ whole", [*base, "whole"], 0.5, 99),
        ("+ whole, start_gap", [*base, "whole", "start_gap"], 0.5, 99),
        ("+ start_gap, wmargin", extra, 0.5, 99),
        ("+ start_gap, wmargin, mid 0.65 under 6", extra, 0.65, 6),
    ]
    print(
        "ECE (noise) fitted on half a measured on b | fitted on b measured on a; sets "
        "ws/letters, ws/natural, mid/letters, mid/natural; worst of the 8"
    )
    for name, cols, mid, below in variants:
        ab = cells(halves["a"], tests["b"], cols, mid, below)
        ba = cells(halves["b"], tests["a"], cols, mid, below)
        text = " ".join(f"{e:.4f}({z:.4f})" for e, z in ab) + " | "
        text += " ".join(f"{e:.4f}({z:.4f})" for e, z in ba)
        worst = max(e for e, _ in ab + ba)
        mean = np.mean([e for e, _ in ab + ba])
        print(f"{name:40s} {text}  worst {worst:.4f} mean {mean:.4f}")


if __name__ == "__main__":
    main()
