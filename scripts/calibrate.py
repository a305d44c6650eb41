"""Fit a model's calibration table (caesar_rnn/decoding/calibration.py) on held-out tuning prose.

The tuning text (scripts/tuning_text.py) is English the model never trained on and none of the
evaluation texts (the novels in ../shared/corpora, /usr/share/common-licenses): Python's
documentation topics, the standard library's docstrings and the manual pages. Messages are cut
from each source as ``caesar-rnn eval`` cuts them (both styles, half at word starts, half inside
words, random keys), decoded with the model's key decode, and

- per style and length bin, a logistic map from the answer's features (``FEATURES``) to "the
  plaintext is exactly right";
- per style and length bin, a ceiling: what the tuning text bears out among the answers the map
  puts at 0.99 or more (the rule of succession), so that no bin claims more certainty than it saw;
- per length bin, the English verdict (caesar_rnn/decoding/verdict.py): the words floor, the
  ``--quantile`` of the tuning messages' words score per letter; the quadgram band, from the
  ``--low-quantile`` of their quadgram score (under it: not English without segmenting) to the
  ``--high-quantile`` of random a-z strings' (at or above it: English without segmenting).

Any model folder with a config.json and weights that ``load_backend`` reads can be calibrated; the
table is written to MODEL/calibration.json (or --out). Refit it when the model, the quadgram
tables or the words table (classical/words.safetensors) change.

    .venv/bin/python scripts/calibrate.py                       # the shipped model, in place
    .venv/bin/python scripts/calibrate.py --model caesar-rnn-model
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tuning_text import SOURCES, tuning_words  # noqa: E402

from caesar_rnn.cipher import encrypt, is_letter  # noqa: E402
from caesar_rnn.data.corpus import TextCorpus  # noqa: E402
from caesar_rnn.decoding.backends import Backend, load_backend  # noqa: E402
from caesar_rnn.decoding.calibration import (  # noqa: E402
    CALIBRATION,
    EDGES,
    STYLES,
    Calibration,
    Evidence,
    ceiling,
    english_scores,
    fit_logistic,
    length_bin,
)
from caesar_rnn.decoding.scores import key_evidence  # noqa: E402
from caesar_rnn.decoding.verdict import Readings, Verdict  # noqa: E402
from caesar_rnn.evaluation.evaluate import Message, sample_messages  # noqa: E402
from caesar_rnn.store import shipped_model_dir  # noqa: E402

#: Lengths the tuning messages are cut at: every bin of EDGES, more where answers are uncertain.
TUNE_LENGTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18, 20, 24, 28, 32, 40, 48, 64, 96)
#: A bin without tuning messages gets thresholds nothing crosses.
NEVER = 1e9


def corpus_from_text(text: str) -> TextCorpus:
    tokens = text.split()
    cum = [0]
    for t in tokens:
        cum.append(cum[-1] + sum(map(is_letter, t)))
    return TextCorpus(tokens, cum)


def random_messages(lengths: tuple[int, ...], per_length: int, seed: int) -> list[Message]:
    """Random a-z strings: letters only, and cut into random 'words' (about one cut per five
    letters), with random keys."""
    rng = random.Random(seed)
    out = []
    for style in STYLES:
        for n in lengths:
            for _ in range(per_length):
                s = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))
                if style == "natural":
                    cuts = sorted(rng.sample(range(1, n), min(n - 1, max(0, n // 5))))
                    s = " ".join(s[a:b] for a, b in zip([0, *cuts], [*cuts, n], strict=True))
                k = rng.randrange(26)
                out.append(Message(style, n, s, encrypt(s, k), k))
    return out


def measure(messages: list[Message], backend: Backend) -> tuple[Evidence, np.ndarray]:
    """The key decode's evidence for each message, and whether its answer was exactly right."""
    ev = key_evidence([m.ciphertext for m in messages], backend)
    right = ev.scores.argmax(axis=1) == np.array([m.shift for m in messages])
    return ev, right


def _quantiles(values: np.ndarray, bins: np.ndarray, q: float, empty: float) -> list[float]:
    return [float(np.quantile(values[bins == b], q)) if (bins == b).any() else empty
            for b in range(len(EDGES))]  # fmt: skip


