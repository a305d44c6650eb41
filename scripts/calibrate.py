"""Fit a model's calibration table (caesar_rnn/decoding/calibration.py) on held-out tuning prose
(``caesar_rnn.decoding.fitting``, which ``train`` also runs on the model it saves).

The tuning text (caesar_rnn/decoding/tuning_text.py) is English the model never trained on
and none of the evaluation texts (the novels in ../shared/corpora, /usr/share/common-licenses): Python's
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
import sys
import time
from pathlib import Path

from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.decoding.calibration import CALIBRATION
from caesar_rnn.decoding.fitting import (  # noqa: F401  (scripts and experiments import these)
    TUNE_LENGTHS,
    FitOptions,
    calibrate_model,
    corpus_from_text,
    measure,
    random_messages,
)
from caesar_rnn.decoding.tuning_text import SOURCES, tuning_words
from caesar_rnn.store import shipped_model_dir


def tuning_corpus() -> TextCorpus:
    """Every source's tuning words as one corpus (scripts/tune_cascade.py)."""
    return corpus_from_text(" ".join(w for ws in tuning_words().values() for w in ws))


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
    command = "scripts/calibrate.py " + " ".join(argv if argv is not None else sys.argv[1:])
    opts = FitOptions(
        tuple(args.sources), args.per_length, args.quantile, args.low_quantile,
        args.high_quantile, args.random_per_length, args.cap, args.words_below, args.ridge,
        args.seed, {"command": command},
    )  # fmt: skip
    cal, out = calibrate_model(args.model, opts, args.out)
    print(
        f"{cal.source['messages']} tuning messages, {cal.source['exact']:.2%} exact, "
        f"{time.perf_counter() - t0:.0f} s: wrote {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
