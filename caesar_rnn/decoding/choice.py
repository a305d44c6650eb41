"""The calibrated choice: ``decrypt``'s default answers with a runner-up that its calibration
rates likelier than the model's best shift.

With a calibration table the key decode's ``confidence`` is the chance that the model's best
shift is exactly right, and each alternative's ``probability`` the rest of that chance shared as
the model's scores share it. Where the calibration's other evidence (the quadgram margin, the
words) says the model's best shift is likely wrong, the runner-up can be far likelier:
``lffqrvjfu`` read as "yssdeiwsh" at 0.00017, "keepquiet" listed at 0.99983. The default then
answers with the likeliest, where the English verdict says the message reads as English (the
calibration is English's; where the verdict says no, the confidence is capped at 0.5 and the
rest would go to the runner-up for no reason). Measured on text outside every evaluation set
(experiments/trust/calibrated_choice_lengths.py; our tuning prose and Python's documentation,
word starts and half inside words, 600 messages a cell): with a runner-up of at least ``LEAST``,
from 5 letters it gains in nearly every cell (letters 7 letters 95.3 -> 97.3, natural 6 letters
inside words 94.8 -> 97.3) and loses at most 0.3 points in any; at 4 letters it loses on
narrative text (84.7 -> 84.2), so it starts at ``FROM_LETTERS``. It runs after the language step, on the answers that stay English
(on UD Polish it turned a right "hojnyzas" into "mtosdefx" before the step could name it
Slovak); ``lang="en"`` (the model alone) keeps the model's best shift.
"""

from __future__ import annotations

from dataclasses import replace

from caesar_rnn.cipher import count_letters
from caesar_rnn.decoding.decode import Alternative, Decryption
from caesar_rnn.decoding.flags import is_flag

#: Letters from which the likeliest answer replaces the model's best shift.
FROM_LETTERS = 5
#: The least probability a runner-up needs to replace it (0.6: the most gained from 5 letters on
#: the tuning text among 0, 0.6, 0.8, 0.9; 0 also took coin flips such as 0.56 over 0.44).
LEAST = 0.6


def likeliest(results: list[Decryption]) -> list[Decryption]:
    """``results`` with each calibrated key-decode answer of ``FROM_LETTERS`` letters or more
    replaced by its likeliest alternative where that one's probability is higher."""
    return [_likeliest(d) for d in results]


def _likeliest(d: Decryption) -> Decryption:
    usable = d.calibrated and d.english is True and d.decode == "key" and d.alternatives
    if not usable or d.shift is None or is_flag(d.ciphertext):  # flags: ``flags``' rule
        return d
    best = max(d.alternatives, key=lambda a: a.probability)
    if best.probability <= max(d.confidence, LEAST) or count_letters(d.ciphertext) < FROM_LETTERS:
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
