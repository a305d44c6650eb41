"""Whether a message reads as English, and what a person reading ``decrypt``'s plain output
should be told beside the plaintext: that no shift reads as English, or, when the answer is
uncertain, the runners-up (for stderr).

The verdict (``Verdict``, fitted by ``scripts/calibrate.py`` and kept in the model's
``calibration.json``) asks two questions, the second only when the first cannot tell:

1. the quadgram score per quadgram of the message's most English shift (vectorised, cheap): at
   or above ``quadgram_high`` (what random letters of that length almost never reach) it reads
   as English; under ``quadgram_low`` (what English of that length almost never scores) it does
   not;
2. in between, the words cracker's log-probability per letter (``Segmenter.score``, pure Python)
   of the model's best reading and of the quadgram's best: English when the better of the two
   reaches ``words_floor`` (a low quantile of English of that length on the tuning text).

Each threshold is per length bin (``calibration.EDGES``). The table names its ``language``: a
table for another language would carry that language's floors (and its scorers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from caesar_rnn.cipher import decrypt

if TYPE_CHECKING:
    from caesar_rnn.decoding.decode import Decryption


class Readings:
    """The words cracker's score per letter of messages read under given shifts, computed on
    first use and kept (a message's best reading serves both the verdict and the confidence)."""

    def __init__(self, messages: Sequence[str], letters: np.ndarray) -> None:
        self.messages = messages
        self.letters = letters
        self._cache: dict[tuple[int, int], float] = {}
        self.segmented = 0  # readings segmented so far (for timings)

    def words(self, i: int, shift: int) -> float:
        self.fill([(i, shift)])
        return self._cache[(i, shift)]

    def fill(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Score every (message, shift) reading in ``pairs`` not scored yet, all at once."""
        todo = [p for p in dict.fromkeys(pairs) if p not in self._cache]
        if not todo:
            return
        from caesar_rnn.classical.words import segmenter

        seg = segmenter()
        texts = [decrypt(self.messages[i], k) for i, k in todo]
        # The words cracker's split of many texts at once (the same bits as ``score``, one by
        # one), where this version of it has one.
        many = getattr(seg, "scores", None)
        raw = many(texts) if many is not None else [seg.score(t) for t in texts]
        for (i, k), score in zip(todo, raw, strict=True):
            self._cache[(i, k)] = float(score) / max(int(self.letters[i]), 1)
        self.segmented += len(todo)


@dataclass
class Verdict:
    """Per length bin: the quadgram band that needs no segmenting, and the words floor."""

    language: str
    quadgram_low: list[float]
    quadgram_high: list[float]
    words_floor: list[float]

    def judge(
        self, quadgrams: np.ndarray, model_best: np.ndarray, readings: Readings
    ) -> np.ndarray:
        """(N,) bool: some shift reads as this language. ``quadgrams``: (N, 26) per-quadgram
        scores of each shift; ``model_best``: the model's best shift of each message."""
        from caesar_rnn.decoding.calibration import length_bin

        bins = length_bin(readings.letters)
        best = quadgrams.max(axis=1)
        out = best >= np.asarray(self.quadgram_high)[bins]
        unsure = ~out & (best >= np.asarray(self.quadgram_low)[bins])
        q_best = quadgrams.argmax(axis=1)
        floor = np.asarray(self.words_floor)
        rows = np.flatnonzero(unsure).tolist()
        pairs = [(i, int(k)) for i in rows for k in (model_best[i], q_best[i])]
        readings.fill(pairs)
        for i in rows:
            shifts = {int(model_best[i]), int(q_best[i])}
            out[i] = max(readings.words(i, k) for k in shifts) >= floor[bins[i]]
        return out

    @classmethod
    def from_dict(cls, doc: dict[str, Any], bins: int) -> Verdict:
        v = cls(
            str(doc["language"]),
            [float(x) for x in doc["quadgram_low"]],
            [float(x) for x in doc["quadgram_high"]],
            [float(x) for x in doc["words_floor"]],
        )
        if not len(v.quadgram_low) == len(v.quadgram_high) == len(v.words_floor) == bins:
            raise ValueError("verdict table")
        return v


#: Below this confidence the human output lists the runners-up.
SURE = 0.99


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def notes(d: Decryption, sure: float = SURE) -> list[str]:
    """Lines for stderr about one answer (none when it is confident English)."""
    out = []
    if d.shift is None and d.decode == "argmax" and d.single_shift is False:
        out.append(
            f"{_short(d.ciphertext)!r}: the per-letter answer mixes shifts "
            f"(nearest {d.nearest_shift}); it cannot be exactly right"
        )
    if d.decode == "flag-body":
        out.append(
            f"{_short(d.ciphertext)!r}: the flag's body alone decrypted (shift {d.shift}); "
            "its prefix and the text around it as written"
        )
    from caesar_rnn.decoding.encoded import note

    encoded = note(d)
    if encoded:
        return [encoded]
    if d.english is False:
        out.append(f"{_short(d.ciphertext)!r}: no shift reads as English")
    if d.shift is not None and d.confidence < sure and (d.alternatives or d.english is not False):
        out.append(_unsure(d))  # (no runners-up, no English: "no shift reads as English" says it)
    return out


def _unsure(d: Decryption) -> str:
    """The runners-up of an unsure answer; one likelier than the answer is said to be."""
    alts = [f"shift {a.shift} {_short(a.plaintext, 30)!r}" for a in d.alternatives]
    head = f"{_short(d.ciphertext)!r}: unsure ({d.confidence:.2f})"
    if not alts:  # --top 0: the runners-up were not asked for, the doubt still stands
        return head
    best = max(d.alternatives, key=lambda a: a.probability)
    if best.probability > d.confidence:  # the model's best shift is not the likeliest
        i = d.alternatives.index(best)
        head += f"; {alts[i]} is likelier ({best.probability:.2f}) than this answer"
        rest = [f"{t} {a.probability:.2f}" for t, a in zip(alts, d.alternatives, strict=True)
                if a is not best]  # fmt: skip
        return head + (f"; also {'; '.join(rest)}" if rest else "")
    return (
        head
        + "; also "
        + "; ".join(f"{t} {a.probability:.2f}" for t, a in zip(alts, d.alternatives, strict=True))
    )
