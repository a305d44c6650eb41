"""When should ``decrypt`` replace the English model's reading with another language's crack?

    python experiments/non-english/decrypt_rule.py ../shared/corpora/ud-dev ../shared/corpora/*.txt
    python experiments/non-english/decrypt_rule.py --generated   # the training source's text

The prior is chosen on ``--generated`` text (gen-data --lang for the same twelve languages, the
default English source for English: training text, not the evaluation sentences).

Rules, on the same messages (100 per language, length and style, random keys, cut at word
starts, the letters style folded):
- ``model``: the English-only model (the key decode), today's decrypt;
- ``verdict``: the model's reading unless its English verdict is false and the best
  (shift, language) pair of the letter-chain scores is in another language;
- ``prior B``: the best (shift, language) pair with English's scores raised by B (log10), its
  reading when not English, else the model's.
Prints exact % by length, pooled over the twelve languages, and English's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from caesar_rnn.cipher import N_LETTERS, decrypt
from caesar_rnn.classical.multilang import language_scores
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.data.generate import STYLES, generate
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.calibration import load_calibration
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.evaluation.evaluate import Message, sample_messages
from caesar_rnn.languages import CODES
from caesar_rnn.store import resolve_model_dir

LENGTHS = (4, 8, 16, 32, 64)
PRIORS = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0)


assert CODES[0] == "en"  # English is row 0 of the scores


def generated(code: str) -> list[Message]:
    out = []
    for style in STYLES:
        for n in LENGTHS:
            langs = [] if code == "en" else [code]
            for r in generate(100, n, n, style=style, seed=n, langs=langs):
                plain = str(r["plaintext"])
                out.append(Message(style, n, plain, str(r["ciphertext"]), int(str(r["shift"]))))
    return out


def main(ud: str, english: list[str]) -> None:
    model_dir = resolve_model_dir("shipped")
    backend, cal = load_backend(model_dir, "cpu"), load_calibration(model_dir)
    if ud == "--generated":
        codes = ["cs", "de", "es", "fi", "fr", "id", "it", "nl", "pl", "pt", "sv", "tr", "en"]
        sources = {c: (lambda c=c: generated(c)) for c in codes}
    else:
        files = {p.stem: [p] for p in sorted(Path(ud).glob("*.txt"))}
        files["en"] = [Path(p) for p in english]
        sources = {
            c: (
                lambda p=p: sample_messages(
                    TextCorpus.from_files(p), 100, LENGTHS, fold_letters=True
                )
            )
            for c, p in files.items()
        }
    rules = ["model", "verdict", *(f"prior {b:g}" for b in PRIORS)]
    exact: dict[tuple[str, str, int], list[float]] = {}
    for lang, source in sources.items():
        msgs = source()
        cipher = [m.ciphertext for m in msgs]
        ds = decrypt_messages(cipher, backend, calibration=cal, top=0)
        s = language_scores(cipher, CODES)  # (L, B, 26)
        answers = {"model": [d.plaintext for d in ds]}
        flat = s.transpose(1, 0, 2).reshape(len(msgs), -1).argmax(axis=1)
        lang_i, shift = flat // N_LETTERS, flat % N_LETTERS
        answers["verdict"] = [
            decrypt(c, int(k)) if d.english is False and li != 0 else d.plaintext
            for c, d, li, k in zip(cipher, ds, lang_i, shift, strict=True)
        ]
        for b in PRIORS:
            t = s.copy()
            t[0] += b
            f = t.transpose(1, 0, 2).reshape(len(msgs), -1).argmax(axis=1)
            answers[f"prior {b:g}"] = [
                decrypt(c, int(x % N_LETTERS)) if x // N_LETTERS != 0 else d.plaintext
                for c, d, x in zip(cipher, ds, f, strict=True)
            ]
        for rule in rules:
            for m, a in zip(msgs, answers[rule], strict=True):
                group = "en" if lang == "en" else "other"
                exact.setdefault((rule, group, m.n), []).append(a == m.plaintext)
        print(lang, "done", file=sys.stderr, flush=True)
    print("| rule | " + " | ".join(f"other {n}" for n in LENGTHS) + " | "
          + " | ".join(f"en {n}" for n in LENGTHS) + " |")  # fmt: skip
    for rule in rules:
        cells = [100 * np.mean(exact[(rule, g, n)]) for g in ("other", "en") for n in LENGTHS]
        print(f"| {rule} | " + " | ".join(f"{c:.1f}" for c in cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
