"""Many candidate plaintexts split into words at once: ``words.Segmenter.score`` in NumPy.

The same forward Viterbi as ``Segmenter._run_score``, run over many runs of letters side by side:
the runs are sorted longest first and padded to a common width, and one step per letter position
updates every run that is still that long. The pieces that start at each position are found
first, for every run at once, by walking the lexicon's trie level by level
(``caesar_rnn.classical.wordtrie``); only the word pairs wait for the step, since they depend on
the best path's previous word. Every score is the same float64 sum, in the same order, as the
pure-Python segmenter's (tests/classical/test_batchsplit.py checks them bit for bit); candidates
with a run longer than ``LONG`` letters go through the pure-Python segmenter, whose cost is per
letter rather than per step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.classical.ngrams import ngram_logp
from caesar_rnn.classical.wordtrie import DIRECT, END_LETTERS, WordTrie

if TYPE_CHECKING:
    from caesar_rnn.classical.words import Segmenter

#: Runs longer than this go through the pure-Python segmenter.
LONG = 128
#: Runs are split together (one Viterbi: a step per letter position, over the runs that long)
#: unless their piece table would pass this many cells; then those up to SHORT letters apart.
CELLS = 1 << 22
SHORT = 16


@dataclass
class Runs:
    """Runs of letters to split, longest first: letters (R, W) 0..25, lengths, the previous
    run's last piece (its trie node, -1 for none), whether each opens/closes its message, and
    the penalty per cut."""

    letters: np.ndarray
    n: np.ndarray
    prev: np.ndarray
    start: np.ndarray
    end: np.ndarray
    cut: np.ndarray
    text: Sequence[str]


@dataclass
class Pieces:
    """The runs' pieces that start a known word: ``nodes[i, r, k]`` is the trie node of the
    k-letter piece of run r at position i (-1: none); the pieces that can end a split step
    (a word, or the start of a word that closes the message), sorted by position, with
    ``offsets[i]:offsets[i + 1]`` those at position i."""

    nodes: np.ndarray
    offsets: np.ndarray
    row: np.ndarray
    stop: np.ndarray
    node: np.ndarray
    word: np.ndarray
    edge: np.ndarray
    lp: np.ndarray  # the piece's score where no pair applies (the word, or the closing start)


def make_runs(keys: list[tuple]) -> tuple[Runs, np.ndarray]:
    """Runs from (run, previous node, opens, closes, cut) keys, sorted longest first and padded
    to the longest; and the keys' order."""
    order = sorted(range(len(keys)), key=lambda k: -len(keys[k][0]))
    texts = [keys[k][0] for k in order]
    width = len(texts[0])
    padded = b"".join(t.encode().ljust(width, b"a") for t in texts)
    letters = np.frombuffer(padded, np.uint8).reshape(len(order), width).astype(np.int64) - 97
    cols = list(zip(*(keys[k] for k in order), strict=True))
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    prev, start, end, cut = (
        np.asarray(c, t) for c, t in zip(cols[1:], (np.int64, bool, bool, float), strict=True)
    )
    return Runs(letters, lengths, prev, start, end, cut, texts), np.asarray(order)


class Lattice:
    """The Viterbi's tables over the runs' W + 1 positions: the best score so far (``best``),
    the trie node of the best split's last piece (``last``, -1: none), the unknown-piece key
    (``keys``), the letters' cumulative ln P (``qc``) and the pieces' nodes (``nodes``)."""

    def __init__(self, runs: Runs, nodes: np.ndarray) -> None:
        from caesar_rnn.classical.words import _NEG

        r_count, width = runs.letters.shape
        self.qc = letter_cumsum(runs.letters)
        self.best = np.full((r_count, width + 1), _NEG)
        self.best[:, 0] = 0.0
        self.last = np.full((r_count, width + 1), -1, np.int64)
        self.last[:, 0] = runs.prev
        self.keys = np.zeros((r_count, width + 1))
        self.nodes = nodes

    def offer(
        self, rows: np.ndarray, at: int | np.ndarray, score: np.ndarray, node: np.ndarray
    ) -> None:
        """Take each (row, position) score that beats the best so far there."""
        better = np.flatnonzero(score > self.best[rows, at])
        rows = rows[better]
        at = at if isinstance(at, int) else at[better]
        self.best[rows, at] = score[better]
        self.last[rows, at] = node[better]


