"""Fitting a model's calibration table (``caesar_rnn.decoding.calibration``) on tuning prose.

``train`` runs it on the model it has just saved, and scripts/calibrate.py on any model folder.
The tuning text (``caesar_rnn.decoding.tuning_text``) is English the model never trained on and
none of the evaluation texts. Messages are cut from each source as ``caesar-rnn eval`` cuts them
(both styles, half at word starts, half inside words, random keys), decoded with the model's key
decode, and

- per style and length bin, a logistic map from the answer's features (``FEATURES``) to "the
  plaintext is exactly right";
- per style and length bin, a ceiling: what the tuning text bears out among the answers the map
  puts at 0.99 or more (the rule of succession), so that no bin claims more certainty than it saw;
- per length bin, the English verdict (``caesar_rnn.decoding.verdict``): the words floor, the
  ``quantile`` of the tuning messages' words score per letter; the quadgram band, from the
  ``low_quantile`` of their quadgram score (under it: not English without segmenting) to the
  ``high_quantile`` of random a-z strings' (at or above it: English without segmenting).

The table records the weights it was fitted for (``source["weights_sha256"]``): a model folder
refuses a table fitted for other weights.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from caesar_rnn.cipher import encrypt, is_letter
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.decoding.backends import Backend, load_backend
from caesar_rnn.decoding.calibration import (
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
from caesar_rnn.decoding.scores import key_evidence
from caesar_rnn.decoding.tuning_text import SOURCES, tuning_words
from caesar_rnn.decoding.verdict import Readings, Verdict
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.evaluation.evaluate import Message, sample_messages
from caesar_rnn.files import atomic_write_text

#: Lengths the tuning messages are cut at: every bin of EDGES, more where answers are uncertain.
TUNE_LENGTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18, 20, 24, 28, 32, 40, 48, 64, 96)
#: A bin without tuning messages gets thresholds nothing crosses.
NEVER = 1e9


@dataclass(frozen=True)
class FitOptions:
    """How much tuning text, and the fit's quantiles (scripts/calibrate.py's options)."""

    sources: tuple[str, ...] = SOURCES
    per_length: int = 300  # messages per source, length and style
    quantile: float = 0.005  # the words floor's quantile
    low_quantile: float = 0.0005  # of English quadgram scores
    high_quantile: float = 0.99  # of random strings' quadgram scores
    random_per_length: int = 2000
    cap: float = 0.5  # the most confidence when not English
    words_below: int = 12  # letters; see FEATURES
    ridge: float = 1.0
    seed: int = 1
    extra: dict[str, str] = field(default_factory=dict)  # recorded in the table's source


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
    ev: Evidence, readings: Readings, random_texts: list[str], opts: FitOptions
) -> Verdict:
    """The English verdict's thresholds per length bin (see the module docstring)."""
    quad = ev.quadgrams()
    best, q_best, m_best = quad.max(axis=1), quad.argmax(axis=1), ev.scores.argmax(axis=1)
    readings.fill([*enumerate(m_best.tolist()), *enumerate(q_best.tolist())])  # in one batch
    words = np.array([max(readings.words(i, int(m_best[i])), readings.words(i, int(q_best[i])))
                      for i in range(len(best))])  # fmt: skip
    bins = length_bin(ev.letters)
    low = _quantiles(best, bins, opts.low_quantile, NEVER)
    rq = english_scores(random_texts).max(axis=1)
    rbins = length_bin(np.array([sum(map(is_letter, t)) for t in random_texts]))
    high = _quantiles(rq, rbins, opts.high_quantile, -NEVER)
    for b in range(len(EDGES)):
        if high[b] < low[b]:  # separated: one cut between them, nothing to segment
            low[b] = high[b] = (low[b] + high[b]) / 2
    return Verdict("english", low, high, _quantiles(words, bins, opts.quantile, -NEVER))


