"""The words cracker (caesar_rnn.classical.words): splits, partial and unknown words, natural-style
breaks, the shift pruning, ranking and JSON through crack, the packaged table, the hybrid decode."""

import dataclasses
import json
import os
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from caesar_rnn.cipher import encrypt
from caesar_rnn.classical import crackers, words, wordtrie
from caesar_rnn.cli.app import app
from caesar_rnn.errors import CaesarRNNError

runner = CliRunner()

# Prose written for these tests (no evaluation text), each under its own key below.
PROSE = [
    "the train leaves at noon",
    "bring a coat",
    "we met by the river",
    "sunlight on water",
    "she opened the letter slowly",
    "rain again",
    "nothing to report",
    "keep the door shut",
    "hello world",
    "a quiet morning",
    "send more paper",
    "the garden is green",
]


@pytest.fixture(scope="module")
def seg() -> words.Segmenter:
    return words.segmenter()


@pytest.mark.parametrize(
    ("text", "split"),
    [
        ("thisisatest", ["this", "is", "a", "test"]),
        ("itwasthebestoftimes", ["it", "was", "the", "best", "of", "times"]),
        ("meetmeatnoon", ["meet", "me", "at", "noon"]),
        ("sherlockholmessaid", ["sherlock", "holmes", "said"]),
    ],
)
def test_picks_the_right_split(seg: words.Segmenter, text: str, split: list[str]) -> None:
    assert seg.split(text)[1] == split


def test_partial_first_and_last_word(seg: words.Segmenter) -> None:
    # "nd" ends a word ("and"), "committ" starts one ("committee"): both are scored as parts of
    # known words, which only the first and last piece may be.
    score, split = seg.split("ndthecommitt")
    assert split == ["nd", "the", "committ"]
    inner, _ = seg.run_score("ndthecommitt", None, False, False, 0.0)
    assert score > inner + 5
    # Inside the message the same pieces are unknown words.
    assert seg.split("the nd of")[0] < seg.split("the end of")[0]


def test_unknown_words_cost_by_length(seg: words.Segmenter) -> None:
    s3, split = seg.split("thexqzdog")
    assert "xqz" in split or "xqzdog" in "".join(split)
    s5, _ = seg.split("thexqzqxdog")
    assert s5 < s3 < seg.split("thedog")[0]
    assert np.isfinite(seg.split("qzxvkj")[0])


def test_natural_breaks_are_the_words(seg: words.Segmenter) -> None:
    assert seg.split("Another day, another dollar.")[1] == ["another", "day", "another", "dollar"]
    # Where the text has spaces, cutting a run of letters costs Params.split; free, "notable"
    # would read as "not able".
    free = words.Segmenter(words.lexicon(), dataclasses.replace(words.Params(), split=0.0))
    assert free.split("is notable")[1] == ["is", "not", "able"]
    assert seg.split("is notable")[1] == ["is", "notable"]
    # A message without breaks is one run: cutting it is free.
    assert seg.split("isnotable")[0] == free.split("isnotable")[0]


def test_apostrophes_and_case(seg: words.Segmenter) -> None:
    assert seg.split("Don't STOP")[1] == seg.split("dont stop")[1]


@pytest.mark.parametrize("key", [1, 7, 13, 25])
def test_cracks_short_messages(key: int) -> None:
    cands = crackers.crack([encrypt(s, key) for s in PROSE], "words", top=2)
    assert [c[0].plaintext for c in cands] == PROSE
    assert all(c[0].shift == key for c in cands)


def test_pruning_loses_nothing_on_a_sample() -> None:
    ciphers = [encrypt(s, k) for k, s in enumerate(PROSE)] + [
        encrypt(s[i:], 3 * i) for i in (1, 2, 3) for s in PROSE
    ]
    pruned = words.word_scores(ciphers).argmax(axis=1)
    full = dataclasses.replace(words.Params(), margin=1e9, max_shifts=26)
    every = words.word_scores(ciphers, full, words.Segmenter(words.lexicon(), full))
    np.testing.assert_array_equal(pruned, every.argmax(axis=1))


@pytest.mark.parametrize("word", ["puzzle", "calmly", "luxuri"])
def test_known_word_starts_are_split_too(word: str) -> None:
    """Letter trigrams rank these below wrong shifts by more than the margin; the prefix net
    (the first letters start a known word) still sends the right shift to the segmenter."""
    ciphers = [encrypt(word, k) for k in (3, 7, 20)]
    no_net = dataclasses.replace(words.Params(), prefix=0)
    without = words.word_scores(ciphers, no_net, words.Segmenter(words.lexicon(), no_net))
    assert (without.argmax(axis=1) != [3, 7, 20]).all()
    assert words.word_scores(ciphers).argmax(axis=1).tolist() == [3, 7, 20]
    hits = words.prefix_hits(ciphers, 5, words.word_trie())
    assert hits[[0, 1, 2], [3, 7, 20]].all()
    assert hits.sum() < 3 * 26  # a net, not every shift


