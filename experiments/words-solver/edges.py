"""Separate penalties for a partial first word (``edge_start``) and a partial last word (``edge``),
at three shares of messages cut inside words (0, 0.5, 1.0), on the tuning text (tune.py's):

    python experiments/words-solver/edges.py > experiments/words-solver/edges.txt
"""

from __future__ import annotations

import dataclasses

from tune import Params, lexicon, prepare, run, sample_messages, tuning_corpus


def main() -> None:
    prepare()
    lex = lexicon()
    sets = {
        mw: sample_messages(tuning_corpus(), 300, [4, 6, 8, 10], seed=1, mid_word=mw)
        for mw in (0.0, 0.5, 1.0)
    }
    for start in (3.0, 5.0, 8.0):
        for end in (1.0, 2.0, 3.0):
            p = dataclasses.replace(Params(), edge=end, edge_start=start)
            for mw, msgs in sets.items():
                run(msgs, lex, p, f"mid-word {mw} edge_start={start} edge={end}")


if __name__ == "__main__":
    main()
