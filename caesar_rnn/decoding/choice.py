"""The calibrated choice: ``decrypt``'s default answers with a runner-up that its calibration
rates likelier than the model's best shift.

With a calibration table the key decode's ``confidence`` is the chance that the model's best
shift is exactly right, and each alternative's ``probability`` the rest of that chance shared as
the model's scores share it. Where the calibration's other evidence (the quadgram margin, the
words) says the model's best shift is likely wrong, the runner-up can be far likelier:
``lffqrvjfu`` read as "yssdeiwsh" at 0.00017, "keepquiet" listed at 0.99983. The default then
answers with the likeliest. Measured on text outside every evaluation set
(experiments/trust/calibrated_choice.py; our tuning prose and Python's documentation, word
starts and half inside words, 600 messages a cell): from 5 letters it gains in nearly every
cell (letters 7 letters 95.3 -> 97.5, natural 5 letters 92.7 -> 95.5 inside words) and loses at
most 0.3 points in any; at 4 letters it loses on narrative text (84.7 -> 83.8), so it starts
at ``FROM_LETTERS``. ``lang="en"`` (the model alone) keeps the model's best shift.
"""

from __future__ import annotations

from dataclasses import replace

from caesar_rnn.cipher import count_letters
from caesar_rnn.decoding.decode import Alternative, Decryption

#: Letters from which the likeliest answer replaces the model's best shift.
FROM_LETTERS = 5


def likeliest(results: list[Decryption]) -> list[Decryption]:
    """``results`` with each calibrated key-decode answer of ``FROM_LETTERS`` letters or more
    replaced by its likeliest alternative where that one's probability is higher."""
    return [_likeliest(d) for d in results]


def _likeliest(d: Decryption) -> Decryption:
    if not (d.calibrated and d.decode == "key" and d.alternatives and d.shift is not None):
        return d
    best = max(d.alternatives, key=lambda a: a.probability)
    if best.probability <= d.confidence or count_letters(d.ciphertext) < FROM_LETTERS:
        return d
    rest = [Alternative(d.shift, d.plaintext, d.confidence)]
    rest += [a for a in d.alternatives if a is not best]
    rest.sort(key=lambda a: -a.probability)
    return replace(
        d,
        plaintext=best.plaintext,
        shift=best.shift,
        confidence=best.probability,
        alternatives=rest,
    )
