"""Count the letter n-gram tables the classical crackers use and write the file the package ships.

    python scripts/build_ngrams.py              # -> caesar_rnn/classical/ngrams.safetensors
    python scripts/build_ngrams.py --languages  # -> caesar_rnn/classical/langgrams.safetensors

Needs the training extra (symspellpy, wordfreq: the default English source; wordfreq's lists for
the other languages, ``caesar_rnn.classical.langgrams``). Rerun it when a source, the folding,
the back-off or the order changes; tests/classical/test_ngrams.py and test_langgrams.py check
the shipped files against a fresh count.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from caesar_rnn.classical import langgrams, ngrams


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument(
        "--languages", action="store_true", help="the other languages' tables (langgrams)"
    )
    args = ap.parse_args(argv)
    module = langgrams if args.languages else ngrams
    out = args.out or Path(module.__file__).with_name(module.TABLE_FILE)
    module.write_tables(out)
    print(f"{out}: {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
