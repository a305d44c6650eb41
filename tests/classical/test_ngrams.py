"""The n-gram tables: the shipped file matches a fresh count from the training source, and a
damaged or missing one is refused."""

from pathlib import Path

import numpy as np
import pytest

from caesar_rnn.classical import ngrams
from caesar_rnn.errors import CaesarRNNError


def test_shipped_tables_match_a_fresh_count() -> None:
    # The file inside the package is what scripts/build_ngrams.py counts from today's source.
    pytest.importorskip("symspellpy")
    pytest.importorskip("wordfreq")
    fresh = ngrams.compute_tables()
    shipped = ngrams._logp_tables()
    for n, table in enumerate(shipped, 1):
        np.testing.assert_array_equal(table, fresh[f"logp{n}"].astype(np.float64))
    size = (Path(ngrams.__file__).parent / ngrams.TABLE_FILE).stat().st_size
    assert size < 1_000_000


def test_damaged_tables_are_refused() -> None:
    with pytest.raises(CaesarRNNError, match="damaged"):
        ngrams.load_tables(b"\xff" * 100)
    from safetensors.numpy import save

    tables = {"logp1": np.zeros(26, np.float16)}  # the longer orders missing
    with pytest.raises(CaesarRNNError, match="damaged"):
        ngrams.load_tables(save(tables))


def test_missing_tables_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ngrams, "TABLE_FILE", "no-such-file.safetensors")
    ngrams._logp_tables.cache_clear()
    try:
        with pytest.raises(CaesarRNNError, match="missing"):
            ngrams.ngram_logp(4)
    finally:
        ngrams._logp_tables.cache_clear()


def test_tables_from_the_training_source() -> None:
    freqs = ngrams.letter_freqs()
    assert freqs.shape == (26,) and abs(freqs.sum() - 1) < 1e-9
    assert freqs.argmax() == ord("e") - 97
    counts = ngrams.ngram_counts(4)
    code = lambda g: int(np.ravel_multi_index([ord(c) - 97 for c in g], (26,) * 4))  # noqa: E731
    assert counts[code("tion")] > counts[code("qzxj")]
    # "ofth" exists only across the boundary of "of the": the word pairs must add it.
    assert counts[code("ofth")] > 0
    logp = ngrams.ngram_logp(4)
    assert np.isfinite(logp).all() and (logp < 0).all()
    assert logp[code("qzxj")] < logp[code("tion")]