def test_prefix_hits_edge_cases() -> None:
    hits = words.prefix_hits(["", "123 !", "Khoor, zruog", "b"], 5, words.word_trie())
    assert not hits[:2].any()
    assert hits[2, 3]  # "hello" starts a known word; only the first run counts
    assert hits[3].sum() == 26  # every single letter starts some word


def test_common_words_outside_symspell_are_known() -> None:
    lex = words.lexicon()
    assert {"mr", "mrs", "dr", "ok"} <= lex.logp.keys()
    assert lex.logp["mr"] > lex.logp["sherlock"]
    assert not {"s", "d", "th", "km"} & lex.logp.keys()  # contraction pieces, abbreviations


def test_scores_rank_all_shifts() -> None:
    cands = crackers.crack([encrypt(PROSE[0], 9)], "words", top=26)[0]
    assert sorted(c.shift for c in cands) == list(range(26))
    scores = [c.score for c in cands]
    assert scores == sorted(scores, reverse=True)
    assert cands[0].plaintext == PROSE[0]
    # A long message: the trigram prune leaves one shift, nothing is split.
    long = encrypt(" ".join(PROSE), 4)
    assert crackers.crack([long], "words")[0][0].shift == 4
    assert crackers.crack(["1234 !?", ""], "words") == [[], []]


def test_crack_json_through_the_cli() -> None:
    text = encrypt("Bring a coat", 11)
    r = runner.invoke(app, ["crack", text, "--method", "words", "--json", "--top", "3"])
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""
    obj = json.loads(r.stdout)
    assert obj["ciphertext"] == text and obj["method"] == "words"
    cands = obj["candidates"]
    assert [c["rank"] for c in cands] == [1, 2, 3]
    assert set(cands[0]) == {"rank", "shift", "score", "plaintext"}
    assert cands[0]["plaintext"] == "Bring a coat" and cands[0]["shift"] == 11
    assert [c["score"] for c in cands] == sorted((c["score"] for c in cands), reverse=True)
    r = runner.invoke(app, ["crack", text, "--method", "words"])
    assert r.exit_code == 0 and "Bring a coat" in r.stdout and "higher is better" in r.stdout


def test_table_load_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crackers.prepare()  # the n-gram tables (their cache is ngrams.py's): in memory from here on
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    words.lexicon.cache_clear()
    words.segmenter.cache_clear()
    cands = crackers.crack([encrypt(s, 5) for s in PROSE], "words")
    assert all(c[0].shift == 5 for c in cands)
    assert list(home.rglob("*")) == []


def test_table_round_trip() -> None:
    lex = words.Lexicon.from_counts(
        {"the": 50.0, "cat": 5.0, "cast": 2.0}, [("the", "cat", 9.0), ("cat", "the", 1.0)]
    )
    again = words.Lexicon.from_bytes(lex.to_bytes())
    assert again.logp == pytest.approx(lex.logp)
    assert again.pairs.keys() == lex.pairs.keys()
    assert again.pairs["the"] == pytest.approx(lex.pairs["the"])
    assert again.starts == pytest.approx(lex.starts) and again.ends == pytest.approx(lex.ends)
    # "ca" starts both cat and cast; "st" ends cast only.
    assert lex.starts["ca"] == pytest.approx(np.log(7 / 57))
    assert lex.ends["st"] == pytest.approx(np.log(2 / 57))


@pytest.mark.parametrize(("name", "loader"), [("TABLE", "lexicon"), ("TRIE", "word_trie")])
def test_missing_or_damaged_table(monkeypatch: pytest.MonkeyPatch, name: str, loader: str) -> None:
    monkeypatch.setattr(words, name, "no-such-table.safetensors")
    words.lexicon.cache_clear()
    words.word_trie.cache_clear()
    words.segmenter.cache_clear()
    try:
        with pytest.raises(CaesarRNNError, match="word table no-such-table"):
            getattr(words, loader)()
        r = runner.invoke(app, ["crack", encrypt("a cat", 3), "--method", "words"])
        if name == "TRIE":  # crack splits with the trie
            assert r.exit_code == 1 and r.stdout == ""
            assert "word table" in r.stderr and len(r.stderr.strip().splitlines()) == 1
            assert words.segmenter().score("a cat") < 0  # one reading: the buckets alone
        else:  # and needs no bucket
            assert r.exit_code == 0 and "a cat" in r.stdout
    finally:
        monkeypatch.undo()
        words.lexicon.cache_clear()
        words.word_trie.cache_clear()
        words.segmenter.cache_clear()
    with pytest.raises(Exception):  # noqa: B017 - safetensors' own error for junk bytes
        words.Lexicon.from_bytes(b"junk")
    with pytest.raises(Exception):  # noqa: B017
        wordtrie.from_bytes(b"junk")


def test_packaged_table_is_small_and_ships() -> None:
    path = Path(words.__file__).with_name(words.TABLE)
    assert path.stat().st_size < 5_000_000
    # The same lexicon as raw arrays (read in ~0.01 s, no decompressing): ~8 MB.
    assert Path(words.__file__).with_name(words.TRIE).stat().st_size < 9_000_000
    lex = words.lexicon()
    assert len(lex.logp) > 50_000 and lex.logp["the"] > lex.logp["cat"]
    assert lex.pairs["of"]["the"] > lex.logp["the"]


