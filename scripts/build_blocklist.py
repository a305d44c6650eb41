"""Derive the word list the default English source leaves out (obscenities, slurs) and write the
file the package ships.

    pip install glin-profanity==4.1.0 better-profanity==0.7.0   # both MIT; in the dev extra
    python scripts/build_blocklist.py       # -> caesar_rnn/data/blocklist.txt

The list is glin-profanity's English dictionary (maintained; single words and phrases of letters),
plus the inflected forms ("dildos", "fucked") that better-profanity's list holds of those words.
The chain filters against the shipped file, so generated data stays the same for a seed until this
script is rerun; tests/data/test_corpus.py checks the file against a fresh derivation.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from caesar_rnn.data import corpus
from caesar_rnn.files import atomic_write_text

DEFAULT_OUT = Path(corpus.__file__).with_name(corpus.BLOCKLIST_FILE)
#: Endings under which better-profanity lists a form of a glin-profanity word.
SUFFIXES = ("s", "es", "d", "ed", "ing", "ings", "er", "ers")
_ENTRY = re.compile(r"^[a-z]+(?:'[a-z]+)?(?: [a-z]+(?:'[a-z]+)?)*$")


def derive() -> list[str]:
    """The sorted entries: glin-profanity's English words and phrases made of letters, and
    better-profanity's words that are one of those words plus an ending in SUFFIXES."""
    from glin_profanity.data.dictionary import DictionaryLoader

    glin = {w.strip().lower() for w in DictionaryLoader().get_words("english")}
    glin = {w for w in glin if _ENTRY.match(w)}
    text = resources.files("better_profanity").joinpath("profanity_wordlist.txt").read_text()
    others = {w.strip().lower() for w in text.splitlines()}
    singles = {w for w in glin if " " not in w}
    forms = {
        w
        for w in others
        if _ENTRY.match(w) and any(w.removesuffix(s) in singles for s in SUFFIXES if w.endswith(s))
    }
    return sorted(glin | forms)


def header() -> str:
    v = {p: importlib.metadata.version(p) for p in ("glin-profanity", "better-profanity")}
    return (
        "# Words and phrases the default English source never emits (scripts/build_blocklist.py):\n"
        f"# glin-profanity {v['glin-profanity']} (MIT) English list + the inflected forms of its words"
        f" in better-profanity {v['better-profanity']} (MIT).\n"
    )


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    entries = derive()
    atomic_write_text(args.out, header() + "\n".join(entries) + "\n")
    print(f"{args.out}: {len(entries)} entries")


if __name__ == "__main__":
    main()
