"""Count every language's letter n-gram tables and write the file the package ships.

    python scripts/build_langgrams.py         # -> caesar_rnn/classical/langgrams.safetensors

Needs the training extra (wordfreq's word lists). Rerun it when a list, the folding, the order or
``TOP`` changes; tests/classical/test_langgrams.py checks the shipped file against a fresh count.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from caesar_rnn.classical import langgrams

DEFAULT_OUT = Path(langgrams.__file__).with_name(langgrams.TABLE_FILE)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    langgrams.write_tables(args.out)
    print(f"{args.out}: {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
