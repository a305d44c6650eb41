"""A recipe's data: pairs drawn from a mix of styles and length ranges, made in shards side by
side (``DataConfig``). Shard s of seed S draws its i-th mix part with seed 10000 S + 100 s + i,
so the file does not depend on how many workers made it, and a run with more pairs extends a
run with fewer."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from caesar_rnn.config import DataConfig, MixPart
from caesar_rnn.data.generate import generate, write_jsonl
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.files import atomic_writer, check_target


def part_sizes(n: int, mix: list[MixPart]) -> list[int]:
    """``n`` split by the mix's shares, summing to exactly ``n``: each part ends where its
    cumulative share of ``n`` rounds to."""
    total = sum(p.share for p in mix)
    bounds = [0] + [round(n * c / total) for c in itertools.accumulate(p.share for p in mix)]
    return [b - a for a, b in itertools.pairwise(bounds)]


def make_shard(path: str, n: int, shard: int, seed: int, mix: list[MixPart]) -> int:
    base = seed * 10_000 + shard * 100
    parts = [
        generate(size, p.min_len, p.max_len, style=p.style, seed=base + i, mid_word=p.mid_word)
        for i, (p, size) in enumerate(zip(mix, part_sizes(n, mix), strict=True))
        if size
    ]
    return write_jsonl(itertools.chain(*parts), path, force=True)


@contextlib.contextmanager
def _scratch(out: Path) -> Iterator[str]:
    """A hidden folder beside ``out`` for the shards (its folder made if missing), removed after;
    a folder that cannot be written is the project's error, not a traceback."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.TemporaryDirectory(
            dir=out.parent, prefix=f".{out.name}.", ignore_cleanup_errors=True
        )
    except OSError as exc:
        raise CaesarRNNError(f"cannot write {out}: {exc.strerror or exc}") from None
    with tmp as name:
        yield name


def _start_pool(n: int) -> Any:
    """``n`` worker processes that ignore Ctrl-C and end at once on ``terminate`` (SIGTERM, with
    no handler of ours): the parent alone is interrupted, and ends them. (A process pool whose
    workers took the signal too could hang for good, each stuck putting its error in a queue
    no one read any more.)"""
    import multiprocessing

    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:  # born ignoring Ctrl-C, so that one arriving while they start cannot kill one
        return multiprocessing.get_context().Pool(n, _worker_init)
    finally:
        if main:
            signal.signal(signal.SIGINT, old)


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def make_pairs(cfg: DataConfig, force: bool = False, workers: int | None = None) -> int:
    """``cfg.count`` pairs of ``cfg.mix`` in ``cfg.out`` (atomically); returns how many."""
    if not cfg.mix:
        raise CaesarRNNError("the data config has no mix to draw pairs from")
    out = Path(cfg.out)
    check_target(out, force)  # a folder or a special file: said before the pairs are made
    sizes = [min(cfg.shard, cfg.count - start) for start in range(0, cfg.count, cfg.shard)]
    with _scratch(out) as tmp:
        names = [str(Path(tmp) / f"shard{s}.jsonl") for s in range(len(sizes))]
        n_workers = max(1, min(len(sizes), workers or os.cpu_count() or 1))
        k = len(sizes)
        args = list(zip(names, sizes, range(k), [cfg.seed] * k, [cfg.mix] * k, strict=True))
        if n_workers == 1:
            n = sum(itertools.starmap(make_shard, args))
        else:
            pool = _start_pool(n_workers)
            try:
                n = sum(pool.starmap(make_shard, args))
                pool.close()
            finally:  # a signal or an error: the workers end now, not after their shards
                pool.terminate()
                pool.join()
        with atomic_writer(out, force=True) as f:
            for name in names:
                with open(name, encoding="utf-8") as shard:
                    shutil.copyfileobj(shard, f)
    return n
