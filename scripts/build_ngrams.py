"""Count the letter n-gram tables the classical crackers use and write the file the package ships.

    python scripts/build_ngrams.py            # -> caesar_rnn/classical/ngrams.safetensors

Needs the training extra (symspellpy, wordfreq: the default English source). Rerun it when the
source, the back-off or the order changes; tests/classical/test_ngrams.py checks the shipped file against
a fresh count.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from caesar_rnn.classical import ngrams

DEFAULT_OUT = Path(ngrams.__file__).with_name(ngrams.TABLE_FILE)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    ngrams.write_tables(args.out)
    print(f"{args.out}: {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
