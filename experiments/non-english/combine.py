"""Naming the language, round 2 (issue 22): a calibrated combination of the evidence.

    python experiments/non-english/combine.py features K          # cache the features (top K pairs)
    python experiments/non-english/combine.py fit K [OPTIONS]     # fit on gen, report gen2 + UD

For every message of ``langid.MIN_LETTERS`` letters or more, the ``K`` best (language, shift)
pairs of the shipped chain + accents + English prior are described by: the chain score, the
accents, English or not, and the word evidence split in two, the log10 frequencies of the listed
words and the number of unlisted words (with spaces) or letters (without). A conditional logit
(softmax over the K pairs, the true pair the target) is fitted on ``gen`` (seed 1000+n, all 27
languages, English weighted 10x) and checked on ``gen2`` (seed 2000+n) and, held out, on UD dev +
the novels (``ud``), drawn as ``langid.py`` draws them (its cache, /tmp/langid-cache). Messages
whose best pair leads the next by more than ``langid.MARGIN`` keep the chain's pair, as shipped.
"""

from __future__ import annotations

import re
import sys
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import langid as X  # noqa: E402  (experiments/non-english/langid.py)

from caesar_rnn.cipher import decrypt, letters_of  # noqa: E402
from caesar_rnn.classical import langid  # noqa: E402
from caesar_rnn.languages import CODES, fold  # noqa: E402

CACHE = X.CACHE
WORD = re.compile(r"[^\W\d_]+")
NAMES = ("chain", "accents", "english", "known_sp", "unknown_sp", "known_ns", "unknown_ns")


def split_parts(letters: str, words: dict[int, float], unknown: float) -> tuple[float, int]:
    """(sum of log10 P of the listed words, unlisted letters) of the best split (``unknown`` a
    letter), as ``langid._split_scores`` finds it."""
    n = len(letters)
    best, back = [0.0] * (n + 1), [0] * (n + 1)
    for i in range(1, n + 1):
        v, arg = best[i - 1] + unknown, i - 1
        for j in range(max(0, i - langid.LONGEST), i - 1):
            p = words.get(zlib.crc32(letters[j:i].encode()))
            if p is not None and best[j] + p > v:
                v, arg = best[j] + p, j
        best[i], back[i] = v, arg
    known, unk, i = 0.0, 0, n
    while i > 0:
        j = back[i]
        if j == i - 1 and best[i] == best[j] + unknown:
            unk += 1
        else:
            known += best[i] - best[j]
        i = j
    return known, unk


def word_parts(plain: str, code: str) -> tuple[bool, float, int]:
    words = langid._words(code)
    if any(ch.isspace() for ch in plain.strip()):
        known, unk = 0.0, 0
        for w in WORD.findall(plain):
            p = words.get(langid._key(fold(w).lower()))
            if p is None:
                unk += 1
            else:
                known += p
        return True, known, unk
    k, u = split_parts(letters_of(fold(plain)).lower(), words, langid.UNKNOWN_LETTER)
    return False, k, u


def features(kind: str, k: int) -> dict[str, np.ndarray]:
    path = CACHE / f"{kind}-feat{k}.npz"
    if path.exists():
        z = np.load(path)
        return {n: z[n] for n in z.files}
    d = X.load(kind, [])
    msgs = list(d["cipher"])
    s = d["s"].astype(float)
    s[0] += 3.0
    acc = langid.accent_scores(msgs, list(CODES))
    s += acc[:, :, None]
    flat = s.transpose(1, 0, 2).reshape(len(msgs), -1)
    b_n = len(msgs)
    f = np.zeros((b_n, k, len(NAMES)))
    cand = np.zeros((b_n, k), np.int64)
    two = np.partition(flat, -2, axis=1)
    lead = two[:, -1] - two[:, -2]
    for b, text in enumerate(msgs):
        c = np.argsort(-flat[b])[:k]
        cand[b] = c
        for j, cc in enumerate(c.tolist()):
            li, sh = cc // 26, cc % 26
            sp, kn, un = word_parts(decrypt(text, sh), CODES[li])
            f[b, j, :3] = (flat[b, cc] - acc[li, b] - (3.0 if li == 0 else 0), acc[li, b], li == 0)
            f[b, j, 3:] = (kn, un, 0, 0) if sp else (0, 0, kn, un)
    nl = np.array([len(letters_of(t)) for t in msgs])
    out = {"f": f, "cand": cand, "lead": lead, "nl": nl}
    np.savez(path, **out)
    return out


