"""How many messages of a file the cascade's fast stage decides, and how many tokens each model
reads, with the time each takes (one process, one BLAS thread).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python experiments/speed/share.py FILE
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from caesar_rnn.decoding import scores
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.store import shipped_model_dir


def main() -> None:
    msgs = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
    main_model = load_backend(shipped_model_dir())
    seen: list[tuple[str, int, int, float]] = []
    inner = scores._key_scores

    def timed(backend, toks, *args, **kwargs):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        out = inner(backend, toks, *args, **kwargs)
        who = "default" if backend is main_model else "fast"
        seen.append((who, sum(1 for x in toks if x), sum(map(len, toks)), time.perf_counter() - t))
        return out

    scores._key_scores = timed  # type: ignore[assignment]
    t0 = time.perf_counter()
    for s in range(0, len(msgs), 8192):  # the blocks decrypt --file decodes at once
        scores.key_evidence(msgs[s : s + 8192], main_model, english=False)
    total = time.perf_counter() - t0
    print(f"{len(msgs):,} messages, {sum(map(len, msgs)):,} characters, {total:.2f} s in all")
    for who in ("fast", "default"):
        rows = [r for r in seen if r[0] == who]
        n, tok, sec = sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows)
        print(f"{who}: reads {n:,} messages ({n / len(msgs):.1%}), {tok:,} tokens "
              f"(first readings), {sec:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
