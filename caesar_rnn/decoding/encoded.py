"""Text that is an encoding, not shifted letters: hexadecimal and base64 (QA round 6); and
text whose key no reading can tell: one letter repeated.

Every shift of ``deadbeefcafebabe0123456789abcdef`` reads as nothing, yet the model's best one
was answered at 0.99 as English ("rsorpsstqotspops..."), and base64 was read as leetspeak. A
message of one token that is hexadecimal (16 or more hex digits, with digits and letters) or
valid base64 (16 or more characters of its alphabet, padded to a multiple of 4, upper and lower
case and a digit, ``+``, ``/`` or ``=``) is said to be one, with what to do (decode it first):
hexadecimal is answered as written (no Caesar shift of English is all a-f); base64 under the shift
that decodes it to text (9 in 10 of its bytes printable: as written, or ``rot13`` of base64 at
13), else with its reading (a shift of base64 is base64 too); neither above ``CAP``, nor English. One letter repeated (``zzzzzzzzzzzzzzzz``, 3
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
_TOKEN = re.compile(r"[0-9A-Za-z+/]+={0,2}")
_B64 = re.compile(r"[A-Za-z0-9+/]{14,}={0,2}")
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
    if _B64.fullmatch(t) and len(t) % 4 == 0 and mixed and (digits or t[-1] in "+/=" or "+" in t):
        try:
            base64.b64decode(t, validate=True)
        except (binascii.Error, ValueError):
            return None
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
    if k is not None:
        return replace(d, plaintext=decrypt(d.ciphertext, k), shift=k, confidence=CAP,
                       english=False, language=None, alternatives=[])  # fmt: skip
    conf = min(d.confidence, CAP)
    rest = (1.0 - conf) / max(1.0 - d.confidence, 1e-12)
    alts = [replace(a, probability=min(a.probability * rest, conf)) for a in d.alternatives]
    return replace(d, confidence=conf, english=False, language=None, alternatives=alts)


def _text_shift(token: str) -> int | None:
    """The shift under which the base64 token decodes to the most printable bytes, where that
    is text (``_printable``; as written first on ties), else None: ``rot13`` of base64 of text
    is decrypted to the base64 (shift 13)."""
    best, best_k = -1.0, None
    for k in range(N_LETTERS):
        try:
            data = base64.b64decode(decrypt(token, k), validate=True)
        except (binascii.Error, ValueError):
            continue
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
