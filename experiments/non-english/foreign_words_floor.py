"""Round 7 (2026-12-01): can a reading's words tell random letters from another language where
its letter chain cannot, from 12 letters? (issue 22 point 4; QA: 51 of 200 random 16-letter
strings still answered in another language at more than 0.5.)

    python experiments/non-english/foreign_words_floor.py [--per 60] [--quantile 0.01]

Text as in round 4 (foreign_confidence.py: gen-data's word walk in the 26 languages besides
English, both styles, seeds 3000 + n; random letters, half with spaces), lengths 12-32. For the
answers in another language (``decode`` "ngram") per length bin: the right readings' words score
per letter in their language (``langid.word_score``, log10) at the given quantile (the floor),
and how many random strings answered in another language pass the shipped chain floor, the
words floor, and both. A words floor is worth shipping where it stops most random strings that
pass the chain floor while it costs the right readings only the quantile.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import foreign_confidence as fc  # noqa: E402

import caesar_rnn  # noqa: E402
from caesar_rnn.cipher import count_letters  # noqa: E402
from caesar_rnn.classical.langid import word_score  # noqa: E402
from caesar_rnn.data.generate import _trim_letters  # noqa: E402
from caesar_rnn.decoding.language import FOREIGN_EDGES, FOREIGN_FLOOR, LONG  # noqa: E402


def words_per_letter(d: caesar_rnn.Decryption) -> float:
    head = _trim_letters(d.plaintext, LONG)
    return word_score(head, str(d.language)) / max(count_letters(head), 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per", type=int, default=60)
    ap.add_argument("--quantile", type=float, nargs="+", default=[0.002, 0.005, 0.01, 0.02, 0.05])
    ap.add_argument("--lengths", type=int, nargs="+", default=[12, 16, 20, 24, 32])
    args = ap.parse_args()
    fc.LENGTHS = tuple(args.lengths)
    model = caesar_rnn.load_model()
    cipher, plain, n_of = fc.messages(args.per)
    rnd, rnd_n = fc.gibberish(args.per)
    got, rnd_got = model.decrypt(cipher), model.decrypt(rnd)
    fitted = {}
    bins = np.searchsorted(FOREIGN_EDGES, n_of, side="right") - 1
    rbins = np.searchsorted(FOREIGN_EDGES, rnd_n, side="right") - 1
    for b in sorted(set(bins.tolist())):
        rows = [i for i in np.flatnonzero(bins == b) if got[i].decode == "ngram"]
        right = [i for i in rows if got[i].plaintext == plain[i]]
        w_right = np.array([words_per_letter(got[i]) for i in right])
        r_rows = [i for i in np.flatnonzero(rbins == b) if rnd_got[i].decode == "ngram"]
        chain = np.array([fc.per_letter(rnd_got[i]) >= FOREIGN_FLOOR[b] for i in r_rows])
        w_rnd = np.array([words_per_letter(rnd_got[i]) for i in r_rows])
        chain_right = np.array([fc.per_letter(got[i]) >= FOREIGN_FLOOR[b] for i in right])
        print(
            f"{FOREIGN_EDGES[b]:>3}+ letters: {len(right)} right foreign readings "
            f"({chain_right.mean():.3f} pass the chain floor), {len(r_rows)} random answered "
            f"foreign, {int(chain.sum())} pass the chain floor"
        )
        for q in args.quantile:
            floor = float(np.quantile(w_right, q))
            fitted.setdefault(q, []).append(round(floor, 2))
            both = chain & (w_rnd >= floor)
            lost = float(np.mean(chain_right & (w_right < floor)))
            print(
                f"    words floor at the right readings' {q:.1%}: {floor:.3f}; random passing "
                f"words {int((w_rnd >= floor).sum())}, both {int(both.sum())}; right readings "
                f"passing the chain floor but not the words': {lost:.3f}"
            )
    for q, floors in fitted.items():
        print(f"WORDS_FLOOR at {q:.1%} (from {FOREIGN_EDGES[min(bins)]} letters): {tuple(floors)}")


if __name__ == "__main__":
    main()
