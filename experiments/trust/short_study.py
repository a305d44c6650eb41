"""Why short messages that start inside a word are miscalibrated, and whether a feature a user's
message carries mends it, on the tuning prose only (short_cache.py): fit per style and length
bin on one half of every source (word starts and inside words half and half, as
scripts/calibrate.py fits), measure on the other half (both ways), apart for messages cut at
word starts and inside words: confidence minus the share exactly right per length.

    .venv/bin/python experiments/trust/short_study.py /tmp/trustshort3
"""

from __future__ import annotations

import numpy as np

from caesar_rnn.decoding.calibration import WORDS_CLIP, Evidence

SOURCES = ("pydoc", "docstrings", "man")
SHORT_BINS = ((4, 4), (5, 5), (6, 7), (8, 11))


def columns(d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    ev = Evidence(d["scores"], d["letters"], d["scored"], d["natural"], d["english"])
    logit, per_letter, margin = ev.features()
    f = d["feats"]
    n = d["n"]
    c = d["cracker"] / n[:, None]
    best = d["scores"].argmax(axis=1)
    rows = np.arange(len(best))
    own = c[rows, best]
    other = c.copy()
    other[rows, best] = -np.inf
    return {
        "logit": logit,
        "per_letter": per_letter,
        "qmargin": margin,
        "words": np.maximum(f[:, 0], WORDS_CLIP),
        "start_gap": np.clip(f[:, 1], -5, 0),  # <= 0: a word boundary at the start costs this
        "end_gap": np.clip(f[:, 2], -5, 0),
        "first_known": f[:, 3],
        "first_logp": np.maximum(f[:, 4], -30) / 10,
        "wmargin": np.clip(own - other.max(axis=1), -5, 5),
        # the whole reading is one known word (a single-word message; short_cache.py --whole)
        "whole": d.get("whole", np.zeros(len(n))),
        "oracle": d["mid"].astype(np.float64),  # the true cut: a diagnosis, not a feature
    }


def main() -> None:
    import mix_study as m

    halves = {h: m.load(h) for h in "ab"}
    base = ["logit", "per_letter", "qmargin", "words"]
    variants = {
        "shipped features (logit, per-letter, qmargin, words)": base,
        "+ start_gap": [*base, "start_gap"],
        "+ end_gap": [*base, "end_gap"],
        "+ first_known": [*base, "first_known"],
        "+ first_logp": [*base, "first_logp"],
        "+ whole": [*base, "whole"],
        "+ wmargin": [*base, "wmargin"],
        "+ start_gap, wmargin": [*base, "start_gap", "wmargin"],
        "oracle: + the true cut (not in a user's message)": [*base, "oracle"],
    }
    print(
        "conf - exact per message set (fitted on the other half, both ways pooled) at "
        "4 / 5 / 6-7 / 8-11 letters; log-loss at 4 letters"
    )
    for name, cols in variants.items():
        gaps: dict[str, list[float]] = {}
        loss = []
        for fit_h, test_h in (("a", "b"), ("b", "a")):
            a, b = halves[fit_h], halves[test_h]
            conf = m.fit_predict(a, b, cols, 0.5, 99)
            r = b["right"]
            four = b["n"] == 4
            p = np.clip(conf[four], 1e-6, 1 - 1e-6)
            loss.append(-np.mean(r[four] * np.log(p) + (~r[four]) * np.log(1 - p)))
            for cut in (False, True):
                for nat in (False, True):
                    key = f"{'mid' if cut else 'ws'}/{'nat' if nat else 'let'}"
                    sel = (b["mid"] == cut) & (b["style_natural"] == nat)
                    for lo, hi in SHORT_BINS:
                        s = sel & (b["n"] >= lo) & (b["n"] <= hi)
                        gaps.setdefault(key, []).append(conf[s].mean() - r[s].mean())
        cells = "  ".join(
            f"{k} " + " ".join(f"{(v[i] + v[i + 4]) / 2:+.3f}" for i in range(4))
            for k, v in gaps.items()
        )
        print(f"{name:50s} {cells}  log-loss@4 {np.mean(loss):.4f}")
    c = columns(halves["b"])
    y, four = halves["b"]["mid"], halves["b"]["n"] == 4
    print("mean of each feature at 4 letters, half b: word starts / inside words")
    for k, v in c.items():
        print(f"  {k:12s} {v[four & ~y].mean():+.3f} / {v[four & y].mean():+.3f}")


if __name__ == "__main__":
    main()
