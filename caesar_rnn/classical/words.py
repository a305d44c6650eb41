"""The ``words`` cracker: rank the 26 candidate plaintexts by their best split into English words.

Norvig-style segmentation: a Viterbi pass over letter positions finds, for each candidate, the
split into words (at most ``MAX_WORD`` letters each) with the highest log-probability under word
counts and word-pair counts (symspellpy's Google Books lists, which the model trains on too, plus
the common words they lack, such as "mr" and "dr", from wordfreq:
``P(w | previous word)`` where the pair was counted, else ``P(w)``). A word outside the list costs
a fixed penalty plus one per letter on top of its letters' quadgram log-probability; a message may
start or end inside a word, so its first piece may be the end of a known word and its last piece
the start of one (the summed probability of the words it starts or ends, less ``Params.edge`` or
``edge_start``).
Where the message has spaces or punctuation (the natural style), its runs of letters are the
words: each run is scored on its own, and splitting a run costs ``Params.split`` per cut.

A candidate's score (natural log) is that split's log-probability plus ``Params.lam`` times its
quadgram log-likelihood. Segmenting costs far more than n-grams, so the letter-trigram scores of
all 26 shifts come first (vectorised) and only the shifts within ``Params.margin`` (log10) of the
best one, at most ``Params.max_shifts``, and those whose first ``Params.prefix`` letters start a
known word, are segmented (all of a call's at once in NumPy, ``Segmenter.scores``; one text in
pure Python, ``Segmenter.score``: the same scores bit for bit); the others rank below them in
trigram order. Runs are cached.
The parameters were chosen on text outside every evaluation set (experiments/words-solver/).
"""

from __future__ import annotations

import collections
import itertools
import math
import mmap
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

import numpy as np

from caesar_rnn.cipher import N_LETTERS, count_letters, decrypt
from caesar_rnn.classical import wordtrie
from caesar_rnn.classical.lexicon import Lexicon
from caesar_rnn.classical.ngrams import ngram_logp
from caesar_rnn.classical.wordtrie import WordTrie
from caesar_rnn.errors import CaesarRNNError

#: Longest word the segmenter tries (letters); longer runs are cut into pieces.
MAX_WORD = 20
_LN10 = math.log(10.0)
_NEG = -1e9
_RUN = re.compile(r"[a-z]+")
_SHIFTS = np.arange(N_LETTERS)
#: The cheap scorer that picks which shifts to split: letter trigrams (its 26-shift table builds in
#: milliseconds, the quadgram's in a second).
PRUNE_ORDER = 3
_T = TypeVar("_T")


@dataclass(frozen=True)
class Params:
    """The words cracker's weights and penalties (natural-log units unless said otherwise)."""

    lam: float = 0.5  # weight of the candidate's quadgram log-likelihood
    unk: float = -10.0  # an unknown word: this, plus unk_letter per letter, plus its letters' logp
    unk_letter: float = -1.0
    edge: float = 1.0  # penalty of a last piece that is the start of a known word
    edge_start: float = 4.0  # penalty of a first piece that is the end of a known word
    split: float = 6.0  # natural style: penalty per cut inside a run of letters
    margin: float = 5.0  # log10: split the shifts whose trigram score is this close to the best
    max_shifts: int = 4
    prefix: int = 5  # and the shifts whose first this-many letters start a known word,
    prefix_below: int = 20  # in messages of fewer letters than this (0: every message)


#: The packaged lexicon, built from symspellpy's lists by scripts/build_words_table.py.
TABLE = "words.safetensors"


