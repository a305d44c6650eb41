"""Text that is an encoding, not shifted letters: hexadecimal and base64 (QA round 6); and
text whose key no reading can tell: one letter repeated.

Every shift of ``deadbeefcafebabe0123456789abcdef`` reads as nothing, yet the model's best one
was answered at 0.99 as English ("rsorpsstqotspops..."), and base64 was read as leetspeak. A
message of one token that is hexadecimal (16 or more hex digits, with digits and letters) or
base64 that decodes to text under some shift (16 or more characters, ``+/`` or URL-safe ``-_``,
padded or not, mixed case) is said to be one, with what to do (decode it first): hexadecimal
is answered as written (no Caesar shift of English is all a-f), base64 under the shift that
decodes it to text (as written, or ``rot13`` of base64 at 13); neither above ``CAP``, nor
English. Base64 that decodes to no text under any shift is left alone: so is mixed-case Caesar
text with digits (``KhoorZruog123456``, QA round 7, was said to be base64).
One letter repeated (``zzzzzzzzzzzzzzzz``, 3
letters or more) reads the same under every shift but for which letter it is: its reading stays,
at most ``CAP`` (it was "kkkkkkkkkkkkkkkk", Portuguese, at 0.999).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import replace

from caesar_rnn.cipher import N_LETTERS, decrypt
from caesar_rnn.decoding.decode import Decryption

_HEX = re.compile(r"(?:0[xX])?[0-9A-Fa-f]{16,}")
#: One letter, three times or more (either case), among anything but letters.
_ONE_LETTER = re.compile(r"[^A-Za-z]*(?i:([a-z])[^A-Za-z]*)(?:(?i:\1)[^A-Za-z]*){2,}")
_TOKEN = re.compile(r"[0-9A-Za-z+/_-]+={0,2}")
_B64 = re.compile(r"[A-Za-z0-9+/]{14,}={0,2}|[A-Za-z0-9_-]{16,}")
#: The most confidence an answer to encoded text gets.
CAP = 0.5


def kind(text: str) -> str | None:
    """ "hexadecimal", "base64", "one letter" (repeated), or None (anything else)."""
    if _ONE_LETTER.fullmatch(text):
        return "one letter"
    t = text.strip()
    if len(t) < 16 or t.isalpha() or not _TOKEN.fullmatch(t):  # (each in C: files of lines)
        return None
    digits = any(ch.isdigit() for ch in t)
    if _HEX.fullmatch(t) and digits and any(ch.isalpha() for ch in t[2:]):
        return "hexadecimal"
    mixed = any(ch.isupper() for ch in t) and any(ch.islower() for ch in t)
    if _B64.fullmatch(t) and mixed and _text_shift(t) is not None:
        return "base64"
    return None


def marked(d: Decryption) -> Decryption:
    """``d`` as the answer to encoded text where ``d.ciphertext`` is (``kind``), else ``d``."""
    what = kind(d.ciphertext) if d.shift is not None else None
    if what is None:
        return d
    if what == "one letter":
        conf = min(d.confidence, CAP)
        return replace(d, confidence=conf, english=None, language=None,
                       alternatives=[replace(a, probability=min(a.probability, conf))
                                     for a in d.alternatives])  # fmt: skip
    k = 0 if what == "hexadecimal" else _text_shift(d.ciphertext.strip())
    return replace(d, plaintext=decrypt(d.ciphertext, k or 0), shift=k or 0, confidence=CAP,
                   english=False, language=None, alternatives=[])  # fmt: skip


def _text_shift(token: str) -> int | None:
    """The shift under which the base64 token (padded or not, ``+/`` or URL-safe ``-_``)
    decodes to text (nine in ten of its bytes printable; the most printable, as written first
    on ties), else None: ``rot13`` of base64 of text is decrypted at shift 13. Mixed-case
    Caesar text with digits (``KhoorZruog123456``) decodes to no text under any shift."""
    body = token.rstrip("=").replace("-", "+").replace("_", "/")
    if len(body) % 4 == 1:
        return None
    body += "=" * (-len(body) % 4)
    best, best_k = -1.0, None
    for k in range(N_LETTERS):
        try:
            data = base64.b64decode(decrypt(body, k), validate=True)
        except (binascii.Error, ValueError):
            return None
        share = _share(data)
        if share > best:
            best, best_k = share, k
    return best_k if best >= 0.9 else None


def _share(data: bytes) -> float:
    ok = sum(32 <= b < 127 or b in (9, 10, 13) for b in data)
    return ok / len(data) if data else 0.0


def note(d: Decryption) -> str | None:
    what = kind(d.ciphertext)
    if what is None:
        return None
    short = d.ciphertext if len(d.ciphertext) <= 40 else d.ciphertext[:37] + "..."
    if what == "one letter":
        return f"{short!r}: one letter repeated: no shift can be told from another"
    how = "xxd -r -p" if what == "hexadecimal" else "base64 -d"
    return f"{short!r}: looks like {what}, not shifted letters: decode it first ({how})"