def letter_cumsum(letters: np.ndarray) -> np.ndarray:
    """(R, W + 1) cumulative ln P of each run's letters: ``words.letter_cumsum`` row-wise, each
    letter's (log10 P(n-gram) - log10 P(its first n - 1 letters)) x ln 10 read from the n-gram
    tables as ``words._letter_tables`` computes it for every n-gram."""
    from caesar_rnn.classical.words import _LN10

    c = letters
    r, w = c.shape
    lp = np.zeros((r, w))
    lp[:, 0] = ngram_logp(1)[c[:, 0]] * _LN10
    code = c[:, 0]
    for p in (1, 2):  # the second and third letters: after one and two letters
        if w > p:
            code = code * N_LETTERS + c[:, p]
            lp[:, p] = (ngram_logp(p + 1)[code] - ngram_logp(p)[code // N_LETTERS]) * _LN10
    if w > 3:  # the others: after three letters
        q = ((c[:, :-3] * N_LETTERS + c[:, 1:-2]) * N_LETTERS + c[:, 2:-1]) * N_LETTERS + c[:, 3:]
        lp[:, 3:] = (ngram_logp(4)[q] - ngram_logp(3)[q // N_LETTERS]) * _LN10
    out = np.zeros((r, w + 1))
    np.cumsum(lp, axis=1, out=out[:, 1:])
    return out


def find_pieces(trie: WordTrie, runs: Runs, max_word: int, edge: float) -> Pieces:
    """Walk the trie from every position of every run, one letter (level) at a time."""
    c, n = runs.letters, runs.n
    r_count, width = c.shape
    nodes = np.full((width + 1, r_count, min(max_word, width) + 1), -1, np.int32)
    row, pos = np.nonzero(np.arange(width)[None, :] < n[:, None])
    code = np.zeros(len(row), np.int64)
    node = np.zeros(len(row), np.int64)
    found: list[tuple[np.ndarray, ...]] = []
    for k in range(1, max_word + 1):
        if k > 1:
            keep = (node >= 0) & (pos + k <= n[row])
            row, pos, code, node = row[keep], pos[keep], code[keep], node[keep]
            if not len(row):
                break
        letter = c[row, pos + k - 1]
        if k <= DIRECT:
            code = code * N_LETTERS + letter
            node = trie.direct[k - 1][code]
        else:
            node = trie.child(node, letter)
        live = node >= 0
        lr, lp, ln = row[live], pos[live], node[live]
        nodes[lp, lr, k] = ln
        word = trie.word[ln].astype(np.float64)
        closes = runs.end[lr] & (lp + k == n[lr])
        edge_lp = np.where(closes, trie.start[ln].astype(np.float64) - edge, np.nan)
        useful = ~np.isnan(word) | closes
        found.append(
            (lp[useful], lr[useful], lp[useful] + k, ln[useful], word[useful], edge_lp[useful])
        )
    at, r, stop, nd, word, edge_lp = (np.concatenate(x) for x in zip(*found, strict=True))
    order = np.argsort(at.astype(np.int16), kind="stable")  # (a radix sort: at <= LONG)
    offsets = np.searchsorted(at[order], np.arange(width + 2))
    word, edge_lp = word[order], edge_lp[order]
    lp = _with_edge(word, edge_lp)
    return Pieces(nodes, offsets, r[order], stop[order], nd[order], word, edge_lp, lp)


def _with_edge(word: np.ndarray, edge: np.ndarray) -> np.ndarray:
    """A piece that closes its message scores as the start of a word where that is better."""
    return np.where(~np.isnan(edge) & (np.isnan(word) | (edge > word)), edge, word)


def first_pieces(trie: WordTrie, runs: Runs, lat: Lattice, seg: Segmenter, max_word: int) -> None:
    """Runs that open their message: a first piece may be the end of a known word
    (``Segmenter._first_pieces``): the first 1..END_LETTERS letters of every such run looked up
    at once (each (run, length) cell gets one offer, as in the pure-Python loop)."""
    rows = np.flatnonzero(runs.start)
    pen = seg.p.edge_start
    top = min(runs.letters.shape[1], END_LETTERS, max_word)
    if not len(rows) or top < 1:
        return
    code = np.zeros((len(rows), top), np.int64)  # (r, k): base-27 code of the first k letters
    acc = np.zeros(len(rows), np.int64)
    for j in range(top):
        acc = acc * 27 + runs.letters[rows, j] + 1
        code[:, j] = acc
    r, k = np.nonzero(np.arange(1, top + 1)[None, :] <= runs.n[rows, None])
    at, row = k + 1, rows[r]
    lat.offer(row, at, trie.end_values(code[r, k]) - pen, lat.nodes[0, row, at])
    if top == END_LETTERS and max_word > END_LETTERS:  # longer ends: from the buckets
        full = np.flatnonzero(runs.n[rows] >= END_LETTERS)
        for one_row in rows[full[trie.longer_ends(code[full, -1])]].tolist():
            run = runs.text[one_row]
            ends = seg.lex.end_table(run[:2]).get
            for j in range(END_LETTERS + 1, min(len(run), max_word) + 1):
                lp = ends(run[:j])
                if lp is not None:
                    one = np.asarray([one_row])
                    lat.offer(one, j, np.asarray([lp - pen]), lat.nodes[0, one, j])


def viterbi(seg: Segmenter, runs: Runs, max_word: int) -> tuple[np.ndarray, np.ndarray]:
    """(R,) scores and (R,) trie nodes of each run's last piece (-1: not a word start), as
    ``Segmenter._run_score`` computes them, one letter position at a time for every run."""
    trie, params = seg.trie, seg.p
    width = runs.letters.shape[1]
    pieces = find_pieces(trie, runs, max_word, params.edge)
    lat = Lattice(runs, pieces.nodes)
    if runs.start.any():
        first_pieces(trie, runs, lat, seg, max_word)
    active = np.searchsorted(-runs.n, -np.arange(width + 1), side="right")  # rows with n >= i
    unk_letter = params.unk_letter
    for i in range(width + 1):
        a = int(active[i])
        if i:
            _unknown(lat, i, a, params.unk, unk_letter, max_word)
            bi = lat.best[:a, i] - runs.cut[:a]
        else:
            bi = lat.best[:a, 0] - 0.0
        lat.keys[:a, i] = bi - unk_letter * i - lat.qc[:a, i]
        lo, hi = pieces.offsets[i], pieces.offsets[i + 1]
        if hi > lo:
            _words(trie, pieces, lat, slice(lo, hi), i, bi)
    rows = np.arange(len(runs.n))
    return lat.best[rows, runs.n] + params.lam * lat.qc[rows, runs.n], lat.last[rows, runs.n]


def _unknown(lat: Lattice, i: int, a: int, unk: float, unk_letter: float, max_word: int) -> None:
    """The best unknown piece ending at i: from the start k of best ``key`` among the last
    ``max_word`` positions (the first such k on ties, as the monotonic queue keeps it)."""
    lo = max(0, i - max_word)
    k = lat.keys[:a, lo:i].argmax(axis=1) + lo
    rows = np.arange(a)
    u = lat.keys[rows, k] + unk + unk_letter * i + lat.qc[:a, i]
    lat.offer(rows, i, u, lat.nodes[k, rows, i - k])


def _words(trie: WordTrie, pieces: Pieces, lat: Lattice, at: slice, i: int, bi: np.ndarray) -> None:
    """The known words (and closing word starts) from position i: ln P(w | the best split's
    last word) where that pair was counted and is higher than ln P(w)."""
    r, node, lp = pieces.row[at], pieces.node[at], pieces.lp[at]
    prev = lat.last[r, i]
    paired = np.flatnonzero(trie.has_pairs[prev] & ~np.isnan(pieces.word[at]))
    if len(paired):
        c = trie.pair_values(prev[paired], node[paired])
        word = pieces.word[at][paired]
        lp = lp.copy()
        lp[paired] = _with_edge(np.where(c > word, c, word), pieces.edge[at][paired])
    lat.offer(r, pieces.stop[at], bi[r] + lp, node)


def split_scores(texts: Sequence[str], seg: Segmenter) -> np.ndarray:
    """(T,) each text's ``seg.score(text)``: the k-th runs of letters of every text are split
    together (round k), each after the text's previous run's last piece."""
    from caesar_rnn.classical.words import _RUN

    out = np.zeros(len(texts))
    runs_of = [_RUN.findall(t.lower().replace("'", "")) for t in texts]
    todo = []
    for k, runs in enumerate(runs_of):
        if runs and max(map(len, runs)) > LONG:
            out[k] = seg.score(texts[k])
        elif runs:
            todo.append(k)
    prev = [-1] * len(texts)
    split, step = seg.p.split, 0
    while todo:
        keys: dict[tuple, int] = {}
        which = [
            keys.setdefault(
                (r[step], prev[k], step == 0, step == len(r) - 1, 0.0 if len(r) == 1 else split),
                len(keys),
            )
            for k in todo
            for r in (runs_of[k],)
        ]
        score, node = _split_unique(list(keys), seg)
        pick = np.asarray(which)
        out[todo] += score[pick]
        for k, last in zip(todo, node[pick].tolist(), strict=True):
            prev[k] = last
        step += 1
        todo = [k for k in todo if len(runs_of[k]) > step]
    return out


def split_letters(flat: np.ndarray, lengths: np.ndarray, seg: Segmenter) -> np.ndarray:
    """(T,) ``seg.score`` of candidates that are whole messages of ASCII letters only, given
    as their letters 0..25 one after the other (``flat``) and how many each has: one run each,
    which opens and closes its message. The same scores as ``split_scores`` on their texts,
    without the text round trip (decrypting, finding the runs, encoding them again) or the
    cache."""
    from caesar_rnn.classical.words import MAX_WORD

    out = np.zeros(len(lengths))
    starts = np.cumsum(lengths) - lengths
    text = (flat + 97).astype(np.uint8).tobytes().decode("ascii")
    for k in np.flatnonzero(lengths > LONG).tolist():
        out[k] = seg.score(text[starts[k] : starts[k] + lengths[k]])
    ids = np.flatnonzero((lengths > 0) & (lengths <= LONG))
    groups = [ids]
    if len(ids) and len(ids) * (lengths[ids].max() + 1) * (MAX_WORD + 1) > CELLS:
        groups = [ids[lengths[ids] <= SHORT], ids[lengths[ids] > SHORT]]
    for group in groups:
        if len(group):
            group = group[np.argsort(-lengths[group], kind="stable")]  # longest first
            out[group] = viterbi(
                seg, _letter_runs(flat, text, starts[group], lengths[group]), MAX_WORD
            )[0]
    return out


def _letter_runs(flat: np.ndarray, text: str, starts: np.ndarray, n: np.ndarray) -> Runs:
    """Runs (sorted longest first already) read from ``flat`` at ``starts``."""
    width = int(n[0])
    cols = np.arange(width)
    inside = cols[None, :] < n[:, None]
    letters = np.where(inside, flat[np.minimum(starts[:, None] + cols, len(flat) - 1)], 0)
    r = len(n)
    true = np.ones(r, bool)
    return Runs(
        letters, n, np.full(r, -1, np.int64), true, true, np.zeros(r), _Slices(text, starts, n)
    )


class _Slices(Sequence[str]):
    """The runs' texts, cut from one string when asked for (only runs whose first piece may end
    a word longer than ``END_LETTERS`` letters are)."""

    def __init__(self, text: str, starts: np.ndarray, n: np.ndarray) -> None:
        self.text, self.starts, self.n = text, starts, n

    def __len__(self) -> int:
        return len(self.n)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        a = int(self.starts[i])
        return self.text[a : a + int(self.n[i])]


def _split_unique(keys: list[tuple], seg: Segmenter) -> tuple[np.ndarray, np.ndarray]:
    """Scores and last nodes of distinct (run, previous node, opens, closes, cut) keys, from
    the segmenter's cache or one Viterbi per width."""
    from caesar_rnn.classical.words import MAX_WORD

    cache = seg.batch_cache
    if len(cache) > 1 << 18:
        cache.clear()
    got = [cache.get(key) for key in keys]
    missing = [k for k, g in enumerate(got) if g is None]
    longest = max((len(keys[k][0]) for k in missing), default=0)
    groups = [missing]
    if len(missing) * (longest + 1) * (MAX_WORD + 1) > CELLS:  # short and long runs apart
        groups = [[k for k in missing if (len(keys[k][0]) <= SHORT) == short] for short in (1, 0)]
    for ids in groups:
        if not ids:
            continue
        runs, order = make_runs([keys[k] for k in ids])
        s, last = viterbi(seg, runs, MAX_WORD)
        for k, found in zip(
            np.asarray(ids)[order].tolist(),
            zip(s.tolist(), last.tolist(), strict=True),
            strict=True,
        ):
            got[k] = cache[keys[k]] = found
    done: list[tuple[float, int]] = got  # type: ignore[assignment]  # every key is found now
    score = np.fromiter((g[0] for g in done), np.float64, len(done))
    return score, np.fromiter((g[1] for g in done), np.int64, len(done))