#: The same lexicon as arrays, for splitting many candidates at once (``wordtrie``).
TRIE = "words-trie.safetensors"


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The packaged lexicon (symspellpy's word and word-pair counts), opened once per process
    (its buckets are read as lookups need them, ``caesar_rnn.classical.lexicon``); nothing is
    written anywhere."""
    return _open(TABLE, Lexicon.from_bytes)


@lru_cache(maxsize=1)
def word_trie() -> WordTrie:
    """The packaged lexicon as a trie of arrays (``caesar_rnn.classical.wordtrie``), read once
    per process when many candidates are split at once."""
    return _open(TRIE, wordtrie.from_bytes)


def _table_bytes(name: str) -> bytes:
    """A packaged table's bytes: the file mapped read-only where it is a file (the tables are
    read as views of these bytes, ``caesar_rnn.tables``, so a process reads only the pages its
    lookups touch), else read whole."""
    ref = resources.files("caesar_rnn.classical").joinpath(name)
    if not isinstance(ref, Path):  # inside a zip: read it
        return ref.read_bytes()
    with open(ref, "rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)  # type: ignore[return-value]


def _open(name: str, parse: Callable[[bytes], _T]) -> _T:
    try:
        return parse(_table_bytes(name))
    except Exception as exc:  # missing or damaged (safetensors and zlib raise their own errors)
        raise CaesarRNNError(
            f"the word table {name} is missing or damaged ({type(exc).__name__}); "
            "reinstall caesar-rnn or rebuild it with scripts/build_words_table.py"
        ) from None


@lru_cache(maxsize=1)
def _letter_tables() -> tuple[list[float], ...]:
    """ln P(letter | up to 3 letters before it) from the quadgram tables, as flat lists indexed
    base 26 by the letter and its context (1..4 letters)."""
    out = []
    for n in range(1, 5):
        lp = ngram_logp(n)
        if n > 1:
            lp = lp - np.repeat(ngram_logp(n - 1), N_LETTERS)
        out.append((lp * _LN10).tolist())
    return tuple(out)


def letter_cumsum(run: str) -> list[float]:
    """Cumulative ln P of the run's letters under the quadgram model (len(run) + 1)."""
    t1, t2, t3, t4 = _letter_tables()
    c = [ord(ch) - 97 for ch in run]
    lps = [t1[x] for x in c[:1]] + [t2[a * 26 + b] for a, b in zip(c[:1], c[1:2], strict=False)]
    lps += [t3[(a * 26 + b) * 26 + d] for a, b, d in zip(c[:1], c[1:2], c[2:3], strict=False)]
    lps += [
        t4[((a * 26 + b) * 26 + d) * 26 + e]
        for a, b, d, e in zip(c, c[1:], c[2:], c[3:], strict=False)
    ]
    return list(itertools.accumulate(lps, initial=0.0))


def _backtrack(run: str, back: list[int]) -> tuple[str, ...]:
    """The words of the best split, from each position's back pointer."""
    words, j = [], len(run)
    while j > 0:
        words.append(run[back[j] : j])
        j = back[j]
    return tuple(reversed(words))


