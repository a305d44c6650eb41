"""Cache the tuning prose's short messages (4-11 letters) for the short-message calibration study
(short_study.py): each source's words split in two halves (fit on one, measure on the other),
each half cut at word starts only and inside words only, both styles, with the key decode's
evidence and candidate features of the model's best reading.

    nice -n 10 .venv/bin/python experiments/trust/short_cache.py --out /tmp/trustshort3 --per-length 450
    nice -n 10 .venv/bin/python experiments/trust/short_cache.py --out /tmp/trustshort3 --per-length 450 --long
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from calibrate import corpus_from_text, measure  # noqa: E402
from tuning_text import tuning_words  # noqa: E402

from caesar_rnn.cipher import decrypt  # noqa: E402
from caesar_rnn.classical.words import _RUN, lexicon, segmenter, word_scores  # noqa: E402
from caesar_rnn.decoding.backends import load_backend  # noqa: E402
from caesar_rnn.evaluation.evaluate import sample_messages  # noqa: E402
from caesar_rnn.store import shipped_model_dir  # noqa: E402

LENGTHS = (4, 5, 6, 7, 8, 9, 10, 11)
#: --long: the report's longer lengths (no words features: the calibration reads none there).
LONG = (12, 16, 24, 32, 64)


def reading_features(text: str, n: int) -> list[float]:
    """Of one reading: words score per letter; its first run's score with the start held to a
    word boundary minus the free score, per letter (<= 0: how much a partial first word helps);
    the same for the end; first piece a known word (1/0); its ln P as a word (or -30)."""
    seg, lex = segmenter(), lexicon()
    total, words = seg.split(text)
    runs = _RUN.findall(text.lower().replace("'", ""))
    cut = 0.0 if len(runs) == 1 else seg.p.split
    free, _ = seg.run_score(runs[0], None, True, len(runs) == 1, cut)
    held, _ = seg.run_score(runs[0], None, False, len(runs) == 1, cut)
    last_prev = None
    if len(runs) > 1:  # the last run after the previous runs' last word, as split() reads it
        _, ws = seg.split(" ".join(runs[:-1]))
        last_prev = ws[-1]
    end_free, _ = seg.run_score(runs[-1], last_prev, len(runs) == 1, True, cut)
    end_held, _ = seg.run_score(runs[-1], last_prev, len(runs) == 1, False, cut)
    first = words[0]
    known = first in lex.logp
    return [
        total / n,
        (held - free) / n,
        (end_held - end_free) / n,
        float(known),
        lex.logp.get(first, -30.0),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--per-length", type=int, default=150, help="per source, half, cut, style")
    ap.add_argument("--long", action="store_true", help="lengths LONG, files named *-long.npz")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    backend = load_backend(shipped_model_dir())
    for src, words in tuning_words().items():
        halves = {"a": words[: len(words) // 2], "b": words[len(words) // 2 :]}
        for half, ws in halves.items():
            corpus = corpus_from_text(" ".join(ws))
            for cut, mid in (("ws", 0.0), ("mid", 1.0)):
                tag = "-long" if args.long else ""
                path = args.out / f"{src}-{half}-{cut}{tag}.npz"
                if path.exists():
                    continue
                t0 = time.perf_counter()
                lengths = LONG if args.long else LENGTHS
                msgs = sample_messages(
                    corpus, args.per_length, lengths, ("letters", "natural"), args.seed, mid
                )
                ev, right = measure(msgs, backend)
                best = ev.scores.argmax(axis=1)
                if args.long:
                    feats, cracker = np.zeros((len(msgs), 5)), np.zeros((len(msgs), 26))
                else:
                    feats = np.array(
                        [
                            reading_features(decrypt(m.ciphertext, int(k)), m.n)
                            for m, k in zip(msgs, best, strict=True)
                        ]  # fmt: skip
                    )
                    cracker = word_scores([m.ciphertext for m in msgs])
                whole = [decrypt(m.ciphertext, int(k)).lower() in lexicon().logp
                         for m, k in zip(msgs, best, strict=True)]  # fmt: skip
                np.savez(
                    path,
                    whole=np.array(whole, np.float64),
                    scores=ev.scores,
                    letters=ev.letters,
                    scored=ev.scored,
                    natural=ev.natural,
                    english=ev.english,
                    right=right,
                    shift=np.array([m.shift for m in msgs]),
                    n=np.array([m.n for m in msgs]),
                    feats=feats,
                    cracker=cracker,
                )
                print(
                    f"{path.name}: {len(msgs)} msgs, {right.mean():.4f} exact, "
                    f"{time.perf_counter() - t0:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )


if __name__ == "__main__":
    main()
