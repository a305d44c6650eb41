"""A recipe's data mix: the same pairs made in parallel or not, and part sizes that add up (bad
parts refused)."""

from pathlib import Path

import pytest

from caesar_rnn.errors import CaesarRNNError


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


@pytest.mark.parametrize(
    "fault",
    [PermissionError(13, "Permission denied"), FileNotFoundError(2, "No such file or directory")],
)
def test_a_folder_that_cannot_be_written_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: OSError
) -> None:
    # A read-only folder (or /proc): the shards' scratch folder cannot be made there.
    import tempfile

    from caesar_rnn.config import DataConfig, MixPart
    from caesar_rnn.data.mix import make_pairs

    def refuse(*args: object, **kwargs: object) -> None:
        raise fault

    monkeypatch.setattr(tempfile, "TemporaryDirectory", refuse)
    cfg = DataConfig(str(tmp_path / "ro" / "x.jsonl"), 10, 0, [MixPart("letters", 4, 8, 1.0, 0.0)])
    with pytest.raises(CaesarRNNError, match=f"cannot write .*x.jsonl: {fault.strerror}$"):
        make_pairs(cfg, workers=1)
    assert not (tmp_path / "ro" / "x.jsonl").exists()