class Segmenter:
    """Best splits of runs of letters into words, cached per (run, previous word, edges)."""

    def __init__(self, lex: Lexicon | None, params: Params) -> None:
        """``lex``: None for the packaged lexicon (read when first needed: ``scores`` reads
        only its trie, ``word_trie``)."""
        self._lex = lex
        self.p = params
        self.run_score = lru_cache(maxsize=1 << 16)(self._run_score)
        #: ``scores``' cache: (run, previous piece's trie node, opens, closes, cut) -> (score, node)
        self.batch_cache: dict[tuple, tuple[float, int]] = {}

    @cached_property
    def lex(self) -> Lexicon:
        return self._lex if self._lex is not None else lexicon()

    @cached_property
    def trie(self) -> WordTrie:
        """The lexicon's trie: the packaged one's, or built from another lexicon's tables."""
        lex = self._lex
        if lex is None or (lexicon.cache_info().currsize and lex is lexicon()):
            return word_trie()
        return WordTrie(wordtrie.pack(lex.starts, lex.logp, lex.ends, lex.pairs))

    def _run_score(
        self, run: str, prev: str | None, start: bool, end: bool, cut: float
    ) -> tuple[float, tuple[str, ...]]:
        """(best log-probability of the run split into words plus ``lam`` times its letters'
        quadgram log-likelihood, that split's words). ``start``/``end``: the run opens/closes
        the message, so it may begin/end inside a word; ``cut``: penalty per word after the
        first. Forward Viterbi: from each position, the words are tried while the piece still
        starts a known word (one dict lookup each). Any piece may also be an unknown word,
        scoring ``unk + unk_letter * length + qc[j] - qc[i]``: a part of its start i plus a part
        of its end j, so the best unknown piece ending at j starts at the best ``key`` among
        the last ``MAX_WORD`` positions (a monotonic queue) instead of one try per length."""
        n = len(run)
        qc = letter_cumsum(run)
        tables, pairs = self.lex.piece_tables, self.lex.pairs_of
        unk, unk_letter, edge = self.p.unk, self.p.unk_letter, self.p.edge
        best = [0.0] + [_NEG] * n
        last: list[str | None] = [prev] + [None] * n
        back = [0] * (n + 1)
        if start:
            self._first_pieces(run, best, last, back)
        keys: list[float] = []
        queue: collections.deque[int] = collections.deque()
        for i in range(n + 1):
            if i:  # the best unknown piece ending at i
                while queue[0] < i - MAX_WORD:
                    queue.popleft()
                k = queue[0]
                u = keys[k] + unk + unk_letter * i + qc[i]
                if u > best[i]:
                    best[i], last[i], back[i] = u, run[k:i], k
                if i == n:
                    break
            bi = best[i] - (cut if i else 0.0)
            key = bi - unk_letter * i - qc[i]
            keys.append(key)
            while queue and keys[queue[-1]] < key:
                queue.pop()
            queue.append(i)
            d = pairs(last[i]) if last[i] is not None else None  # type: ignore[arg-type]
            st, wd = tables(run[i : i + 2])
            starts, logp = st.get, wd.get
            for j in range(i + 1, min(n, i + MAX_WORD) + 1):
                w = run[i:j]
                mass = starts(w)
                if mass is None:
                    break  # no word starts with w: none with a longer piece either
                lp = logp(w)
                if lp is not None and d is not None:
                    c = d.get(w)
                    if c is not None and c > lp:
                        lp = c
                if end and j == n and (lp is None or mass - edge > lp):
                    lp = mass - edge
                if lp is not None and bi + lp > best[j]:
                    best[j], last[j], back[j] = bi + lp, w, i
        return best[n] + self.p.lam * qc[n], _backtrack(run, back)

    def _first_pieces(self, run: str, best: list[float], last: list, back: list) -> None:
        """The run opens the message: its first piece may be the end of a known word."""
        ends, pen = self.lex.end_table(run[:2]).get, self.p.edge_start
        for j in range(1, min(len(run), MAX_WORD) + 1):
            lp = ends(run[:j])
            if lp is not None and lp - pen > best[j]:
                best[j], last[j], back[j] = lp - pen, run[:j], 0

    def split(self, text: str) -> tuple[float, list[str]]:
        """One candidate plaintext's score and words: the best split of its runs of letters
        (apostrophes dropped) into words, plus ``lam`` times its letters' quadgram
        log-likelihood (natural log). Each run is split on its own, after the previous run's
        last word; cutting a run costs ``split`` where the text has several runs."""
        runs = _RUN.findall(text.lower().replace("'", ""))
        total, prev, words = 0.0, None, list[str]()
        cut = 0.0 if len(runs) == 1 else self.p.split
        for k, run in enumerate(runs):
            s, ws = self.run_score(run, prev, k == 0, k == len(runs) - 1, cut)
            total += s
            words += ws
            prev = ws[-1]
        return total, words

    def score(self, text: str) -> float:
        return self.split(text)[0]

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """(T,) ``score`` of each text, bit for bit, with many texts split at once in NumPy
        (``caesar_rnn.classical.batchsplit``)."""
        from caesar_rnn.classical.batchsplit import split_scores

        return split_scores(texts, self)


def prepare() -> None:
    """Load every table now (for timings that should not include it)."""
    from caesar_rnn.classical.crackers import prepare as prepare_ngrams

    prepare_ngrams()
    lexicon()
    word_trie()
    _letter_tables()


