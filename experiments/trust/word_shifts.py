"""Round 4: do features about *which shifts read as listed words* tell a 4-letter message cut
inside a word from one cut at a word start, on the tuning prose only (the caches of
short_cache.py; the messages are drawn again with the same seed to read their text)?

Features of a message (letters runs of a reading, lower-cased; "listed" = in the words table):
``nword`` the number of the 26 shifts whose reading is all listed words (clipped to 3);
``best_word`` the model's reading is all listed words; ``runner_word`` the model's runner-up
shift's reading is all listed words; ``split_full`` the words cracker's best split of the
model's reading has no unlisted piece (no partial word at either end). Fitted per style and
length bin on half a, measured on half b and back (mix_study.py), ECE of the four cut/style sets.

    .venv/bin/python experiments/trust/word_shifts.py /tmp/trustshort3
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import mix_study  # noqa: E402
import short_study  # noqa: E402
from calibrate import corpus_from_text  # noqa: E402
from short_cache import LENGTHS, LONG  # noqa: E402
from tuning_text import tuning_words  # noqa: E402

from caesar_rnn.cipher import decrypt  # noqa: E402
from caesar_rnn.classical.words import lexicon, segmenter  # noqa: E402
from caesar_rnn.evaluation.evaluate import sample_messages  # noqa: E402

CACHE = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/trustshort3")
EXTRA = ("nword", "best_word", "runner_word", "split_full")
RUNS = re.compile(r"[a-z]+")


def listed(text: str, words: dict[str, float]) -> bool:
    runs = RUNS.findall(text.lower())
    return bool(runs) and all(r in words for r in runs)


def extras(cipher: str, scores: np.ndarray) -> list[float]:
    words = lexicon().logp
    order = np.argsort(-scores)
    readings = [decrypt(cipher, k) for k in range(26)]
    flags = [listed(r, words) for r in readings]
    _, split = segmenter().split(readings[order[0]])
    return [
        float(min(sum(flags), 3)),
        float(flags[order[0]]),
        float(flags[order[1]]),
        float(all(w in words for w in split)),
    ]


def extra_arrays() -> None:
    """Add the EXTRA features to every short cache file (as ``extra``), once."""
    for src, words in tuning_words().items():
        halves = {"a": words[: len(words) // 2], "b": words[len(words) // 2 :]}
        for half, ws in halves.items():
            corpus = corpus_from_text(" ".join(ws))
            for cut, mid in (("ws", 0.0), ("mid", 1.0)):
                for tag, lengths in (("", LENGTHS), ("-long", LONG)):
                    path = CACHE / f"{src}-{half}-{cut}{tag}.npz"
                    d = dict(np.load(path))
                    if "extra" in d:
                        continue
                    per = len(d["right"]) // (2 * len(lengths))
                    msgs = sample_messages(corpus, per, lengths, ("letters", "natural"), 1, mid)
                    assert [m.shift for m in msgs] == d["shift"].tolist(), path
                    if tag:
                        d["extra"] = np.zeros((len(msgs), len(EXTRA)))
                    else:
                        d["extra"] = np.array([extras(m.ciphertext, s)
                                               for m, s in zip(msgs, d["scores"], strict=True)])  # fmt: skip
                    np.savez(path, **d)
                    print(path.name, d["extra"].mean(axis=0), file=sys.stderr, flush=True)


def columns(d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    c = short_study.columns(d)
    for i, k in enumerate(EXTRA):
        c[k] = d["extra"][:, i]
    return c


def gaps(a, b, cols) -> str:  # type: ignore[no-untyped-def]
    """Confidence minus share right at 4 letters, per cut and style, fitted on a measured on b."""
    conf = mix_study.fit_predict(a, b, cols, 0.5, 99)
    out = []
    for cut in (False, True):
        for nat in (False, True):
            sel = (b["mid"] == cut) & (b["style_natural"] == nat) & (b["n"] == 4)
            out.append(f"{conf[sel].mean() - b['right'][sel].mean():+.3f}")
    return " ".join(out)


def main() -> None:
    extra_arrays()
    mix_study.columns = columns
    halves = {h: mix_study.load(h) for h in "ab"}
    tests = {h: {k: v[np.isin(d["n"], mix_study.REPORT_LENGTHS)] for k, v in d.items()}
             for h, d in halves.items()}  # fmt: skip
    for h, d in halves.items():
        four = d["n"] == 4
        for k in EXTRA:
            col = columns(d)[k]
            print(f"half {h} 4 letters {k}: ws {col[four & ~d['mid']].mean():.3f} "
                  f"mid {col[four & d['mid']].mean():.3f}")  # fmt: skip
    base = ["logit", "per_letter", "qmargin", "words"]
    variants = [("shipped", base), *((f"+ {k}", [*base, k]) for k in EXTRA),
                ("+ all four", [*base, *EXTRA]), ("+ all four, wmargin", [*base, *EXTRA, "wmargin"])]  # fmt: skip
    print(
        "gap at 4 letters (ws/letters ws/natural mid/letters mid/natural) a->b | b->a; "
        "ECE of the 4 sets a->b | b->a; worst, mean"
    )
    for name, cols in variants:
        ab = mix_study.cells(halves["a"], tests["b"], cols, 0.5, 99)
        ba = mix_study.cells(halves["b"], tests["a"], cols, 0.5, 99)
        eces = [e for e, _ in ab + ba]
        print(f"{name:24s} {gaps(halves['a'], halves['b'], cols)} | "
              f"{gaps(halves['b'], halves['a'], cols)};  "
              + " ".join(f"{e:.4f}" for e in eces)
              + f"; worst {max(eces):.4f} mean {np.mean(eces):.4f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
