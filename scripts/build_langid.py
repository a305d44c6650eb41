"""Count the language word lists and accented-letter frequencies that name a message's language
(``caesar_rnn.classical.langid``) from wordfreq (the training extra) and write them into the
package:

    python scripts/build_langid.py        # -> caesar_rnn/classical/langid.safetensors

Rerun it when the languages, the folding or ``langid.WORDS`` change.
"""

from __future__ import annotations

import sys

from caesar_rnn.classical.langid import write_tables


def main() -> None:
    path = write_tables(sys.argv[1] if len(sys.argv) > 1 else None)
    print(f"{path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