@lru_cache(maxsize=4)
def segmenter(params: Params = Params()) -> Segmenter:
    return Segmenter(None, params)


def prefix_hits(messages: Sequence[str], k: int, trie: WordTrie, below: int = 0) -> np.ndarray:
    """(B, 26) bool: the shifts under which the first k letters of a message's first run of
    letters start a known word (a cheap net for the shifts the trigram pruning would drop:
    "puzzle" and "calmly" score low on letter trigrams). A first run shorter than k counts only
    where it is the whole message: short words start too many known words to be a filter."""
    out = np.zeros((len(messages), N_LETTERS), bool)
    is_ascii = np.fromiter(map(str.isascii, messages), bool, len(messages))
    if is_ascii.all():
        heads = _ascii_heads(list(messages), k, below)
    else:
        ascii_ = np.flatnonzero(is_ascii)
        heads = _ascii_heads([messages[b] for b in ascii_.tolist()], k, below)
        heads = {n: (ascii_[rows], c) for n, (rows, c) in heads.items()}
    others: dict[int, list[tuple[int, list[int]]]] = {}
    for b in np.flatnonzero(~is_ascii).tolist():
        m = messages[b]
        if below and count_letters(m) >= below:
            continue
        runs = _RUN.finditer(m.lower())  # lower() makes ASCII letters of some others (K, İ)
        first, second = next(runs, None), next(runs, None)
        if first and (len(first.group()) >= k or second is None):
            head = [ord(ch) - 97 for ch in first.group()[:k]]
            others.setdefault(len(head), []).append((b, head))
    for n, found in others.items():
        rows, c = heads.get(n, (np.zeros(0, np.int64), np.zeros((0, n), np.int64)))
        more = np.asarray([b for b, _ in found]), np.asarray([h for _, h in found], np.int64)
        heads[n] = np.concatenate([rows, more[0]]), np.concatenate([c, more[1]])
    shifted = (_SHIFTS[:, None] - _SHIFTS[None, :]) % N_LETTERS  # [c, s]: c decrypted with s
    for n, (rows, c) in heads.items():  # c: (b, n) letters 0..25
        code = np.zeros((len(rows), N_LETTERS), np.int64)  # (b, 26): each shift's head, base 26
        for j in range(n):
            code = code * N_LETTERS + shifted[c[:, j]]
        out[rows] = trie.has_prefix(n, code)
    return out


