"""The package's tables read as views of their bytes: the same arrays as safetensors' own
reader, and every malformed file refused."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest
from safetensors.numpy import load, save

from caesar_rnn.tables import read_tensors

SHIPPED = ("ngrams", "langgrams", "langid", "words", "words-trie")


@pytest.mark.parametrize("name", SHIPPED)
def test_same_arrays_as_safetensors(name: str) -> None:
    data = resources.files("caesar_rnn.classical").joinpath(f"{name}.safetensors").read_bytes()
    want, got = load(data), read_tensors(data)
    assert sorted(got) == sorted(want)
    for k, v in want.items():
        assert got[k].dtype == v.dtype and got[k].shape == v.shape
        assert np.array_equal(got[k], v, equal_nan=v.dtype.kind == "f")
        assert not got[k].flags.writeable  # views of the file's bytes: read only


def _file(header: dict, data: bytes) -> bytes:  # type: ignore[type-arg]
    h = json.dumps(header).encode()
    return len(h).to_bytes(8, "little") + h + data


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"abc", "too short"),
        ((10**9).to_bytes(8, "little") + b"{}", "past the end"),
        ((4).to_bytes(8, "little") + b"nope", "not JSON"),
        (_file([1], b""), "not an object"),  # type: ignore[arg-type]
        (
            _file({"a": {"dtype": "X9", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4),
            "bad entry",
        ),
        (
            _file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 4),
            "outside",
        ),
        (
            _file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}, b"\0" * 4),
            "byte length",
        ),
        (_file({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}, b""), "outside"),
        (
            _file(
                {
                    "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                    "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]},
                },
                b"\0" * 8,
            ),
            "overlap",
        ),
    ],
)
def test_malformed_files_are_refused(blob: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_tensors(blob)


def test_round_trip_and_metadata() -> None:
    arrays = {"x": np.arange(6, dtype="<i8").reshape(2, 3), "y": np.asarray([1.5], "<f4")}
    got = read_tensors(save(arrays, metadata={"k": "v"}))
    assert set(got) == {"x", "y"}
    assert np.array_equal(got["x"], arrays["x"]) and got["y"][0] == np.float32(1.5)
