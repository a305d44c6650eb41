"""The Caesar cipher and the letter <-> index mapping the models use.

Only ASCII letters shift; case is kept and every other character (digits, punctuation, spaces,
non-ASCII) passes through unchanged.

>>> shift_text("helloworld", 3)
'khoorzruog'
>>> shift_text("Khoor, Zruog!", -3)
'Hello, World!'
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

ALPHABET = string.ascii_lowercase
N_LETTERS = 26
#: Token for a run of non-letters between two words (the optional 27th input symbol).
BOUNDARY = N_LETTERS


@lru_cache(maxsize=26)
def _table(k: int) -> dict[int, int]:
    lower = ALPHABET[k:] + ALPHABET[:k]
    upper = lower.upper()
    return str.maketrans(ALPHABET + ALPHABET.upper(), lower + upper)


def shift_text(text: str, k: int) -> str:
    """Shift every ASCII letter of ``text`` forward by ``k`` (mod 26); encrypt with k, decrypt with -k."""
    return text.translate(_table(k % N_LETTERS))


def encrypt(text: str, k: int) -> str:
    return shift_text(text, k)


def decrypt(text: str, k: int) -> str:
    return shift_text(text, -k)


def is_letter(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def letters_of(text: str) -> str:
    """The ASCII letters of ``text``, lowercased: ``'Hi, Bob!'`` -> ``'hibob'``."""
    return _NOT_LETTERS.sub("", text).lower()


def count_letters(text: str) -> int:
    """How many ASCII letters ``text`` has (as ``sum(map(is_letter, text))``, in C)."""
    return len(_NOT_LETTERS.sub("", text))


_NOT_LETTERS = re.compile(r"[^A-Za-z]+")


def tokenize(text: str, boundaries: bool) -> list[int]:
    """Model input tokens: 0..25 for each letter, and (when ``boundaries``) one BOUNDARY token for
    each run of non-letters between two letters. Leading and trailing non-letters give nothing.

    >>> tokenize("Hi, Bob!", boundaries=True)
    [7, 8, 26, 1, 14, 1]
    """
    out: list[int] = []
    gap = False
    for ch in text:
        if is_letter(ch):
            if gap and boundaries and out:
                out.append(BOUNDARY)
            out.append(ord(ch.lower()) - 97)
            gap = False
        else:
            gap = True
    return out


def fill_letters(text: str, plain: str) -> str:
    """Put the lowercase letters of ``plain`` into the letter slots of ``text``, keeping its case
    and every non-letter: ``fill_letters('Khoor, Zruog!', 'helloworld') -> 'Hello, World!'``."""
    out = []
    i = 0
    for ch in text:
        if is_letter(ch):
            p = plain[i]
            out.append(p.upper() if ch.isupper() else p)
            i += 1
        else:
            out.append(ch)
    return "".join(out)


def find_shift(ciphertext: str, plaintext: str) -> int | None:
    """The key k with ``encrypt(plaintext, k) == ciphertext``, or None if there is none.
    Texts without letters are consistent with any key (returns 0)."""
    if len(ciphertext) != len(plaintext):
        return None
    c, p = letters_of(ciphertext), letters_of(plaintext)
    k = (ord(c[0]) - ord(p[0])) % N_LETTERS if c and p else 0
    return k if shift_text(plaintext, k) == ciphertext else None
