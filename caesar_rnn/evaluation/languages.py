"""Solvers that know languages besides English, for ``evaluate``, and how often they name the
message's language.

- ``decrypt``: what the ``decrypt`` command answers by default: the model's key decode, then the
  language (``caesar_rnn.decoding.language``: another language's crack where the text reads as
  it);
- ``ngram-lang``: the quadgram crack with the message's language given (``--lang``);
- ``ngram-auto``: the quadgram crack that finds the language (``crack --lang auto``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from caesar_rnn.errors import CaesarRNNError

SOLVERS = ("decrypt", "ngram-lang", "ngram-auto")
LABELS = {"decrypt": "decrypt", "ngram-lang": "ngram given language", "ngram-auto": "ngram auto"}


def language_solver(
    name: str, lang: str | None, model_dir: str | Path | None, backend: Any = None
) -> Callable[[list[str]], list[Any]]:
    """One of ``SOLVERS``; ``lang``: the messages' language (``ngram-lang`` needs it);
    ``backend``: the loaded model (``decrypt``)."""
    if name == "ngram-lang":
        if lang is None:
            raise CaesarRNNError("solver 'ngram-lang' needs the messages' language")
        return _crack(lang)
    if name == "ngram-auto":
        return _crack("auto")
    if name != "decrypt" or model_dir is None or backend is None:
        raise CaesarRNNError(f"solver {name!r} needs a model")
    from caesar_rnn.decoding.calibration import load_calibration
    from caesar_rnn.decoding.decode import decrypt_messages
    from caesar_rnn.decoding.language import with_language

    cal = load_calibration(model_dir)

    def solve(ciphertexts: list[str]) -> list[Any]:
        answers = decrypt_messages(ciphertexts, backend, calibration=cal, top=1)  # as the API
        return with_language(answers, top=0)

    return solve


def _crack(lang: str) -> Callable[[list[str]], list[Any]]:
    """``crack --lang CODE|auto``'s first answer (``auto``: ``multilang.detect``'s pair)."""
    from caesar_rnn.classical.multilang import detect, language_scores
    from caesar_rnn.decoding.decode import Decryption
    from caesar_rnn.decoding.language import reading
    from caesar_rnn.languages import AUTO, check_code

    auto = check_code(lang, allow_auto=True) == AUTO

    def solve(ciphertexts: list[str]) -> list[Any]:
        if auto:
            langs, scores, shifts = detect(ciphertexts)
        else:
            scores = language_scores(ciphertexts, [lang])[0]
            langs, shifts = [lang] * len(ciphertexts), scores.argmax(axis=1)
        return [
            reading(Decryption(c, c, None, 0.0), scores[i], langs[i], 0, int(shifts[i]))
            for i, c in enumerate(ciphertexts)
        ]

    return solve


def language_columns(answers: Sequence[Any], lang: str | None) -> dict[str, Any]:
    """The share of answers that name the messages' language ``lang``, and how often each wrong
    language was named (for answers that name one)."""
    named = [getattr(a, "language", None) for a in answers]
    if lang is None or all(n is None for n in named):
        return {}
    wrong = Counter(str(n) for n in named if n != lang)
    return {
        "language_acc": float(np.mean([n == lang for n in named])),
        "language_wrong": dict(wrong.most_common()),
    }
