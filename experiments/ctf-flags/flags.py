"""How do decrypt's decodes and the classical crackers do on CTF-style flags (issue: answers a
user can trust; the QA round of 2026-12-01 found `decrypt 'synt{e0g13_1f_a0g_rapelcg10a}'`
answered unchanged)?

    python experiments/ctf-flags/flags.py [--n 400] [--seed 0] [--words FILE]

Flags are made here: 2-5 words drawn from a word list (default: the words of 4+ letters of the
project's own tuning prose, experiments/words-solver/tuning-prose/, none of them evaluation
text), each written in leetspeak with probability 1/2 (a->4, e->3, i->1, o->0, s->5, t->7, each
letter with probability 1/2), joined by "_", wrapped in a prefix (flag, picoCTF, HTB, CTF, THM,
ctf, FLAG) and braces, enciphered under a random key. Prints exact-message accuracy of each
solver, and the same for a plain-English control set cut from the same words.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

import caesar_rnn
from caesar_rnn.cipher import encrypt

HERE = Path(__file__).resolve().parent
PROSE = HERE.parent / "words-solver" / "tuning-prose"
PREFIXES = ("flag", "picoCTF", "HTB", "CTF", "THM", "ctf", "FLAG")
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}


def vocabulary(path: Path | None) -> list[str]:
    files = [path] if path else sorted(PROSE.glob("*.txt"))
    text = " ".join(f.read_text() for f in files).lower()
    return sorted(set(re.findall(r"\b[a-z]{4,}\b", text)))


#: Short words that flags are full of ("r0t_13_1s_fun"), for the heavy set.
SHORT = ("is", "not", "so", "the", "a", "to", "of", "in", "it", "fun", "my", "we", "no", "on")


def leet(word: str, rng: random.Random, p: float) -> str:
    if rng.random() >= p:
        return word
    return "".join(LEET[c] if c in LEET and rng.random() < 0.5 else c for c in word)


def flags(words: list[str], n: int, rng: random.Random, heavy: bool = False) -> list[str]:
    out = []
    p = 0.9 if heavy else 0.5
    for _ in range(n):
        pick = [
            rng.choice(SHORT) if heavy and rng.random() < 0.4 else rng.choice(words)
            for _ in range(rng.randint(2, 5))
        ]
        if heavy and rng.random() < 0.3:
            pick.insert(rng.randrange(len(pick) + 1), str(rng.randint(1, 99)))
        body = "_".join(leet(w, rng, p) for w in pick)
        out.append(f"{rng.choice(PREFIXES)}{{{body}}}")
    return out


def solvers(msgs: list[str]) -> dict[str, list[str]]:
    model = caesar_rnn.load_model()
    out = {
        "decrypt (default)": [d.plaintext for d in model.decrypt(msgs)],
        "decrypt --lang en": [d.plaintext for d in model.decrypt(msgs, lang="en")],
        "decrypt --decode hybrid": [d.plaintext for d in model.decrypt(msgs, decode="hybrid")],
    }
    for method in ("ngram", "words"):
        got = caesar_rnn.crack_lines(msgs, method, 1)
        out[f"crack --method {method}"] = [
            c[0].plaintext if c else m for m, (_, c) in zip(msgs, got, strict=True)
        ]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--words", type=Path, default=None)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    words = vocabulary(args.words)
    sets = {
        "flags": flags(words, args.n, rng),
        "flags, heavy (short words, 90 % leet, numbers)": flags(words, args.n, rng, heavy=True),
        "heavy, without prefix and braces": [
            f.split("{", 1)[1].rstrip("}") for f in flags(words, args.n, rng, heavy=True)
        ],
        "plain words (control)": [
            " ".join(rng.choice(words) for _ in range(rng.randint(2, 5))) for _ in range(args.n)
        ],
    }
    for name, plain in sets.items():
        keys = [rng.randrange(1, 26) for _ in plain]
        msgs = [encrypt(p, k) for p, k in zip(plain, keys, strict=True)]
        print(f"{name}: {len(msgs)} messages, e.g. {plain[0]!r}")
        for solver, got in solvers(msgs).items():
            right = sum(g == p for g, p in zip(got, plain, strict=True))
            print(f"  {solver:26s} {100 * right / len(plain):5.1f} %")


if __name__ == "__main__":
    main()
