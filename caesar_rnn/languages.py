"""The languages the toolkit knows besides English: their codes, names, and the folding that maps
their letters onto the 26 the cipher shifts.

A language is named by its ISO 639-1 code (``fil``, ``sh``: wordfreq's codes). Each one here is
written in the Latin alphabet and has a word frequency list in wordfreq, from which the
per-language letter statistics (``caesar_rnn.classical.langgrams``) and training text
(``caesar_rnn.data.langtext``) are made. Only the 26 ASCII letters are shifted by a Caesar
cipher; an accented letter passes through unchanged, or, in the letters-only style, is folded to
its base letter first (``fold``: NFKD with the accents removed, plus the letters NFKD leaves
alone: ł -> l, ß -> ss, ø -> o, ...).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from caesar_rnn.errors import CaesarRNNError

ENGLISH = "en"

#: code -> English name, for every language with statistics (wordfreq's Latin-alphabet lists).
NAMES: dict[str, str] = {
    "en": "English",
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "es": "Spanish",
    "fi": "Finnish",
    "fil": "Filipino",
    "fr": "French",
    "hu": "Hungarian",
    "id": "Indonesian",
    "is": "Icelandic",
    "it": "Italian",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "ms": "Malay",
    "nb": "Norwegian Bokmål",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "sh": "Serbo-Croatian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sv": "Swedish",
    "tr": "Turkish",
    "vi": "Vietnamese",
}
CODES = tuple(NAMES)
#: What ``--lang auto`` means: detect the language among all of them.
AUTO = "auto"

#: Letters NFKD does not decompose, and what they fold to.
_EXTRA = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h",
     "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "þ": "th", "Þ": "Th",
     "ð": "d", "Ð": "D", "ŀ": "l", "ĸ": "k"}
)  # fmt: skip


def fold(text: str) -> str:
    """``text`` with accents removed (NFKD, combining marks dropped) and the letters NFKD keeps
    mapped to ASCII (``"Łódź, straße" -> "Lodz, strasse"``); everything else is kept."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def check_code(code: str, allow_auto: bool = False) -> str:
    """``code`` lowercased when it names a known language (or ``auto``, when allowed); else a
    ``CaesarRNNError`` that lists the codes."""
    c = code.strip().lower()
    if c in NAMES or (allow_auto and c == AUTO):
        return c
    extra = f" or {AUTO}" if allow_auto else ""
    raise CaesarRNNError(f"unknown language {code!r}: choose one of {', '.join(CODES)}{extra}")


def check_codes(codes: Iterable[str]) -> list[str]:
    """Each code checked (``check_code``), duplicates dropped, in the order given."""
    return list(dict.fromkeys(check_code(c) for c in codes))


def name(code: str) -> str:
    """The English name of a language code (``"pl" -> "Polish"``)."""
    return NAMES[check_code(code)]
