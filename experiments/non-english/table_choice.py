"""Which per-language n-gram tables to ship: quadgrams or trigrams, float16 or 8-bit, and how to
score a reading when the language is not known (summed joint n-gram log-probabilities, as the
English crack does, or a letter chain: P(first trigram) * prod P(letter | three before)).

    python experiments/non-english/table_choice.py ../shared/corpora/ud-dev ../shared/corpora/*.txt

Counts every language's tables from wordfreq (langgrams.compute_logp, ~1 min), then on 100
messages per language, length (4/8/16/32/64) and style (random keys, cut at word starts; the
letters style folded) measures: exact rate of the per-language crack given the language, and of
the (shift, language) pair picked over all languages, with the share whose language is right.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.classical.crackers import letter_indices
from caesar_rnn.classical.langgrams import compute_logp
from caesar_rnn.classical.ngrams import ngram_logp
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.evaluation.evaluate import sample_messages
from caesar_rnn.languages import CODES, fold

LENGTHS = (4, 8, 16, 32, 64)
#: Scorings tried (a first run also tried the joint sums for every table: chain was as good or
#: better in every column; README).
CHAIN = (True,)
TOP = (4096, 16384, 65536)


def quantize(t: np.ndarray, bits: int = 8, floor: float | None = None) -> np.ndarray:
    lo, hi = t.min() if floor is None else floor, t.max()
    q = np.round((np.maximum(t, lo) - lo) / (hi - lo) * (2**bits - 1))
    return lo + q * (hi - lo) / (2**bits - 1)


def variants(tables: dict[str, list[np.ndarray]]) -> dict[str, dict[str, list[np.ndarray]]]:
    f16 = {c: [x.astype(np.float16).astype(np.float64) for x in t] for c, t in tables.items()}
    q8 = {c: [*t[:3], quantize(t[3])] for c, t in f16.items()}
    out = {"q4-u8": q8}
    for k in TOP:
        out[f"q4-top{k}"] = {c: [*t[:3], top_k(t, k)] for c, t in f16.items()}
    return out


def top_k(t: list[np.ndarray], k: int) -> np.ndarray:
    """Quadgram table: the k most likely quadgrams as counted, the rest the trigram chain
    estimate P(abc) P(bcd) / P(bc)."""
    est = markov(t)
    keep = np.argsort(-t[3])[:k]
    est[keep] = t[3][keep]
    return est


def markov(t: list[np.ndarray]) -> np.ndarray:
    head = t[2].repeat(N_LETTERS)
    tail = np.tile(t[2], N_LETTERS)
    mid = np.tile(t[1], N_LETTERS).repeat(N_LETTERS)
    return head + tail - mid


def plain_codes(letters: np.ndarray, n: int) -> np.ndarray:
    """(B, 26, T-n+1) plaintext n-gram codes of each shift."""
    plain = (letters[:, None, :] - np.arange(N_LETTERS)[None, :, None]) % N_LETTERS
    m = letters.shape[1] - n + 1
    pc = np.zeros((*plain.shape[:2], m), np.int64)
    for j in range(n):
        pc = pc * N_LETTERS + plain[:, :, j : j + m]
    return pc


def scores(letters: np.ndarray, t: list[np.ndarray], chain: bool) -> np.ndarray:
    """(B, 26) scores of each shift under one language's tables."""
    order = min(len(t), letters.shape[1])
    s = t[order - 1][plain_codes(letters, order)].sum(axis=2)
    if chain and order > 1:
        prev = t[order - 2][plain_codes(letters, order - 1)]  # (B, 26, m + 1)
        s -= prev[:, :, 1:-1].sum(axis=2)
    return s


def main(ud: str, english: list[str]) -> None:
    tables = {c: compute_logp(c) for c in CODES if c != "en"}
    tables["en"] = [ngram_logp(n) for n in range(1, 5)]
    files = {p.stem: [p] for p in sorted(Path(ud).glob("*.txt"))}
    files["en"] = [Path(p) for p in english]
    out = {}
    for name, vt in variants(tables).items():
        for chain in CHAIN:
            key = f"{name}{'-chain' if chain else ''}"
            out[key] = run(files, vt, chain)
            print(key, json.dumps(summary(out[key])), flush=True)
    print(json.dumps(out))


def run(files: dict[str, list[Path]], vt: dict, chain: bool) -> dict:
    res = {}
    codes = list(vt)
    for lang, paths in files.items():
        corpus = TextCorpus.from_files(paths)
        folded = TextCorpus.from_files(paths)
        folded.tokens = [fold(t) for t in corpus.tokens]
        for style in ("letters", "natural"):
            src = folded if style == "letters" else corpus
            for n in LENGTHS:
                msgs = sample_messages(src, 100, [n], [style], seed=0)
                idx = np.stack([x[:n] for x in letter_indices([m.ciphertext for m in msgs])])
                truth = np.array([m.shift for m in msgs])
                all_s = np.stack([scores(idx, vt[c], chain) for c in codes])  # (L, B, 26)
                given = all_s[codes.index(lang)].argmax(axis=1) == truth
                flat = all_s.transpose(1, 0, 2).reshape(len(msgs), -1).argmax(axis=1)
                lang_ok = np.array(codes)[flat // N_LETTERS] == lang
                shift_ok = flat % N_LETTERS == truth
                res[f"{lang}/{style}/{n}"] = [given.mean(), shift_ok.mean(), lang_ok.mean()]
    return res


def summary(res: dict) -> dict:
    out = {}
    for n in LENGTHS:
        cells = [v for k, v in res.items() if k.endswith(f"/{n}")]
        out[n] = [round(100 * float(np.mean([c[i] for c in cells])), 1) for i in range(3)]
    return out


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