def fit(
    ev: Evidence, right: np.ndarray, readings: Readings, verdict: Verdict, opts: FitOptions
) -> Calibration:
    """Logistic maps and ceilings per style and length bin."""
    ones = {s: [1.0] * len(EDGES) for s in STYLES}
    cal = Calibration({}, verdict, ones, opts.cap, opts.words_below)
    x = cal.design(ev, readings)
    bins = length_bin(ev.letters)
    for si, style in enumerate(STYLES):
        cal.maps[style] = []
        for b in range(len(EDGES)):
            sel = (bins == b) & (ev.natural == bool(si))
            cal.maps[style].append(fit_logistic(x[sel], right[sel], opts.ridge))
    # What the maps claim at >= 0.99 is held to what the tuning text bears out there.
    conf, _ = cal.judge(ev, readings.messages)
    cal.ceiling = {s: [] for s in STYLES}
    for si, style in enumerate(STYLES):
        for b in range(len(EDGES)):
            sel = (bins == b) & (ev.natural == bool(si))
            cal.ceiling[style].append(ceiling(conf[sel], right[sel]))
    return cal


def tuning_messages(opts: FitOptions) -> list[Message]:
    msgs = []
    for words in tuning_words(opts.sources).values():
        corpus = corpus_from_text(" ".join(words))
        msgs += sample_messages(corpus, opts.per_length, TUNE_LENGTHS, STYLES, opts.seed, 0.5)
    return msgs


def fit_calibration(model_dir: str | Path, opts: FitOptions = FitOptions()) -> Calibration:
    """The calibration table of the model in ``model_dir``, fitted on the tuning text."""
    model_dir = Path(model_dir)
    msgs = tuning_messages(opts)
    ev, right = measure(msgs, load_backend(model_dir))
    readings = Readings([m.ciphertext for m in msgs], ev.letters)
    rand = random_messages(TUNE_LENGTHS, opts.random_per_length, opts.seed + 1)
    verdict = fit_verdict(ev, readings, [m.ciphertext for m in rand], opts)
    cal = fit(ev, right, readings, verdict, opts)
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    cal.source = {
        "text": "caesar_rnn/decoding/tuning_text.py: " + ", ".join(opts.sources),
        "messages": len(msgs),
        "exact": round(float(right.mean()), 4),
        "lengths": list(TUNE_LENGTHS),
        "mid_word": 0.5,
        "seed": opts.seed,
        "python": sys.version.split()[0],
        **opts.extra,
        "weights_sha256": config.get("weights_sha256"),
    }
    return cal


def calibrate_model(
    model_dir: str | Path, opts: FitOptions = FitOptions(), out: str | Path | None = None
) -> tuple[Calibration, Path]:
    """Fit the table and write it to ``out`` (default: MODEL/calibration.json), atomically."""
    cal = fit_calibration(model_dir, opts)
    path = Path(out) if out is not None else Path(model_dir) / CALIBRATION
    atomic_write_text(path, cal.to_json())
    return cal, path


#: How to refit a model folder's table from an installed package (no checkout needed).
REFIT = "python -m caesar_rnn.decoding.fitting"


def main(argv: list[str] | None = None) -> int:
    """``python -m caesar_rnn.decoding.fitting MODEL_DIR``: fit MODEL_DIR's table as ``train``
    does (scripts/calibrate.py in a checkout has every option)."""
    from caesar_rnn.store import resolve_model_dir, shipped_model_dir

    args = sys.argv[1:] if argv is None else argv
    usage = f"usage: {REFIT} MODEL_DIR  (a model folder, or shipped; fits MODEL_DIR/{CALIBRATION})"
    if args in (["-h"], ["--help"]):
        print(usage)
        return 0
    if len(args) != 1 or args[0].startswith("-"):
        print(usage, file=sys.stderr)
        return 2
    try:
        model_dir = resolve_model_dir(args[0])
        if model_dir.resolve() == shipped_model_dir().resolve():
            raise CaesarRNNError(
                "the shipped model's table comes with it (300 tuning messages per length): copy "
                f"the folder ({model_dir}) and refit the copy instead"
            )
        cal, path = calibrate_model(model_dir, FitOptions(per_length=100, extra={"by": REFIT}))
    except (CaesarRNNError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{cal.source['messages']:,} tuning messages: wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
