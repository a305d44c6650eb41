"""Round 6: harder shift pruning for speed (max_shifts, margin) on the tuning text, both
mid-word shares (README.md, round 6).

    python experiments/words-solver/prune_grid.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import tune  # noqa: E402

from caesar_rnn.classical.words import Params, lexicon  # noqa: E402
from caesar_rnn.evaluation.evaluate import sample_messages  # noqa: E402

GRID = (
    Params(),
    Params(max_shifts=3),
    Params(max_shifts=2),
    Params(margin=4.0),
    Params(margin=3.0),
)


def main() -> None:
    lex = lexicon()
    for mid_word in (0.0, 0.5):
        msgs = sample_messages(
            tune.tuning_corpus(), 300, [4, 6, 8, 10, 12], seed=1, mid_word=mid_word
        )
        print(f"mid-word {mid_word}: {len(msgs)} messages")
        for p in GRID:
            tune.run(msgs, lex, p, f"max_shifts={p.max_shifts} margin={p.margin}")


if __name__ == "__main__":
    main()