def _ascii_heads(
    messages: list[str], k: int, below: int
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """``prefix_hits``' heads of ASCII messages, found on their bytes all at once: by head
    length n, (the messages' indices, (b, n) the first n letters of the first run, 0..25)."""
    if not messages:
        return {}
    low = np.frombuffer(("\n".join(messages) + "\n").encode("ascii"), np.uint8) | 0x20
    letter = (low >= 97) & (low <= 122)  # A-Z and a-z: "| 0x20" maps no other byte there
    sizes = np.fromiter(map(len, messages), np.int64, len(messages)) + 1
    starts = np.cumsum(sizes) - sizes
    count = np.add.reduceat(letter.astype(np.int64), starts)
    at = np.flatnonzero(letter)
    if not len(at):
        return {}
    p0 = at[np.minimum(np.searchsorted(at, starts), len(at) - 1)]  # the first letter
    gaps = np.flatnonzero(~letter)  # each message ends on the "\n" after it
    run = gaps[np.searchsorted(gaps, p0)] - p0  # the first run's length
    ok = (count > 0) & ((run >= k) | (run == count)) & ((count < below) | (below == 0))
    head = np.minimum(run, k)
    out = {}
    for n in range(1, k + 1):  # (not np.unique: its first call imports ~30 ms of NumPy)
        rows = np.flatnonzero(ok & (head == n))
        if len(rows):
            out[n] = rows, low[p0[rows, None] + np.arange(n)].astype(np.int64) - 97
    return out


def word_scores(
    messages: Sequence[str], params: Params = Params(), seg: Segmenter | None = None
) -> np.ndarray:
    """(B, 26) words scores, higher is better (natural log). The shifts whose letter-trigram
    log-likelihood is within ``margin`` (log10) of the best, at most ``max_shifts``, and those
    whose first ``prefix`` letters start a known word (``prefix_hits``), are scored by
    ``Segmenter.score``; the others rank below the lowest of those, in trigram order. Where only
    one shift is chosen, nothing is split: the scores are the trigram log-likelihoods.
    A message that comes again in the same call is scored once."""
    from caesar_rnn.classical.crackers import letter_indices, ngram_scores

    distinct = dict.fromkeys(messages)
    if len(distinct) < len(messages):
        first = {m: i for i, m in enumerate(distinct)}
        return word_scores(list(distinct), params, seg)[[first[m] for m in messages]]
    idx = letter_indices(messages)
    lens = np.fromiter(map(len, idx), np.int64, len(idx))
    out = ngram_scores(messages, PRUNE_ORDER, idx=idx) * _LN10  # (B, 26)
    top = out.max(axis=1, keepdims=True)  # (B, 1)
    chosen = out >= top - params.margin * _LN10  # (B, 26): near the best
    crowded = np.flatnonzero(chosen.sum(axis=1) > params.max_shifts)
    if len(crowded):  # keep the max_shifts best of those (ties: the smaller shift)
        order = np.argsort(-out[crowded], axis=1, kind="stable")[:, params.max_shifts :]
        keep = chosen[crowded]
        np.put_along_axis(keep, order, False, axis=1)
        chosen[crowded] = keep
    if params.prefix:
        trie = seg.trie if seg else word_trie()
        netted = np.arange(len(messages))
        if params.prefix_below:  # only these can hit: the net's own test, on counts in hand
            netted = np.flatnonzero(lens < params.prefix_below)
        if len(netted):
            hits = prefix_hits([messages[b] for b in netted.tolist()], params.prefix, trie)
            chosen[netted] |= hits
    undecided = np.flatnonzero((chosen.sum(axis=1) > 1) & out.any(axis=1))
    if not len(undecided):
        return out
    seg = seg or segmenter(params)
    rows, shifts = np.nonzero(chosen[undecided])  # row-major: each message's shifts together
    scored = _split_candidates(messages, idx, lens, undecided[rows], shifts, seg)
    firsts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])  # each message's first shift
    lowest = np.minimum.reduceat(scored, firsts)  # (U,) the lowest split score of each message
    # The shifts not split rank below the lowest split one, in trigram order.
    out[undecided] = lowest[:, None] - (top[undecided] - out[undecided])
    out[undecided[rows], shifts] = scored
    return out


def _split_candidates(
    messages: Sequence[str],
    idx: list[np.ndarray],
    lens: np.ndarray,
    which: np.ndarray,
    shifts: np.ndarray,
    seg: Segmenter,
) -> np.ndarray:
    """``seg.score`` of each candidate: message ``which[i]`` decrypted with ``shifts[i]``.
    Messages of ASCII letters only are split straight from their letters (``idx``, ``lens``
    their counts: ``batchsplit.split_letters``), the others from their decrypted texts."""
    from caesar_rnn.classical.batchsplit import split_letters

    chars = np.fromiter(map(len, messages), np.int64, len(messages))
    n = lens[which]
    plain = n == chars[which]
    out = np.zeros(len(which))
    at = np.flatnonzero(plain)
    if len(at):
        letters = np.concatenate([*idx, np.zeros(0, np.int64)])
        offsets = np.cumsum(lens) - lens  # each message's first letter in ``letters``
        m = n[at]
        begin = np.cumsum(m) - m  # each candidate's first letter in ``flat``
        pos = np.repeat(offsets[which[at]] - begin, m) + np.arange(int(m.sum()))
        flat = (letters[pos] - np.repeat(shifts[at], m)) % N_LETTERS
        out[at] = split_letters(flat, m, seg)
    rest = np.flatnonzero(~plain)
    if len(rest):
        texts = [decrypt(messages[which[i]], int(shifts[i])) for i in rest.tolist()]
        out[rest] = seg.scores(texts)
    return out
