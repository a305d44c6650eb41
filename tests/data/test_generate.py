import json
from pathlib import Path

import pytest

from caesar_rnn.cipher import encrypt, letters_of
from caesar_rnn.data.generate import generate, write_jsonl
from caesar_rnn.errors import CaesarRNNError


def test_deterministic_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    write_jsonl(generate(200, 4, 30, style="natural", seed=5), a)
    write_jsonl(generate(200, 4, 30, style="natural", seed=5), b)
    write_jsonl(generate(200, 4, 30, style="natural", seed=6), c)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


@pytest.mark.parametrize("style", ["letters", "natural"])
def test_format_and_lengths(style: str) -> None:
    recs = list(generate(300, 5, 20, style=style, seed=1))
    assert len(recs) == 300
    shifts = set()
    for r in recs:
        assert set(r) == {"ciphertext", "plaintext", "shift"}
        assert encrypt(r["plaintext"], r["shift"]) == r["ciphertext"]  # type: ignore[arg-type]
        n = len(letters_of(r["plaintext"]))  # type: ignore[arg-type]
        assert 5 <= n <= 20
        shifts.add(r["shift"])
        if style == "letters":
            assert str(r["plaintext"]).isalpha() and str(r["plaintext"]).islower()
    assert len(shifts) == 26  # random keys cover all shifts
    if style == "natural":
        assert any(" " in str(r["plaintext"]) for r in recs)
        assert any(str(r["plaintext"])[0].isupper() for r in recs)


def _word_start_share(recs: list[dict[str, object]], vocab: set[str]) -> float:
    """How many plaintexts begin with a whole word of ``vocab`` (a word start), as a share."""
    starts = 0
    for r in recs:
        first = str(r["plaintext"]).split()[0].strip(",.!").lower()
        starts += first in vocab
    return starts / len(recs)


def test_mid_word_starts(tmp_path: Path) -> None:
    src = tmp_path / "my.txt"
    src.write_text("Alpha betagamma, delta! Epsilon zetaeta theta iota kappa lambdamu.\n" * 20)
    vocab = {w.strip(",.!").lower() for w in src.read_text().split()}
    for style in ("letters", "natural"):
        kw = {"style": style, "corpus_files": [src], "seed": 4}
        never = list(generate(400, 4, 12, **kw))  # type: ignore[arg-type]
        half = list(generate(400, 4, 12, mid_word=0.5, **kw))  # type: ignore[arg-type]
        always = list(generate(400, 4, 12, mid_word=1.0, **kw))  # type: ignore[arg-type]
        if style == "letters":  # no spaces: the text starts with a word, or is a word's prefix
            for recs in (never, half, always):
                for r in recs:
                    n = len(str(r["plaintext"]))
                    assert 4 <= n <= 12 and str(r["plaintext"]).isalpha()
            starts = [
                sum(
                    any(p.startswith(w) or w.startswith(p) for w in vocab)
                    for p in (str(r["plaintext"]) for r in recs)
                )
                / 400
                for recs in (never, half, always)
            ]
        else:
            starts = [_word_start_share(recs, vocab) for recs in (never, half, always)]
        assert starts[0] == 1.0  # the default: every message starts at a word start
        assert 0.35 < starts[1] < 0.65
        assert starts[2] < 0.15  # a cut can still land on a word (e.g. "betagamma" -> "gamma")
        for r in always:
            assert encrypt(r["plaintext"], r["shift"]) == r["ciphertext"]  # type: ignore[arg-type]


def test_fixed_key() -> None:
    assert {r["shift"] for r in generate(100, 4, 10, shift=3, seed=0)} == {3}


def test_user_corpus(tmp_path: Path) -> None:
    src = tmp_path / "my.txt"
    src.write_text("Alpha beta gamma, delta! Epsilon zeta eta theta iota kappa lambda mu.\n" * 5)
    recs = list(generate(50, 4, 12, style="natural", corpus_files=[src], seed=2))
    words = set(src.read_text().replace(",", "").replace("!", "").replace(".", "").split())
    for r in recs:
        for w in str(r["plaintext"]).replace(",", "").replace("!", "").replace(".", "").split():
            assert any(full.startswith(w) for full in words)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": 0}, "pair count"),
        ({"count": 5, "min_len": 10, "max_len": 4}, "greater than the longest"),
        ({"count": 5, "style": "poetry"}, "unknown style"),
        ({"count": 5, "shift": 26}, "shift must be in 0..25"),
        ({"count": 5, "mid_word": 1.5}, "mid_word must be in"),
    ],
)
def test_bad_options(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(CaesarRNNError, match=message):
        next(generate(**kwargs))  # type: ignore[arg-type]


def test_corpus_without_letters(tmp_path: Path) -> None:
    p = tmp_path / "digits.txt"
    p.write_text("123 456 !!!\n")
    with pytest.raises(CaesarRNNError, match="no letters"):
        next(generate(5, corpus_files=[p]))


def test_jsonl_is_one_object_per_line(tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    n = write_jsonl(generate(10, seed=3), out)
    lines = out.read_text().splitlines()
    assert n == len(lines) == 10
    assert all(isinstance(json.loads(line), dict) for line in lines)


def test_refuses_existing_without_force(tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    out.write_text("keep me\n")
    with pytest.raises(CaesarRNNError, match="already exists"):
        write_jsonl(generate(3), out)
    assert out.read_text() == "keep me\n"
    write_jsonl(generate(3), out, force=True)
    assert out.read_text() != "keep me\n"


def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    import os

    out = tmp_path / "d.jsonl"
    write_jsonl(generate(3), out)
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_corpus_shorter_than_min_len(tmp_path: Path) -> None:
    text = tmp_path / "c.txt"
    text.write_text("one two three\n")  # 11 letters
    with pytest.raises(CaesarRNNError, match="11 letters, fewer than the shortest length"):
        next(generate(3, 12, 20, corpus_files=[text]))
    assert len(letters_of(str(next(generate(1, 11, 20, corpus_files=[text]))["plaintext"]))) == 11
