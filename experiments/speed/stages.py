"""Where `decrypt --file --jobs 1` spends its time, stage by stage, in one process (timing
wrappers around the stages' functions, no profiler). Stages nest: the language step's lines
indented below it are parts of it; the model's two rows are parts of key_evidence.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python experiments/speed/stages.py FILE
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
SPENT: dict[str, float] = {}


def timed(f: Callable[..., Any], label: str) -> Callable[..., Any]:
    def g(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            SPENT[label] = SPENT.get(label, 0.0) + time.perf_counter() - t

    return g


def main() -> None:
    t0 = time.perf_counter()
    import caesar_rnn.cli.app  # noqa: F401 - the command's own imports
    from caesar_rnn.api import decrypt_lines, load_model
    from caesar_rnn.classical import langid, langsearch, multilang, words
    from caesar_rnn.decoding import calibration, decode, language, scores
    from caesar_rnn.nn.numpy_rnn import NumpyRNN

    t1 = time.perf_counter()
    model = load_model(None, device="cpu")
    t2 = time.perf_counter()
    logits = NumpyRNN.logits

    def by_model(self: NumpyRNN, *args: Any, **kwargs: Any) -> Any:
        return timed(logits, f"  model forward, {self.config.hidden} wide")(self, *args, **kwargs)

    NumpyRNN.logits = by_model  # type: ignore[method-assign]
    for mod, name, label in [
        (decode, "key_evidence", "key_evidence (the models, english_scores)"),
        (scores, "english_scores", "  english_scores (26 shifts' quadgrams)"),
        (decode, "_decrypt_key", "_decrypt_key (calibration, verdict, answers)"),
        (calibration.Calibration, "judge", "  calibration judge (verdict, words score)"),
        (words, "segmenter", "    words lexicon load"),
        (language, "with_language", "language step"),
        (langsearch, "best_languages", "  bound search"),
        (multilang, "language_scores", "  every pair, close messages"),
        (langid, "best_pairs", "  words of the best pairs"),
    ]:
        setattr(mod, name, timed(getattr(mod, name), label))
    lines = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
    t3 = time.perf_counter()
    n = sum(1 for _ in decrypt_lines(lines, model=model, jobs=1))
    t4 = time.perf_counter()
    print(f"{n:,} lines: imports {t1 - t0:.2f} s, models loaded {t2 - t1:.2f} s, ", end="")
    print(f"decrypt {t4 - t3:.2f} s, total {t4 - t0:.2f} s")
    for label, s in SPENT.items():
        print(f"  {label}: {s:.2f} s")


if __name__ == "__main__":
    main()
