"""Many candidates split at once (caesar_rnn.classical.batchsplit, wordtrie): the same scores,
bit for bit, as the pure-Python segmenter (words.Segmenter.score), and the trie's lookups."""

import dataclasses
import random

import numpy as np
import pytest

from caesar_rnn.cipher import encrypt
from caesar_rnn.classical import batchsplit, words, wordtrie

TEXTS = [
    "thisisatest",
    "Meet me at noon, don't be late!",
    "the the the of the",
    "ndthecommitteeofthe",  # starts inside a word
    "ationalizationofthecommittee",  # a first piece of 14 letters that ends a word
    "characteristically",
    "qzxvbnqzxvbn",
    "a",
    "I am",
    "...",
    "",
    "Kelvin and İstanbul",  # lower() makes ASCII letters of non-ASCII ones
    "x" * (batchsplit.LONG + 1) + " the end",  # a run too long for a step per letter
    "uryyb jbeyq",
]


def _prose(n: int) -> list[str]:
    rng = random.Random(0)
    vocab = [
        "the",
        "of",
        "and",
        "to",
        "in",
        "was",
        "that",
        "his",
        "he",
        "it",
        "with",
        "as",
        "had",
        "for",
        "you",
        "not",
        "be",
        "her",
        "is",
        "at",
    ]
    vocab += [
        "morning",
        "letter",
        "garden",
        "river",
        "quietly",
        "opened",
        "window",
        "thought",
        "nothing",
    ]
    out = []
    for _ in range(n):
        text = " ".join(rng.choice(vocab) for _ in range(rng.randrange(1, 8)))
        if rng.random() < 0.5:
            text = text.replace(" ", "")[rng.randrange(3) :]
        out.append(encrypt(text, rng.randrange(26)))
    return out


@pytest.fixture(scope="module")
def seg() -> words.Segmenter:
    return words.segmenter()


def test_the_same_scores_as_the_python_segmenter(seg: words.Segmenter) -> None:
    texts = TEXTS + _prose(300)
    seg.batch_cache.clear()
    got = seg.scores(texts)
    want = np.asarray([seg.score(t) for t in texts])
    np.testing.assert_array_equal(got, want)  # bit for bit
    np.testing.assert_array_equal(seg.scores(texts), want)  # from the cache too


def test_other_parameters_and_a_small_group(seg: words.Segmenter) -> None:
    p = dataclasses.replace(words.Params(), unk=-3.0, edge=0.0, edge_start=0.5, lam=1.0)
    other = words.Segmenter(words.lexicon(), p)
    assert other.trie is words.word_trie()  # the packaged lexicon: its stored trie
    texts = _prose(40)
    np.testing.assert_array_equal(other.scores(texts), [other.score(t) for t in texts])
    assert other.scores([]).shape == (0,)


def test_a_lexicon_of_its_own_gets_its_own_trie() -> None:
    lex = words.Lexicon.from_counts(
        {"the": 50.0, "cat": 5.0, "cast": 2.0, "a": 20.0, "at": 3.0},
        [("the", "cat", 9.0), ("a", "cat", 4.0)],
    )
    seg = words.Segmenter(lex, words.Params())
    texts = ["thecat", "acastat", "the cat", "zzz", "atheca", "catthe cast"]
    np.testing.assert_array_equal(seg.scores(texts), [seg.score(t) for t in texts])


def test_trie_lookups_match_the_tables() -> None:
    lex = words.lexicon()
    trie = words.word_trie()
    for piece in ("t", "th", "the", "ther", "there", "therefore", "xq"):
        node = np.asarray([0])
        for ch in piece:
            node = trie.child(node, np.asarray([ord(ch) - 97])) if node[0] >= 0 else node
        if piece in lex.starts:
            assert trie.start[node[0]] == np.float32(lex.starts[piece])
            want = lex.logp.get(piece)
            got = trie.word[node[0]]
            assert (np.isnan(got) and want is None) or got == np.float32(want)
        else:
            assert node[0] == -1
    codes = np.asarray([wordtrie.base27(p) for p in ("ing", "tion", "qqqq")])
    ends = trie.end_values(codes)
    assert ends[0] == lex.ends["ing"] and ends[1] == lex.ends["tion"] and np.isnan(ends[2])
    five = lex.prefix_codes(5)
    assert trie.has_prefix(5, five).all()
    assert trie.has_prefix(5, np.asarray([0])).tolist() == [("aaaaa" in lex.starts)]


def test_damaged_trie_is_refused() -> None:
    data = wordtrie.pack({"a": -1.0, "ab": -2.0}, {"ab": -2.0}, {"b": -2.0}, {})
    data["codes"] = data["codes"][::-1].copy()
    with pytest.raises(ValueError, match="not sorted"):
        wordtrie.WordTrie(data)


def _letters(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    codes = [np.frombuffer(t.encode(), np.uint8).astype(np.int64) - 97 for t in texts]
    return np.concatenate(codes), np.asarray([len(t) for t in texts])


@pytest.mark.parametrize("cells", [batchsplit.CELLS, 64])  # one group; short and long apart
def test_letters_split_as_their_texts(
    seg: words.Segmenter, monkeypatch: pytest.MonkeyPatch, cells: int
) -> None:
    monkeypatch.setattr(batchsplit, "CELLS", cells)
    texts = [
        "thisisatest",
        "a",
        "ationalizationofthecommittee",
        "characteristicallyandtheothers",  # first pieces past END_LETTERS
        "q" * (batchsplit.LONG + 3),  # through the pure-Python segmenter
        "ndthecommitteeofthe",
        "thisisatest",
    ]
    texts += [t.replace(" ", "").lower() for t in _prose(200) if t.strip()]
    flat, n = _letters(texts)
    got = batchsplit.split_letters(flat, n, seg)
    np.testing.assert_array_equal(got, [seg.score(t) for t in texts])  # bit for bit
    assert batchsplit.split_letters(flat[:0], n[:0], seg).shape == (0,)


def test_direct_word_ends_match_the_search() -> None:
    trie = words.word_trie()
    rng = np.random.default_rng(0)
    pieces = ["".join(rng.choice(list("etaoinsrh"), k)) for k in rng.integers(1, 9, 6000)]
    codes = np.asarray([wordtrie.base27(p) for p in pieces + ["ing", "tion", "e"]])
    assert len(codes) >= wordtrie.DIRECT_ENDS_FROM  # the direct table's path
    np.testing.assert_array_equal(trie.end_values(codes), trie._end_search(codes))
    assert not np.isnan(trie.end_values(codes)[-3:]).any()