def shipped_weights() -> np.ndarray:
    w = langid.WEIGHT
    return np.array([1.0, 1.0, 3.0, w, w * langid.UNKNOWN_WORD, w, w * langid.UNKNOWN_LETTER])


def decide(d: dict, f: dict, w: np.ndarray, margin: float = langid.MARGIN) -> np.ndarray:
    """(B,) the language named with weights ``w`` (the chain's best pair where it leads by more
    than ``margin`` or the message is short)."""
    v = f["f"] @ w
    pick = f["cand"][np.arange(len(v)), v.argmax(axis=1)]
    chain = f["cand"][:, 0]
    keep = (f["lead"] > margin) | (f["nl"] < langid.MIN_LETTERS)
    return np.where(keep, chain, pick) // 26


def fit(d: dict, f: dict, fixed: dict[int, float], en_weight: float = 10.0) -> np.ndarray:
    import torch

    truth = d["lang"] * 26 + d["shift"]
    hit = f["cand"] == truth[:, None]
    ok = hit.any(axis=1) & (f["nl"] >= langid.MIN_LETTERS) & (f["lead"] <= langid.MARGIN)
    x = torch.tensor(f["f"][ok], dtype=torch.float64)
    y = torch.tensor(hit[ok].argmax(axis=1))
    sw = torch.tensor(np.where(d["lang"][ok] == 0, en_weight, 1.0))
    w0 = shipped_weights()
    w = torch.tensor(w0, requires_grad=True)
    mask = torch.ones(len(w0), dtype=torch.float64)
    for i in fixed:
        mask[i] = 0
    opt = torch.optim.LBFGS([w], max_iter=200, line_search_fn="strong_wolfe")

    def closure():  # type: ignore[no-untyped-def]
        opt.zero_grad()
        ww = w * mask + torch.tensor(w0) * (1 - mask)
        logit = x @ ww
        loss = (torch.nn.functional.cross_entropy(logit, y, reduction="none") * sw).mean()
        loss.backward()
        return loss

    opt.step(closure)
    ww = (w * mask + torch.tensor(w0) * (1 - mask)).detach().numpy()
    return ww


def report(label: str, w: np.ndarray, k: int, margin: float = langid.MARGIN) -> None:
    for kind in ("gen", "gen2", "ud"):
        d, f = X.load(kind, []), features(kind, k)
        pred = decide(d, f, w, margin)
        ud = [c for c in X.UD]
        print(f"{label} {kind} UD-12: {X.pooled(d, pred, ud)} | en: {X.pooled(d, pred, ['en'])}"
              + ("" if kind == "ud" else f" | all 26: {X.pooled(d, pred, [c for c in CODES if c != 'en'])}"),
              flush=True)  # fmt: skip


def main(argv: list[str]) -> None:
    k = int(argv[1])
    if argv[0] == "features":
        for kind in ("gen", "gen2", "ud"):
            features(kind, k)
        return
    report("shipped", shipped_weights(), k)
    d, f = X.load("gen", []), features("gen", k)
    for label, fixed in (("free", {2}), ("free+en", set())):
        w = fit(d, f, fixed)
        w = w / w[0]
        print(label, " ".join(f"{n}={v:.3g}" for n, v in zip(NAMES, w, strict=True)))
        report(label, w, k)
        report(label + " margin=inf", w, k, float("inf"))


if __name__ == "__main__":
    main(sys.argv[1:])
