"""Tune the cascade's fast stage (caesar_rnn/decoding/cascade.py) on text outside every
evaluation set, and write its ``cascade.json``.

The tuning text is the prose of Python's own documentation (``pydoc_data.topics``), as for
scripts/calibrate.py. Messages are cut from it at many lengths (both styles, half at word starts,
half inside words, random keys). For each: the default decode's answer (the paired model alone,
as without the cascade), and the fast stage's key from the first ``--prefix`` tokens with its
log-odds and the quadgram score of the message under it. Over a grid of the gate's thresholds
(fewest letters, log-odds, quadgram floor and its rise for short messages), the gate kept is
the one that accepts the most letters of tuning text (what the default model is spared reading)
while accepting no wrong answer even one grid step looser in all three (a margin against tuning
luck).

    .venv/bin/python scripts/tune_cascade.py                  # models/fast for models/default
    .venv/bin/python scripts/tune_cascade.py --fast runs/fast --dry-run
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
import time
from pathlib import Path

import numpy as np

from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.cascade import CASCADE, CascadeSpec, Gate, fast_model_dir
from caesar_rnn.decoding.scores import log_odds, prefix_scores, quadgram_scores, shift_scores
from caesar_rnn.evaluation.evaluate import sample_messages
from caesar_rnn.store import WEIGHTS, shipped_model_dir

sys.path.insert(0, str(Path(__file__).parent))
from calibrate import tuning_corpus  # noqa: E402

LENGTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 24, 28, 32, 40, 48, 64)
MIN_LETTERS = (8, 10, 12, 14, 16)
LOGODDS = (0.0, 2.0, 5.0, 10.0, 20.0, 40.0)
QUADGRAM = tuple(float(x) for x in np.round(np.arange(-8.0, -4.49, 0.25), 2))
SHORT = tuple(float(x) for x in range(0, 25, 2))


def search(
    n: np.ndarray, lo: np.ndarray, q: np.ndarray, wrong: np.ndarray, prefix: int
) -> tuple[Gate, float]:
    """The gate accepting the most letters (what the default model is spared reading) with no
    wrong answer even one grid step looser in all three scores."""
    best, share = Gate(prefix, max(MIN_LETTERS), LOGODDS[-1], QUADGRAM[-1], SHORT[-1]), 0.0
    for m, i, j, k in itertools.product(
        MIN_LETTERS, range(1, len(LOGODDS)), range(1, len(QUADGRAM)), range(1, len(SHORT))
    ):
        looser = Gate(prefix, m, LOGODDS[i - 1], QUADGRAM[j - 1], SHORT[k - 1])
        if (_accepts(looser, n, lo, q) & wrong).any():
            continue
        gate = Gate(prefix, m, LOGODDS[i], QUADGRAM[j], SHORT[k])
        got = float((n * _accepts(gate, n, lo, q)).sum() / n.sum())
        if got > share:
            best, share = gate, got
    return best, share


def _accepts(gate: Gate, n: np.ndarray, lo: np.ndarray, q: np.ndarray) -> np.ndarray:
    return (n >= gate.min_letters) & (lo >= gate.min_logodds) & (q >= gate.floor(n))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=shipped_model_dir())
    ap.add_argument("--fast", type=Path, default=fast_model_dir())
    ap.add_argument("--prefix", type=int, default=24, help="tokens the fast stage reads")
    ap.add_argument("--per-length", type=int, default=400, help="messages per length and style")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--dry-run", action="store_true", help="print, write nothing")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    msgs = sample_messages(tuning_corpus(), args.per_length, LENGTHS, ("letters", "natural"),
                           args.seed, 0.5)  # fmt: skip
    ciphers = [m.ciphertext for m in msgs]
    truth = np.array([m.shift for m in msgs])
    n = np.array([m.n for m in msgs])
    main_right = shift_scores(ciphers, load_backend(args.model, cascade=False)).argmax(1) == truth
    fast = prefix_scores(ciphers, load_backend(args.fast, cascade=False), args.prefix)
    lo, q = log_odds(fast), quadgram_scores(ciphers, fast.argmax(axis=1))
    wrong = fast.argmax(axis=1) != truth
    gate, share = search(n, lo, np.nan_to_num(q, nan=-99.0), wrong, args.prefix)
    accept = _accepts(gate, n, lo, q)
    print(f"{len(msgs)} tuning messages, {time.perf_counter() - t0:.0f} s; default decode "
          f"{main_right.mean():.2%} exact; fast stage {1 - wrong.mean():.2%}", file=sys.stderr)  # fmt: skip
    print(f"gate: {gate}")
    print("| letters | accepted | of them wrong (fast) | of them wrong (default decode) |")
    print("|--:|--:|--:|--:|")
    for length in LENGTHS:
        sel, a = n == length, accept & (n == length)
        print(f"| {length} | {a.sum() / sel.sum():.1%} | {(a & wrong).sum()} | "
              f"{(a & ~main_right).sum()} |")  # fmt: skip
    print(
        f"| all ({share:.1%} of the letters) | {accept.mean():.1%} | {(accept & wrong).sum()} | {(accept & ~main_right).sum()} |"
    )
    if args.dry_run:
        return 0
    source = {
        "text": "pydoc_data.topics (Python documentation prose, indented lines left out)",
        "messages": len(msgs),
        "accepted": round(float(accept.mean()), 4),
        "accepted_letters": round(share, 4),
        "command": "scripts/tune_cascade.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    sha = hashlib.sha256((args.model / WEIGHTS).read_bytes()).hexdigest()
    (args.fast / CASCADE).write_text(CascadeSpec(sha, gate, source).to_json(), encoding="utf-8")
    print(f"wrote {args.fast / CASCADE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
