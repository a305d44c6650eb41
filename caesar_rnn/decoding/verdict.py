"""What a person reading ``decrypt``'s plain output should be told beside the plaintext: that no
shift reads as English, or, when the answer is uncertain, the runners-up (for stderr)."""

from __future__ import annotations

from caesar_rnn.decoding.decode import Decryption

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
    if d.english is False:
        out.append(f"{_short(d.ciphertext)!r}: no shift reads as English")
    if d.shift is not None and d.confidence < sure and d.alternatives:
        alts = "; ".join(
            f"shift {a.shift} {_short(a.plaintext, 30)!r} {a.probability:.2f}"
            for a in d.alternatives
        )
        out.append(f"{_short(d.ciphertext)!r}: unsure ({d.confidence:.2f}); also {alts}")
    return out
