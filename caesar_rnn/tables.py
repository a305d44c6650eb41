"""The package's statistics tables (safetensors files) read as NumPy views of their bytes.

``safetensors.numpy.load`` copies every tensor out of the file's bytes; the tables here are only
ever read, so ``read_tensors`` returns read-only views instead (the words trie, 8 MB, opened in
every process that cracks a file: ~50 ms of copying on a loaded 2-core machine, about as long as
the rest of its start). The format is safetensors' own (an 8-byte little-endian header length, a
JSON header naming each tensor's dtype, shape and byte range, then the data), checked as strictly
as the library checks it: every range inside the data, matching its dtype and shape, none
overlapping. Files are still written with ``safetensors.numpy.save``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

#: safetensors dtype names -> NumPy (little-endian), for the dtypes the tables use.
DTYPES = {
    "F16": "<f2", "F32": "<f4", "F64": "<f8", "I8": "i1", "U8": "u1", "I16": "<i2",
    "I32": "<i4", "I64": "<i8", "U16": "<u2", "U32": "<u4", "U64": "<u8", "BOOL": "?",
}  # fmt: skip
#: A header longer than this is not one of ours (safetensors' own limit is 100 MB).
MAX_HEADER = 1 << 24


def read_tensors(data: bytes) -> dict[str, np.ndarray]:
    """The tensors of a safetensors file's bytes, as read-only NumPy views (no copy); a
    ``ValueError`` where the bytes are not a well-formed file."""
    if len(data) < 8:
        raise ValueError("safetensors: too short for a header")
    n = int.from_bytes(data[:8], "little")
    if n > min(MAX_HEADER, len(data) - 8):
        raise ValueError("safetensors: header length past the end")
    try:
        header = json.loads(data[8 : 8 + n])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"safetensors: header is not JSON ({exc})") from None
    if not isinstance(header, dict):
        raise ValueError("safetensors: header is not an object")
    base, size = 8 + n, len(data) - 8 - n
    out: dict[str, np.ndarray] = {}
    spans: list[tuple[int, int]] = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        out[name] = _view(data, base, size, name, info, spans)
    spans.sort()
    if any(a[1] > b[0] for a, b in zip(spans, spans[1:], strict=False)):
        raise ValueError("safetensors: tensors overlap")
    return out


def _view(
    data: bytes, base: int, size: int, name: str, info: Any, spans: list[tuple[int, int]]
) -> np.ndarray:
    try:
        dtype = np.dtype(DTYPES[info["dtype"]])
        shape = [int(d) for d in info["shape"]]
        begin, end = (int(x) for x in info["data_offsets"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"safetensors: bad entry for {name!r}") from None
    count = math.prod(shape)
    if min(shape, default=0) < 0 or not 0 <= begin <= end <= size:
        raise ValueError(f"safetensors: {name!r} lies outside the data")
    if end - begin != count * dtype.itemsize:
        raise ValueError(f"safetensors: {name!r} has the wrong byte length for its shape")
    spans.append((begin, end))
    return np.frombuffer(data, dtype, count, base + begin).reshape(shape)
