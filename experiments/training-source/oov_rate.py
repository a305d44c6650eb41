"""How much of a text's running words each training word list lacks (the figures in docs/data.md).

    python experiments/training-source/oov_rate.py NOVEL.txt... /usr/share/common-licenses/GPL-3

For each text: the share of its word tokens (runs of a-z after lowercasing, so "don't" is "don" and
"t") missing from symspellpy's word list and from wordfreq's, and the most common missing ones.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from caesar_rnn.data.corpus import _WORD, UNIGRAM_FILE, WORDFREQ_LIST, _symspell_file


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("texts", nargs="+")
    ap.add_argument("--show", type=int, default=8, help="most common missing words to list")
    args = ap.parse_args()
    import wordfreq

    lists = {
        "symspellpy": {line.split()[0] for line in _symspell_file(UNIGRAM_FILE).splitlines()},
        "wordfreq": {w for w in wordfreq.get_frequency_dict("en", WORDFREQ_LIST) if _WORD.match(w)},
    }
    print("| text | words | " + " | ".join(f"missing from {n}" for n in lists) + " | top missing |")
    print("|---|--:|" + "--:|" * len(lists) + "---|")
    for path in args.texts:
        words = re.findall("[a-z]+", Path(path).read_text(encoding="utf-8").lower())
        cells, top = [], ""
        for name, vocab in lists.items():
            missing = Counter(w for w in words if w not in vocab)
            cells.append(f"{100 * sum(missing.values()) / max(len(words), 1):.2f} %")
            if name == "symspellpy":
                top = ", ".join(w for w, _ in missing.most_common(args.show))
        print(f"| {Path(path).name} | {len(words):,} | " + " | ".join(cells) + f" | {top} |")


if __name__ == "__main__":
    main()
