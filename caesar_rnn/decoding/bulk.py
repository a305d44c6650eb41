"""Large inputs: many short messages over worker processes, and one long text under one key.

- ``decrypt_parallel``: lines in blocks, each block decrypted by one of ``jobs`` worker processes
  (each with a single-threaded BLAS, so two workers use two cores for the matrix products *and*
  the element-wise work, which NumPy runs on one thread); results come back in input order, and at
  most ``2 * jobs`` blocks are in flight, so memory stays bounded on a file of any size.
- ``decrypt_whole``: the whole input is one message. The model reads a prefix, grown until its
  key is decisive, then every byte goes through a 256-entry table (``bytes.translate``). UTF-8
  multi-byte sequences never contain ASCII bytes, so shifting ASCII letters byte-wise is safe and
  the text never needs decoding; line ends, case and everything else pass through unchanged.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from caesar_rnn.cipher import ALPHABET, N_LETTERS
from caesar_rnn.decoding.backends import Backend, load_backend
from caesar_rnn.decoding.calibration import Calibration
from caesar_rnn.decoding.decode import (
    DEFAULT_MODE,
    MODES,
    TOP,
    Decryption,
    decrypt_messages,
    line_blocks,
)
from caesar_rnn.decoding.scores import DECISIVE, WINDOW
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.files import StopAtError, write_all
from caesar_rnn.signals import interruptible

#: Lines per block: enough that each length in a block (4-64 letters) fills a batch of ~100+;
#: an input longer than one block goes to the worker processes.
CHUNK = 8192
#: Lines this process decrypts itself before it forks its workers, so that the tables every
#: decode builds on first use (the quadgram and language tables: ~0.5 s, ~250 MiB) are built
#: once and shared by the workers, not built again in each.
WARM = 2048
#: Bytes per read in --whole: large reads, bounded memory.
BLOCK = 1 << 22
#: How far --whole reads ahead for the key's prefix when the text is short of letters.
HEAD_MAX = 1 << 25
#: The prefix (in letters) the key search starts from, and where it stops growing.
FIRST_PREFIX = 64
MAX_PREFIX = 1 << 16
_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


# --- many short messages --------------------------------------------------------------------

_worker_backend: Backend | None = None
#: What becomes of each block's answers before they are yielded (``decrypt_parallel``).
Finish = Callable[[list[Decryption]], list[Decryption]]


def _worker_init(model_dir: str, parent: int) -> None:
    """A spawned worker: a fresh interpreter that loads the model itself."""
    global _worker_backend
    # Ctrl-C goes to the whole process group: the parent handles it (and ends the workers), so a
    # worker must not die of it with a traceback of its own. And a worker must not outlive its
    # parent, however the parent ends (SIGKILL included): Linux sends it SIGKILL then.
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited already; kept if that changes
    _die_with_parent(parent)
    _worker_backend = load_backend(model_dir, "cpu")


def _forked_init(backend: Backend, parent: int) -> None:
    """A forked worker: the parent's loaded models (and every table it had built) are already
    here, shared page by page until written. The parent's SIGTERM handler (``interruptible``)
    came along too: a worker dies of SIGTERM (``Pool.terminate``) as a spawned one does."""
    global _worker_backend
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    _worker_backend = backend


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # the parent died before the call above took effect
        os._exit(1)


def _worker_run(
    lines: list[str],
    mode: str,
    window: int,
    key_prefix: int,
    calibration: Any,
    top: int,
    finish: Finish | None,
    backend: Backend | None = None,
) -> list[Decryption]:
    """One block's answers, by ``backend`` (default: this worker process's model)."""
    backend = backend or _worker_backend
    assert backend is not None
    out = decrypt_messages(
        lines,
        backend,
        mode,
        window,
        key_prefix=key_prefix,
        calibration=calibration,
        top=top,
    )
    return out if finish is None else finish(out)


def decrypt_parallel(
    lines: Iterable[str],
    backend: Backend,
    model_dir: str | Path,
    mode: str = DEFAULT_MODE,
    jobs: int = 0,
    chunk: int | None = None,
    window: int = WINDOW,
    max_chars: int = 1 << 22,
    key_prefix: int = 0,
    calibration: Calibration | None = None,
    top: int = TOP,
    finish: Finish | None = None,
) -> Iterator[Decryption]:
    """Decrypt line by line on the CPU with ``jobs`` processes (0: one per core), in input order.
    Workers load the model from ``model_dir``; an input that fits in one block is decrypted here
    with ``backend``, since starting workers would cost more than it saves. ``calibration`` and
    ``top``: as in ``decrypt_messages``. ``finish`` (picklable: a module-level function or a
    ``functools.partial`` of one) maps each block's answers to the answers yielded, in the worker
    that decrypted them (the language step, ``decoding.language.with_language``), so that it
    runs on every core too."""
    if mode not in MODES:
        raise CaesarRNNError(f"unknown decode mode {mode!r}: choose one of {', '.join(MODES)}")
    # A bad line ends the input here; every good line before it is decrypted and yielded, then
    # the error is raised.
    source = StopAtError(lines)
    yield from _decrypt_blocks(
        source, backend, model_dir, mode, jobs, chunk, window, max_chars, key_prefix,
        calibration, top, finish,
    )  # fmt: skip
    source.check()


def _decrypt_blocks(
    lines: Iterable[str],
    backend: Backend,
    model_dir: str | Path,
    mode: str,
    jobs: int,
    chunk: int | None,
    window: int,
    max_chars: int,
    key_prefix: int,
    calibration: Calibration | None,
    top: int,
    finish: Finish | None,
) -> Iterator[Decryption]:
    jobs = jobs or default_jobs()
    chunk = chunk or CHUNK
    it = iter(lines)
    blocks = line_blocks(it, chunk, max_chars)
    first = next(blocks, [])
    second = next(blocks, None)
    args = (mode, window, key_prefix, calibration, top, finish)
    if jobs <= 1 or second is None:
        for block in chain([first], [second] if second else [], blocks):
            if block:
                yield from _worker_run(block, *args, backend)
        return
    # SIGTERM, like Ctrl-C, raises here (``Interrupted``) so that the workers are ended and
    # waited for below: none is left running, or as a zombie, after the command exits.
    with interruptible():
        fork = _can_fork()
        if fork:  # this process builds the tables its forked workers will share
            warm, first = first[:WARM], first[WARM:]
            yield from _worker_run(warm, *args, backend)
        pool = _start_pool(jobs, model_dir, backend, fork)
        try:
            pending: deque[Any] = deque()
            for block in _pieces(chain([first, second], blocks), jobs):
                pending.append(pool.apply_async(_worker_run, (block, *args)))
                while len(pending) > 2 * jobs:
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()
        finally:
            pool.terminate()
            pool.join()


def _pieces(blocks: Iterable[list[str]], jobs: int) -> Iterator[list[str]]:
    """Each block cut into ``jobs`` near-equal pieces, so that the workers' shares of a file of
    a few blocks come out even (20,000 lines in blocks of 8,192: 10,000 each, not 11,808 and
    8,192)."""
    for block in filter(None, blocks):
        size = -(-len(block) // jobs)
        yield from (block[i : i + size] for i in range(0, len(block), size))


def _start_pool(jobs: int, model_dir: str | Path, backend: Backend, fork: bool) -> Any:
    import multiprocessing

    # Workers are born ignoring Ctrl-C (an ignored signal stays ignored across fork and exec, and
    # Python keeps it so), so a Ctrl-C while they start cannot kill one with a traceback. The
    # parent ignores it too for the few milliseconds the processes take to start.
    old_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if fork:
            # Unwritten output would be written again by a worker that exits normally.
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:
                    stream.flush()
            context = multiprocessing.get_context("fork")
            return context.Pool(jobs, _forked_init, (backend, os.getpid()))
        return _spawn_pool(jobs, model_dir)
    finally:
        signal.signal(signal.SIGINT, old_int)


def _can_fork() -> bool:
    """Whether workers may be forked from this process: on Linux, while it runs one thread (so
    that no lock is held by a thread the child would not have, and its BLAS, which starts its
    threads when it loads, is single-threaded, as a worker's must be: ``decrypt`` sets that)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # pragma: no cover - not Linux
        return False


def _spawn_pool(jobs: int, model_dir: str | Path) -> Any:
    """Workers that start a fresh interpreter each and load the model from ``model_dir``."""
    import multiprocessing

    # Spawned workers read these when they import NumPy; the parent's own BLAS is untouched.
    saved = {k: os.environ.get(k) for k in _BLAS_THREADS}
    os.environ.update(dict.fromkeys(_BLAS_THREADS, "1"))
    try:
        return multiprocessing.get_context("spawn").Pool(
            jobs, _worker_init, (str(model_dir), os.getpid())
        )
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# --- one long text ---------------------------------------------------------------------------


@dataclass
class WholeResult:
    shift: int | None  # None: no letters at all
    confidence: float
    letters_used: int  # the prefix the key came from
    bytes: int  # bytes written


def byte_table(k: int) -> bytes:
    """A ``bytes.translate`` table that shifts ASCII letters back by ``k`` (decrypts key k)."""
    low = ALPHABET.encode()
    k = -k % N_LETTERS
    shifted = low[k:] + low[:k]
    return bytes.maketrans(low + low.upper(), shifted + shifted.upper())


def _letter_ends(data: bytes) -> np.ndarray:
    """Offsets just after each ASCII letter of ``data``."""
    b = np.frombuffer(data, np.uint8) | 0x20  # (L,) lowercased; bytes >= 0x80 stay >= 0xA0
    return np.flatnonzero((b >= 97) & (b <= 122)) + 1


def find_key(head: bytes, backend: Backend, decisive: float = DECISIVE) -> tuple[Decryption, int]:
    """The key of the text starting with ``head``: the model reads the first 64 letters, then 4x
    more each round, until the confidence reaches ``decisive`` or the prefix ``MAX_PREFIX``
    letters (or all of ``head``). Returns the decryption of the prefix and its letter count."""
    ends = _letter_ends(head)
    n = FIRST_PREFIX
    while True:
        cut = int(ends[n - 1]) if n <= len(ends) else len(head)
        # A cut just after an ASCII byte never splits a UTF-8 sequence.
        prefix = head[:cut].decode("utf-8", errors="replace")
        [d] = decrypt_messages([prefix], backend, "key")
        used = min(n, len(ends))
        if d.shift is None or d.confidence >= decisive or n >= min(len(ends), MAX_PREFIX):
            return d, used
        n = min(4 * n, MAX_PREFIX)


def decrypt_whole(
    src: BinaryIO, dst: BinaryIO, backend: Backend, decisive: float = DECISIVE
) -> WholeResult:
    """Decrypt all of ``src`` as one message under one key, into ``dst``, a block at a time."""
    head = src.read(BLOCK)
    # The key search wants up to MAX_PREFIX letters: read on (HEAD_MAX bytes at most) if the
    # first block has fewer.
    while len(_letter_ends(head)) < MAX_PREFIX and len(head) < HEAD_MAX:
        more = src.read(BLOCK)
        if not more:
            break
        head += more
    d, used = find_key(head, backend, decisive)
    table = byte_table(d.shift or 0)
    written = 0
    block = head
    while block:
        write_all(dst, block.translate(table))  # every byte, or an error: never a short output
        written += len(block)
        block = src.read(BLOCK)
    try:
        dst.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise CaesarRNNError(f"cannot write to stdout: {exc.strerror}") from None
    return WholeResult(d.shift, d.confidence, used, written)
