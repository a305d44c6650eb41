"""Per-language n-gram tables: counted from wordfreq as shipped, read one language at a time,
refused when damaged or missing."""

from pathlib import Path

import numpy as np
import pytest

from caesar_rnn.classical import langgrams
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.languages import CODES


def _code(gram: str) -> int:
    return int(np.ravel_multi_index([ord(c) - 97 for c in gram], (26,) * len(gram)))


def _check_shipped(codes: list[str]) -> None:
    pytest.importorskip("wordfreq")
    for code in codes:
        fresh = langgrams.compute_tables(code)
        shipped = langgrams.shipped_arrays(code)
        assert sorted(shipped) == sorted(fresh)
        for k, v in fresh.items():
            np.testing.assert_array_equal(shipped[k], v, err_msg=f"{code}/{k}")


def test_shipped_tables_match_a_fresh_count_small_lists() -> None:
    _check_shipped(["vi", "fil"])  # the smallest word lists: a second between them


@pytest.mark.slow
def test_shipped_tables_match_a_fresh_count() -> None:
    _check_shipped([c for c in CODES if c != "en"])
    size = (Path(langgrams.__file__).parent / langgrams.TABLE_FILE).stat().st_size
    assert size < 4_000_000


def test_boundary_ngrams_of_a_word_walk() -> None:
    words, wc = ["ab", "cd"], np.array([0.75, 0.25])
    counts = langgrams.count_ngrams(words, wc, 2)
    assert counts[_code("ab")] == 0.75 and counts[_code("cd")] == 0.25
    # Across a boundary: "b" then "c" as often as P(ab) P(cd), per running word.
    assert counts[_code("bc")] == pytest.approx(0.75 * 0.25)
    assert counts[_code("ba")] == pytest.approx(0.75 * 0.75)
    assert counts[_code("ac")] == 0  # not adjacent in any walk
    assert counts.sum() == pytest.approx(2.0)  # one word bigram plus one boundary per word


def test_language_tables_read_as_their_language() -> None:
    pl, en, es = (langgrams.full_logp(c) for c in ("pl", "en", "es"))
    assert [t.shape for t in pl] == [(26**n,) for n in range(1, 5)]
    assert pl[3][_code("prze")] > en[3][_code("prze")]
    assert es[3][_code("cion")] > pl[3][_code("cion")]
    assert en[3][_code("tion")] > pl[3][_code("tion")]
    assert all(np.isfinite(t).all() for t in pl)


def test_quadgrams_on_demand_match_the_full_table() -> None:
    lazy, full = langgrams.language_logp("fr"), langgrams.full_logp("fr")
    q = np.array([_code("ment"), _code("qzxj"), 0, 26**4 - 1, _code("ouve")])
    np.testing.assert_allclose(lazy[3][q], full[3][q], rtol=1e-6)
    arrays = langgrams.shipped_arrays("fr")
    kept = arrays["top_codes"].astype(np.int64)
    np.testing.assert_allclose(full[3][kept], arrays["top_logp"].astype(np.float64), rtol=1e-6)
    # Not kept: the trigram chain's estimate P(abc) P(bcd) / P(bc).
    est = lazy[2][_code("qzx")] + lazy[2][_code("zxj")] - lazy[1][_code("zx")]
    assert _code("qzxj") not in set(kept.tolist())
    assert full[3][_code("qzxj")] == pytest.approx(est, rel=1e-6)


def test_damaged_tables_are_refused() -> None:
    good = langgrams.shipped_arrays("de")
    assert langgrams.lookup(good)[3][np.array([5])].shape == (1,)
    damaged = [
        {k: v for k, v in good.items() if k != "logp3"},
        {**good, "top_logp": np.full(len(good["top_logp"]), np.nan, np.float16)},
        {**good, "logp2": np.zeros(5, np.float16)},
        {**good, "top_codes": good["top_codes"][::-1].copy()},
        {**good, "top_codes": good["top_codes"][:3]},
    ]
    for tables in damaged:
        with pytest.raises(CaesarRNNError, match="damaged"):
            langgrams.lookup(tables)


def test_missing_or_unreadable_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    langgrams._shipped.cache_clear()
    try:
        monkeypatch.setattr(langgrams, "TABLE_FILE", "no-such-file.safetensors")
        with pytest.raises(CaesarRNNError, match="missing"):
            langgrams.shipped_arrays("de")
        bad = tmp_path / "bad.safetensors"
        bad.write_bytes(b"\xff" * 100)
        monkeypatch.setattr(langgrams.resources, "files", lambda _: tmp_path)
        monkeypatch.setattr(langgrams, "TABLE_FILE", bad.name)
        with pytest.raises(CaesarRNNError, match="damaged"):
            langgrams.shipped_arrays("de")
    finally:
        langgrams._shipped.cache_clear()


@pytest.mark.parametrize("code", ["fr", "pl"])
def test_full_quadgram_table_equals_every_lookup(code: str) -> None:
    # Built at once (estimate everywhere, shipped values over it) = looked up code by code.
    lazy = langgrams.language_logp(code)[3]
    every = lazy[np.arange(26**4)]
    assert np.array_equal(lazy.full(), every)
    assert np.array_equal(langgrams.full_logp(code)[3], every.astype(np.float32))
    # The stacked chain tables are each language's, to the bit.
    tri, given = langgrams.chain_stack(("en", code))
    for i, c in enumerate(("en", code)):
        assert np.array_equal(tri[i], langgrams.chain_logp(c)[0])
        assert np.array_equal(given[i], langgrams.chain_logp(c)[1])