def fit_verdict(
    ev: Evidence, readings: Readings, random_texts: list[str], args: argparse.Namespace
) -> Verdict:
    """The English verdict's thresholds per length bin (see the module docstring)."""
    quad = ev.quadgrams()
    best, q_best, m_best = quad.max(axis=1), quad.argmax(axis=1), ev.scores.argmax(axis=1)
    words = np.array([max(readings.words(i, int(m_best[i])), readings.words(i, int(q_best[i])))
                      for i in range(len(best))])  # fmt: skip
    bins = length_bin(ev.letters)
    low = _quantiles(best, bins, args.low_quantile, NEVER)
    rq = english_scores(random_texts).max(axis=1)
    rbins = length_bin(np.array([sum(map(is_letter, t)) for t in random_texts]))
    high = _quantiles(rq, rbins, args.high_quantile, -NEVER)
    for b in range(len(EDGES)):
        if high[b] < low[b]:  # separated: one cut between them, nothing to segment
            low[b] = high[b] = (low[b] + high[b]) / 2
    return Verdict("english", low, high, _quantiles(words, bins, args.quantile, -NEVER))


def fit(ev: Evidence, right: np.ndarray, readings: Readings, verdict: Verdict,
        args: argparse.Namespace) -> Calibration:  # fmt: skip
    """Logistic maps and ceilings per style and length bin."""
    ones = {s: [1.0] * len(EDGES) for s in STYLES}
    cal = Calibration({}, verdict, ones, args.cap, args.words_below)
    x = cal.design(ev, readings)
    bins = length_bin(ev.letters)
    for si, style in enumerate(STYLES):
        cal.maps[style] = []
        for b in range(len(EDGES)):
            sel = (bins == b) & (ev.natural == bool(si))
            cal.maps[style].append(fit_logistic(x[sel], right[sel], args.ridge))
    # What the maps claim at >= 0.99 is held to what the tuning text bears out there.
    conf, _ = cal.judge(ev, readings.messages)
    cal.ceiling = {s: [] for s in STYLES}
    for si, style in enumerate(STYLES):
        for b in range(len(EDGES)):
            sel = (bins == b) & (ev.natural == bool(si))
            cal.ceiling[style].append(ceiling(conf[sel], right[sel]))
    return cal


def tuning_messages(args: argparse.Namespace) -> list[Message]:
    msgs = []
    for words in tuning_words(args.sources).values():
        corpus = corpus_from_text(" ".join(words))
        msgs += sample_messages(corpus, args.per_length, TUNE_LENGTHS, STYLES, args.seed, 0.5)
    return msgs


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=shipped_model_dir())
    ap.add_argument("--sources", nargs="+", default=list(SOURCES), choices=SOURCES)
    ap.add_argument("--per-length", type=int, default=300, help="per source, length and style")
    ap.add_argument("--quantile", type=float, default=0.005, help="words floor quantile")
    ap.add_argument("--low-quantile", type=float, default=0.0005, help="of English quadgrams")
    ap.add_argument("--high-quantile", type=float, default=0.99, help="of random quadgrams")
    ap.add_argument("--random-per-length", type=int, default=2000)
    ap.add_argument("--cap", type=float, default=0.5, help="most confidence when not English")
    ap.add_argument("--words-below", type=int, default=12, help="letters; see FEATURES")
    ap.add_argument("--ridge", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, help=f"default: MODEL/{CALIBRATION}")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    t0 = time.perf_counter()
    msgs = tuning_messages(args)
    ev, right = measure(msgs, load_backend(args.model))
    readings = Readings([m.ciphertext for m in msgs], ev.letters)
    rand = random_messages(TUNE_LENGTHS, args.random_per_length, args.seed + 1)
    verdict = fit_verdict(ev, readings, [m.ciphertext for m in rand], args)
    cal = fit(ev, right, readings, verdict, args)
    cal.source = {
        "text": "scripts/tuning_text.py: " + ", ".join(args.sources),
        "messages": len(msgs),
        "exact": round(float(right.mean()), 4),
        "lengths": list(TUNE_LENGTHS),
        "mid_word": 0.5,
        "seed": args.seed,
        "python": sys.version.split()[0],
        "command": "scripts/calibrate.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "weights_sha256": json.loads((args.model / "config.json").read_text())["weights_sha256"],
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
