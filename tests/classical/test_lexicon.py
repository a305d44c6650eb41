"""The words cracker's lexicon, stored in buckets read on demand (caesar_rnn.classical.lexicon)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from safetensors.numpy import load, save

from caesar_rnn.classical import lexicon, words
from caesar_rnn.errors import CaesarRNNError

UNI = {"the": 50.0, "cat": 5.0, "cast": 2.0, "a": 20.0, "at": 3.0}
BI = [("the", "cat", 9.0), ("cat", "the", 1.0), ("a", "cat", 4.0)]


def small() -> lexicon.Lexicon:
    return lexicon.Lexicon.from_counts(UNI, BI)


def test_bucket_ids_follow_the_first_two_letters() -> None:
    assert lexicon.bucket_id("a") == 27 and lexicon.bucket_id("ab") == 29
    assert lexicon.bucket_id("abc") == lexicon.bucket_id("ab")
    assert lexicon.bucket_id("zz") == lexicon.N_BUCKETS - 1
    ids = [lexicon.bucket_id(w) for w in ("a", "aa", "az", "b", "ba", "z", "zz")]
    assert ids == sorted(ids)  # alphabetical order is bucket order


def test_round_trip_and_values() -> None:
    lex = small()
    again = lexicon.Lexicon.from_bytes(lex.to_bytes())
    for name in ("logp", "starts", "ends", "pairs"):
        assert getattr(again, name) == getattr(lex, name)
    total = sum(UNI.values())
    assert lex.starts["ca"] == pytest.approx(np.log(7 / total), rel=1e-6)  # cat, cast
    assert lex.ends["t"] == pytest.approx(np.log(10 / total), rel=1e-6)  # cat, cast, at
    assert set(lex.logp) == set(UNI)


def test_a_bucket_answers_for_every_piece_at_a_position() -> None:
    lex = small()
    starts, logp = lex.piece_tables("ca")
    assert {"c", "ca", "cat", "cas", "cast"} <= set(starts) and logp["cat"] == lex.logp["cat"]
    assert "at" not in starts  # another bucket
    one, _ = lex.piece_tables("a")  # the last letter of a run
    assert set(one) == {"a"} and lex.piece_tables("at")[1]["a"] == lex.logp["a"]
    assert lex.end_table("at")["at"] == lex.ends["at"]
    assert lex.pairs_of("the") == {"cat": lex.pairs["the"]["cat"]}
    assert lex.pairs_of("cast") is None and lex.pairs_of("zebra") is None


def test_opening_reads_no_bucket() -> None:
    lex = lexicon.Lexicon.from_bytes(small().to_bytes())
    assert all(not t.cache for t in lex.tables.values())
    lex.piece_tables("th")
    assert len(lex.tables["starts"].cache) == 1 and not lex.tables["ends"].cache


def test_stored_prefix_codes_match_the_table() -> None:
    lex = words.lexicon()
    for k in lexicon.STORED_PREFIXES:
        assert np.array_equal(lex.prefix_codes(k), lexicon._prefix_codes(lex.starts, k))


def _damaged(change: Callable[[dict], None]) -> bytes:
    z = dict(load(small().to_bytes()))
    change(z)
    return save(z)


def test_damaged_files_are_refused() -> None:
    def version(z: dict) -> None:
        z["format_version"] = np.asarray([1], np.int32)

    def offsets(z: dict) -> None:
        z["starts_offsets"] = z["starts_offsets"][::-1].copy()

    for change in (version, offsets):
        with pytest.raises(ValueError):
            lexicon.Lexicon.from_bytes(_damaged(change))


def test_a_damaged_bucket_is_one_clear_error() -> None:
    def flip(z: dict) -> None:
        blob = z["words_blob"].copy()
        blob[z["words_offsets"][lexicon.bucket_id("th")] + 3] ^= 0xFF
        z["words_blob"] = blob

    lex = lexicon.Lexicon.from_bytes(_damaged(flip))
    with pytest.raises(CaesarRNNError, match="word table is damaged"):
        lex.piece_tables("th")