def test_hybrid_decode(tiny_model: str) -> None:
    from caesar_rnn.decoding.backends import load_backend
    from caesar_rnn.decoding.decode import decrypt_messages
    from caesar_rnn.decoding.scores import shift_scores, with_words

    backend = load_backend(tiny_model)
    ciphers = [encrypt(s, 6) for s in PROSE]
    got = decrypt_messages(ciphers, backend, "hybrid")
    want = with_words(ciphers, shift_scores(ciphers, backend)).argmax(axis=1)
    assert [d.shift for d in got] == want.tolist()
    assert all(0 < d.confidence <= 1 for d in got)
    # The words part outweighs a tiny model on these: every key right.
    assert [d.plaintext for d in got] == PROSE
    r = runner.invoke(
        app, ["decrypt", ciphers[0], "--model", tiny_model, "--decode", "hybrid", "--json"]
    )
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["plaintext"] == PROSE[0]


def test_no_torch_on_the_words_path() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from caesar_rnn.classical.crackers import crack; "
        "crack(['uryyb jbeyq'], 'words'); print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ)
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def _brute_force(seg: words.Segmenter, run: str, prev: str | None, start: bool, end: bool) -> float:
    """The best split's score by trying every split (each piece at its best reading: a known
    word or pair, an unknown word, the end of a word first, the start of one last)."""
    p = seg.p
    logp, pairs, starts, ends = seg.lex.logp, seg.lex.pairs, seg.lex.starts, seg.lex.ends  # dicts
    qc = words.letter_cumsum(run)
    n, best = len(run), float("-inf")
    for mask in range(1 << (n - 1)):
        cuts = [0] + [i + 1 for i in range(n - 1) if mask >> i & 1] + [n]
        total, last = 0.0, prev
        for a, b in zip(cuts, cuts[1:], strict=False):
            w = run[a:b]
            if b - a > words.MAX_WORD:
                total = float("-inf")
                break
            options = [p.unk + p.unk_letter * (b - a) + qc[b] - qc[a]]
            if w in logp:
                pair = pairs.get(last, {}).get(w) if last is not None else None
                options.append(max(logp[w], pair if pair is not None else float("-inf")))
            if end and b == n and w in starts:
                options.append(starts[w] - p.edge)
            if start and a == 0 and w in ends:
                options.append(ends[w] - p.edge_start)
            total += max(options) - (p.split if a else 0.0)
            last = w
        best = max(best, total)
    return best + p.lam * qc[n]


@pytest.mark.parametrize("run", ["thecat", "ndthecommi", "qzxvbn", "ofthewor", "abcdefghijk"])
@pytest.mark.parametrize(("start", "end"), [(False, False), (True, True)])
def test_viterbi_equals_every_split_tried(
    seg: words.Segmenter, run: str, start: bool, end: bool
) -> None:
    # The Viterbi's unknown-word queue and early stop find the same best as trying all splits.
    got, _ = seg.run_score(run, "of", start, end, seg.p.split)
    assert got == pytest.approx(_brute_force(seg, run, "of", start, end), abs=1e-9)


def test_prefix_net_only_below_its_length(seg: words.Segmenter) -> None:
    # "puzzle" starts a known word under its own shift only; the net leaves longer messages to
    # the trigram pruning.
    short, long_ = encrypt("puzzle", 7), encrypt("puzzle" + "x" * 20, 7)
    hits = words.prefix_hits([short, long_], 5, seg.trie, below=20)
    assert hits[0, 7] and not hits[1].any()
    assert words.prefix_hits([long_], 5, seg.trie)[0, 7]


def test_repeated_messages_score_as_alone() -> None:
    msgs = [encrypt(m, 3) for m in ("a cat", "the dog", "a cat", "hello", "the dog", "a cat")]
    got = words.word_scores(msgs)
    np.testing.assert_array_equal(got, np.stack([words.word_scores([m])[0] for m in msgs]))


def test_letters_only_and_other_messages_in_one_call() -> None:
    """Messages of letters only are split from their letters, the others from their texts:
    the same scores as each alone."""
    msgs = ["khoorzruog", "Khoor, zruog!", "wkhfdw", "wkh fdw", "Çà wkh", "dqg", "d"]
    got = words.word_scores(msgs)
    np.testing.assert_array_equal(got, np.stack([words.word_scores([m])[0] for m in msgs]))
    assert crackers.ngram_scores(msgs, 3, idx=crackers.letter_indices(msgs)).tolist() == (
        crackers.ngram_scores(msgs, 3).tolist()
    )


@pytest.mark.parametrize("damage", [b"", b"\x00" * 7, b"junk that is not a table"])
def test_mapped_table_damaged_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    """The tables are mapped from the installed files: an empty or damaged file is one error."""
    (tmp_path / words.TRIE).write_bytes(damage)
    monkeypatch.setattr(words.resources, "files", lambda _pkg: tmp_path)
    words.word_trie.cache_clear()
    try:
        with pytest.raises(CaesarRNNError, match="word table words-trie"):
            words.word_trie()
    finally:
        monkeypatch.undo()
        words.word_trie.cache_clear()
