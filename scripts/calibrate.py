"""Fit a model's calibration table (caesar_rnn/decoding/calibration.py) on held-out tuning text.

The tuning text is the prose of Python's own documentation (``pydoc_data.topics``, in every
CPython install): English the model never trained on, and none of the evaluation texts (the
novels in ../shared/corpora, /usr/share/common-licenses). Indented lines (code examples, grammar)
are left out. Messages are cut from it as ``caesar-rnn eval`` cuts them (both styles, half at word
starts, half inside words, random keys), decoded with the key decode, and

- per style and length bin, a logistic map (Platt scaling) from the best shift's log-odds and
  per-letter log-probability to "the plaintext is exactly right";
- per style and length bin, a ceiling: what the tuning text bears out among the answers the map
  puts at 0.99 or more (the rule of succession), so that no bin claims more certainty than it saw;
- per length bin, the ``--quantile`` of the best quadgram score per quadgram of many more tuning
  messages (no model needed): the English floor.

    .venv/bin/python scripts/calibrate.py                       # the shipped model, in place
    .venv/bin/python scripts/calibrate.py --model caesar-rnn-model
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

from caesar_rnn.cipher import is_letter
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.decoding.backends import Backend, load_backend
from caesar_rnn.decoding.calibration import (
    CALIBRATION,
    EDGES,
    STYLES,
    Calibration,
    Evidence,
    ceiling,
    english_floor,
    english_scores,
    fit_platt,
    length_bin,
)
from caesar_rnn.decoding.scores import key_evidence
from caesar_rnn.evaluation.evaluate import Message, sample_messages
from caesar_rnn.store import shipped_model_dir

#: Lengths the tuning messages are cut at: every bin of EDGES, more where answers are uncertain.
TUNE_LENGTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18, 20, 24, 28, 32, 40, 48, 64, 96)


def corpus_from_text(text: str) -> TextCorpus:
    tokens = text.split()
    cum = [0]
    for t in tokens:
        cum.append(cum[-1] + sum(map(is_letter, t)))
    return TextCorpus(tokens, cum)


#: A prose word: letters (one inner apostrophe), maybe quoted or bracketed, maybe punctuated.
_WORD = re.compile(r"^[(\"']?[A-Za-z]+(?:'[a-z]+)?[.,;:!?)\"']*$")


def tuning_corpus() -> TextCorpus:
    """The prose of Python's documentation topics: lines that are not indented (code examples),
    words that are not code (``sys.argv``, ``__init__``, ``x[i]``)."""
    import pydoc_data.topics as topics

    words = [
        word
        for doc in topics.topics.values()
        for line in doc.splitlines()
        if not line.startswith("  ")
        for word in line.split()
        if _WORD.match(word)
    ]
    return corpus_from_text(" ".join(words))


def measure(messages: list[Message], backend: Backend) -> tuple[Evidence, np.ndarray]:
    """The key decode's evidence for each message, and whether its answer was exactly right."""
    ev = key_evidence([m.ciphertext for m in messages], backend)
    right = ev.scores.argmax(axis=1) == np.array([m.shift for m in messages])
    return ev, right


def fit(ev: Evidence, right: np.ndarray, cap: float) -> Calibration:
    """Platt maps and ceilings per style and length bin (the floors come from ``floors``)."""
    logit, per_letter = ev.features()
    bins = length_bin(ev.letters)
    cal = Calibration({}, [-np.inf] * len(EDGES), cap, ceiling={})  # floors: set by the caller
    for si, style in enumerate(STYLES):
        cal.platt[style], cal.ceiling[style] = [], []
        for b in range(len(EDGES)):
            sel = (bins == b) & (ev.natural == bool(si))
            cal.platt[style].append(fit_platt(logit[sel], per_letter[sel], right[sel]))
            cal.ceiling[style].append(1.0)
    # What the maps claim at >= 0.99 is held to what the tuning text bears out there.
    conf = cal.confidence(ev)
    for si, style in enumerate(STYLES):
        for b in range(len(EDGES)):
            sel = (bins == b) & (ev.natural == bool(si))
            cal.ceiling[style][b] = ceiling(conf[sel], right[sel])
    return cal


def floors(per_length: int, seed: int, quantile: float) -> list[float]:
    """The English floor of each length bin: the ``quantile`` of the quadgram score of many more
    tuning messages (cheap: no model), both styles, half inside words."""
    msgs = sample_messages(tuning_corpus(), per_length, TUNE_LENGTHS, STYLES, seed, 0.5)
    scores = english_scores([m.ciphertext for m in msgs])
    bins = length_bin(np.array([m.n for m in msgs]))
    return [english_floor(scores[bins == b], quantile) for b in range(len(EDGES))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=shipped_model_dir())
    ap.add_argument("--per-length", type=int, default=150, help="messages per length and style")
    ap.add_argument("--quantile", type=float, default=0.003, help="English floor quantile")
    ap.add_argument("--floor-per-length", type=int, default=2000, help="for the English floor")
    ap.add_argument("--cap", type=float, default=0.5, help="most confidence when not English")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, help=f"default: MODEL/{CALIBRATION}")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    msgs = sample_messages(tuning_corpus(), args.per_length, TUNE_LENGTHS, STYLES, args.seed, 0.5)
    ev, right = measure(msgs, load_backend(args.model))
    cal = fit(ev, right, args.cap)
    cal.english_floor = floors(args.floor_per_length, args.seed + 1, args.quantile)
    cal.source = {
        "text": "pydoc_data.topics (Python documentation prose, indented lines left out)",
        "messages": len(msgs),
        "exact": round(float(right.mean()), 4),
        "lengths": list(TUNE_LENGTHS),
        "mid_word": 0.5,
        "seed": args.seed,
        "python": sys.version.split()[0],
        "command": "scripts/calibrate.py " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    out = args.out or args.model / CALIBRATION
    out.write_text(cal.to_json(), encoding="utf-8")
    print(
        f"{len(msgs)} tuning messages, {right.mean():.2%} exact, "
        f"{time.perf_counter() - t0:.0f} s: wrote {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
