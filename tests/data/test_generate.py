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
        ({"count": 5, "min_len": 10, "max_len": 4}, "--min-len"),
        ({"count": 5, "style": "poetry"}, "unknown style"),
        ({"count": 5, "shift": 26}, "--shift"),
        ({"count": 5, "mid_word": 1.5}, "--mid-word"),
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


def test_default_source_has_what_real_prose_has() -> None:
    """Names, titles and contractions: a spelling dictionary lacks them, running text is full of
    them. Contractions keep their apostrophe in the natural style, lose it in the letters style."""
    import random

    from caesar_rnn.data.corpus import default_chain, dress

    chain = default_chain()
    vocab = set(chain.words)
    assert {"mr", "holmes", "lucie", "don't", "i'm", "the"} <= vocab
    natural = [r["plaintext"] for r in generate(2000, 20, 40, style="natural", seed=3)]
    assert sum("'" in str(p) for p in natural) > 20
    letters = [r["plaintext"] for r in generate(2000, 20, 40, style="letters", seed=3)]
    assert all(str(p).isalpha() and len(str(p)) >= 20 for p in letters)
    assert dress(["i'm", "sure", "i'd", "go"], random.Random(0)).split()[2].startswith("I'd")


def test_recipe_pairs_are_the_same_made_in_parallel_or_not(tmp_path: Path) -> None:
    """A recipe's pairs are made in shards side by side: the file must not depend on how many
    workers made it, and a larger run extends a smaller one (shard s keeps its seeds)."""
    from caesar_rnn.config import DataConfig, load_recipe
    from caesar_rnn.data.mix import make_pairs, make_shard

    mix = load_recipe(Path(__file__).parents[2] / "recipes" / "default.toml").data.mix
    cfg = DataConfig(str(tmp_path / "par.jsonl"), 250, 0, mix, shard=100)
    assert make_pairs(cfg, workers=2) == 250
    parts = [tmp_path / f"s{s}.jsonl" for s in range(3)]
    for s, (p, n) in enumerate(zip(parts, (100, 100, 50), strict=True)):
        make_shard(str(p), n, s, 0, mix)
    whole = "".join(p.read_text(encoding="utf-8") for p in parts)
    assert (tmp_path / "par.jsonl").read_text(encoding="utf-8") == whole
    small = DataConfig(str(tmp_path / "small.jsonl"), 100, 0, mix, shard=100)
    assert make_pairs(small, workers=1) == 100
    assert whole.startswith((tmp_path / "small.jsonl").read_text(encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "par.jsonl",
        "s0.jsonl",
        "s1.jsonl",
        "s2.jsonl",
        "small.jsonl",
    ]  # no shard files left behind
    with pytest.raises(CaesarRNNError, match="already exists"):
        make_pairs(small)


def test_data_mix_sizes_and_bad_parts_are_refused() -> None:
    from caesar_rnn.config import DataConfig, MixPart
    from caesar_rnn.data.mix import part_sizes

    mix = [
        MixPart(style, lo, hi, share, mid)
        for style, lo, hi, share, mid in (
            ("letters", 4, 8, 0.30, 0.5), ("natural", 4, 8, 0.30, 0.3),
            ("letters", 4, 16, 0.15, 0.5), ("natural", 4, 16, 0.15, 0.3),
            ("letters", 4, 64, 0.05, 0.5), ("natural", 4, 64, 0.05, 0.3),
        )
    ]  # fmt: skip
    for n in (1, 7, 50, 100, 1_000_000):
        sizes = part_sizes(n, mix)
        assert sum(sizes) == n
        assert all(abs(k - n * part.share) < 1 for k, part in zip(sizes, mix, strict=True))
    assert part_sizes(1_000_000, mix) == [300_000, 300_000, 150_000, 150_000, 50_000, 50_000]
    good = DataConfig(mix=[{"style": "letters", "min_len": 4, "max_len": 16, "share": 0.25,
                            "mid_word": 0.5}, MixPart("natural", 4, 64, 0.75, 0.0)])  # fmt: skip
    assert good.mix == [MixPart("letters", 4, 16, 0.25, 0.5), MixPart("natural", 4, 64, 0.75, 0.0)]
    for bad in (
        [{"style": "letters", "share": 0.5}],  # shares sum to 0.5
        [{"style": "words"}],  # unknown style
        [{"min_len": 16, "max_len": 4}],  # lo > hi
        [{"mid_word": 1.5}],  # mid-word share > 1
        [{"max_len": "sixteen"}],
        [{"letters": 4}],  # no such field
    ):
        with pytest.raises(CaesarRNNError):
            DataConfig(mix=bad)


def test_default_source_holds_no_blocked_word() -> None:
    """The chain leaves out the shipped list's words and word pairs; a cut word that makes one
    ("assistant" -> "ass" at a message's end, "classes" -> "asses" at its start) is drawn again."""
    from caesar_rnn.data.corpus import blocklist, default_chain, is_clean

    words, pairs = blocklist()
    assert len(words) > 300 and ("blow", "job") in pairs
    chain = default_chain()
    assert not words & set(chain.words)
    assert not any(words & set(succ) for succ, _ in chain.successors.values())
    for seed in (0, 1):
        recs = generate(3000, 4, 32, style="natural", seed=seed, mid_word=0.3)
        assert all(is_clean(str(r["plaintext"])) for r in recs)


@pytest.mark.parametrize(
    ("text", "clean"),
    [("The cat sat on the mat", True), ("Please call the ass", False),
     ("a blow job", False), ("a blow to the job", True), ("Assistant, class", True)],
)  # fmt: skip
def test_is_clean(text: str, clean: bool) -> None:
    from caesar_rnn.data.corpus import is_clean

    assert is_clean(text) is clean


def test_shipped_blocklist_is_derived_from_its_sources() -> None:
    """caesar_rnn/data/blocklist.txt is what scripts/build_blocklist.py derives today."""
    pytest.importorskip("glin_profanity")
    pytest.importorskip("better_profanity")
    import importlib.util
    from importlib import resources

    path = Path(__file__).parents[2] / "scripts" / "build_blocklist.py"
    spec = importlib.util.spec_from_file_location("build_blocklist", path)
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    shipped = resources.files("caesar_rnn.data").joinpath("blocklist.txt").read_text()
    assert shipped == build.header() + "\n".join(build.derive()) + "\n"
