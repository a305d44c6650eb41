"""How much can decrypt's answers in another language be trusted, and what does random text
score? (round 4, 2026-12-01; issue 22 point 4 and the QA find: `decrypt axgnifymfyzcettoeeaa`
answered "reads as Hungarian" at confidence 1.0.)

    python experiments/non-english/foreign_confidence.py [--per 60]

Text: gen-data's word walk in each of the 26 languages besides English (seeds 3000 + n, apart
from the 1000 + n / 2000 + n sets of rounds 1-3), both styles, ``--per`` messages per language,
style and length; and random letters (and random letters with spaces) of each length. Each goes
through the shipped decrypt (model, then the language step). For the answers in another language
(``decode`` "ngram") it prints, per length bin of ``language.FOREIGN_EDGES``: how many, how many
are right, how many of those reported >= 0.99 were right (the ceiling the text bears out), the
1st percentile of the right readings' chain score per letter (log10, in their language: the
floor), how many random messages were answered in another language above that floor, and
their median confidence as shipped. The last two lines are ``language.FOREIGN_CEILING`` and
``FOREIGN_FLOOR`` (ceilings at most 0.999), fitted on the shares before any cap.
"""

from __future__ import annotations

import argparse
import random

import numpy as np

import caesar_rnn
from caesar_rnn.cipher import count_letters, encrypt
from caesar_rnn.classical.multilang import language_scores
from caesar_rnn.data.generate import _trim_letters, generate
from caesar_rnn.decoding import language
from caesar_rnn.decoding.language import FOREIGN_EDGES, LONG
from caesar_rnn.languages import CODES, ENGLISH

LENGTHS = (4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64)


def per_letter(d: caesar_rnn.Decryption) -> float:
    head = _trim_letters(d.ciphertext, LONG)
    s = language_scores([head], [str(d.language)])[0, 0, int(d.shift or 0)]
    return float(s) / max(count_letters(head), 1)


def messages(per: int) -> tuple[list[str], list[str], list[int]]:
    cipher, plain, n_of = [], [], []
    for n in LENGTHS:
        for code in CODES:
            if code == ENGLISH:
                continue
            for style in ("letters", "natural"):
                for r in generate(per, n, n, None, style, [], 3000 + n, 0.0, [code]):
                    cipher.append(str(r["ciphertext"]))
                    plain.append(str(r["plaintext"]))
                    n_of.append(n)
    return cipher, plain, n_of


def gibberish(per: int) -> tuple[list[str], list[int]]:
    rng = random.Random(0)
    out, n_of = [], []
    for n in LENGTHS:
        for k in range(per * 4):
            letters = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))
            if k % 2:  # with spaces, like words
                cut = sorted(rng.sample(range(1, n), min(n - 1, n // 5)))
                letters = " ".join(letters[a:b] for a, b in zip([0, *cut], [*cut, n], strict=True))
            out.append(encrypt(letters, 0))
            n_of.append(n)
    return out, n_of


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per", type=int, default=60)
    args = ap.parse_args()
    model = caesar_rnn.load_model()
    cipher, plain, n_of = messages(args.per)
    rnd, rnd_n = gibberish(args.per)
    capped = model.decrypt(rnd)  # as shipped
    trust = language._foreign_trust
    language._foreign_trust = lambda out, todo, heads: out  # the shares themselves, to fit on
    got = model.decrypt(cipher)
    rnd_got = model.decrypt(rnd)
    language._foreign_trust = trust
    bins = np.searchsorted(FOREIGN_EDGES, n_of, side="right") - 1
    rbins = np.searchsorted(FOREIGN_EDGES, rnd_n, side="right") - 1
    ceilings, floors = [], []
    print(
        "bin | foreign answers | right | right of those >= 0.99 | floor (1 % of right) | "
        "random answered foreign | of them above the floor | median confidence, shipped"
    )
    for b, lo in enumerate(FOREIGN_EDGES):
        rows = [i for i in np.flatnonzero(bins == b) if got[i].decode == "ngram"]
        right = [i for i in rows if got[i].plaintext == plain[i]]
        sure = [i for i in rows if got[i].confidence >= 0.99]
        ok_sure = sum(got[i].plaintext == plain[i] for i in sure)
        floor = np.quantile([per_letter(got[i]) for i in right], 0.01) if right else float("nan")
        r_rows = [i for i in np.flatnonzero(rbins == b) if rnd_got[i].decode == "ngram"]
        above = sum(per_letter(rnd_got[i]) >= floor for i in r_rows)
        conf = np.median([capped[i].confidence for i in r_rows]) if r_rows else float("nan")
        ceilings.append(round(ok_sure / max(len(sure), 1), 3))
        floors.append(round(float(floor), 2))
        print(
            f"{lo:>3}+ | {len(rows):5d} | {len(right) / max(len(rows), 1):.3f} | "
            f"{ok_sure}/{len(sure)} = {ok_sure / max(len(sure), 1):.3f} | {floor:.3f} | "
            f"{len(r_rows)}/{int((rbins == b).sum())} | {above} | {conf:.3f}"
        )
    print(f"FOREIGN_CEILING = {tuple(min(c, 0.999) for c in ceilings)}")
    print(f"FOREIGN_FLOOR = {tuple(floors)}")


if __name__ == "__main__":
    main()
