"""Typed checks for everything read from outside: config.json, state.json, JSONL rows.

A file on disk may have been edited by hand, truncated or crafted, so nothing in it is used before
its type and bounds are checked here: integers are ``int`` (never ``bool`` or a float such as
``16.0``), booleans are ``true``/``false`` (never the string ``"false"``), numbers are finite,
sizes are bounded (``"layers": 1e9`` is refused before anything is allocated), and parsing itself
is bounded: at most ``MAX_JSON_BYTES`` per document, ``MAX_DEPTH`` levels of nesting, integers
of at most ``MAX_INT_DIGITS`` digits, no ``NaN``/``Infinity`` and no float that overflows
(``1e999``). Every error is a ``CaesarRNNError`` naming the file (and line) and the field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caesar_rnn.errors import CaesarRNNError

#: Largest config.json / state.json read, and largest JSONL row.
MAX_JSON_BYTES = 1 << 20
#: Deepest nesting of objects and arrays in any JSON document read.
MAX_DEPTH = 32
#: Longest integer literal: a 128-bit RNG state (2**128) has 39 digits.
MAX_INT_DIGITS = 40


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _bad_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]} is out of range")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits is too large")
    return int(text)


def _depth(doc: Any) -> int:
    """Nesting depth of a parsed document, without recursion."""
    deepest, todo = 0, [(doc, 1)]
    while todo:
        node, d = todo.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, d)
            if d <= MAX_DEPTH:
                todo.extend((v, d + 1) for v in (node.values() if isinstance(node, dict) else node))
    return deepest


def parse_json(data: str | bytes, bad: str) -> Any:
    """One JSON document, parsed under the bounds above; any failure is a ``CaesarRNNError``
    reading ``"{bad}: {reason}"``."""
    if len(data) > MAX_JSON_BYTES:
        raise CaesarRNNError(f"{bad}: larger than {MAX_JSON_BYTES:,} bytes")
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        doc = json.loads(
            text,
            parse_constant=_bad_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except UnicodeError:
        raise CaesarRNNError(f"{bad}: invalid UTF-8") from None
    except RecursionError:
        raise CaesarRNNError(f"{bad}: nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # JSONDecodeError, and the bounds above
        raise CaesarRNNError(f"{bad}: {exc}") from None
    if _depth(doc) > MAX_DEPTH:
        raise CaesarRNNError(f"{bad}: nested deeper than {MAX_DEPTH} levels")
    return doc


def read_json(path: Path, what: str) -> Any:
    """A JSON file of at most ``MAX_JSON_BYTES``, parsed under the bounds; ``what`` names it in
    errors ("model config": "PATH is not a valid model config: REASON")."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_JSON_BYTES + 1)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise CaesarRNNError(f"cannot read {path}: {exc.strerror}") from None
    return parse_json(data, f"{path} is not a valid {what}")


# --- typed fields ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of a JSON object: its kind ("int", "float", "bool", "str", "object",
    "scalars": an object of scalar values), bounds for numbers (lengths for strings), the
    allowed values, whether it must be present and whether ``null`` is allowed."""

    kind: str
    lo: float | None = None
    hi: float | None = None
    choices: tuple[Any, ...] | None = None
    required: bool = True
    nullable: bool = False


def _kind_ok(value: Any, kind: str) -> bool:
    if kind == "int":
        return type(value) is int
    if kind == "float":
        return type(value) in (int, float) and math.isfinite(value)
    if kind == "bool":
        return type(value) is bool
    if kind == "str":
        return type(value) is str
    if kind == "object":
        return type(value) is dict
    if kind == "scalars":
        return type(value) is dict and all(
            v is None or type(v) in (bool, int, str) or (type(v) is float and math.isfinite(v))
            for v in value.values()
        )
    raise ValueError(f"unknown field kind {kind!r}")  # pragma: no cover - a bug here


_NAMES = {
    "int": "an integer",
    "float": "a finite number",
    "bool": "true or false",
    "str": "a string",
    "object": "an object",
    "scalars": "an object of plain values",
}


def check_value(value: Any, spec: Field, where: str, name: str) -> Any:
    if value is None and spec.nullable:
        return value
    if not _kind_ok(value, spec.kind):
        raise CaesarRNNError(f"{where}: {name} must be {_NAMES[spec.kind]}, got {_show(value)}")
    if spec.choices is not None and value not in spec.choices:
        allowed = ", ".join(map(str, spec.choices))
        raise CaesarRNNError(f"{where}: {name} must be one of {allowed}, got {_show(value)}")
    size = len(value) if spec.kind == "str" else value if spec.kind in ("int", "float") else None
    if size is not None:
        if spec.lo is not None and size < spec.lo:
            raise CaesarRNNError(
                f"{where}: {name} must be at least {spec.lo:g}, got {_show(value)}"
            )
        if spec.hi is not None and size > spec.hi:
            raise CaesarRNNError(f"{where}: {name} must be at most {spec.hi:g}, got {_show(value)}")
    return value


def check_object(
    doc: Any, fields: Mapping[str, Field], where: str, extra: bool = False
) -> dict[str, Any]:
    """``doc`` checked field by field; unknown fields are refused unless ``extra``."""
    if type(doc) is not dict:
        raise CaesarRNNError(f"{where}: expected a JSON object, got {type(doc).__name__}")
    if not extra and (unknown := set(doc) - set(fields)):
        raise CaesarRNNError(f"{where}: unknown fields: {', '.join(sorted(map(str, unknown)))}")
    for name, spec in fields.items():
        if name not in doc:
            if spec.required:
                raise CaesarRNNError(f"{where}: missing field {name}")
            continue
        check_value(doc[name], spec, where, name)
    return doc


# --- the schemas -------------------------------------------------------------------------------

#: Largest model a config may describe: far past anything trained here, small enough that the
#: weight shapes it implies are computed at once.
MAX_HIDDEN = 1 << 14
MAX_LAYERS = 64

#: ``ModelConfig`` as stored in config.json and state.json (fields not given take defaults).
MODEL = {
    "arch": Field("str", choices=("rnn", "gru", "lstm", "mlp"), required=False),
    "hidden": Field("int", 1, MAX_HIDDEN, required=False),
    "layers": Field("int", 1, MAX_LAYERS, required=False),
    "bidirectional": Field("bool", required=False),
    "boundaries": Field("bool", required=False),
    "dropout": Field("float", 0, 1, required=False),
    "canonical": Field("bool", required=False),
}

#: A gen-data row: ``shift`` is optional (the key is found from the pair), but typed.
ROW = {
    "ciphertext": Field("str"),
    "plaintext": Field("str"),
    "shift": Field("int", 0, 25, required=False),
}

#: Where a training run stands (``training.state.Position``).
POSITION = {
    "step": Field("int", 0, 2**62),
    "epoch_rng": Field("object", nullable=True, required=False),
    "batch": Field("int", 0, 2**62, required=False),
    "tokens": Field("int", 0, 2**62, required=False),
    "seconds": Field("float", 0, required=False),
    "ema_loss": Field("float", nullable=True, required=False),
    "ema_acc": Field("float", nullable=True, required=False),
}


def check_model(doc: Any, where: str) -> dict[str, Any]:
    return check_object(doc, MODEL, f"{where} model")


def check_format(doc: Any, where: str, fmt: str, version: int, what: str) -> dict[str, Any]:
    """The ``format`` and ``format_version`` every file of ours starts with; ``what`` names the
    kind of file in the error ("caesar-rnn model config")."""
    if type(doc) is not dict or doc.get("format") != fmt:
        raise CaesarRNNError(f"{where} is not a {what}")
    check_value(doc.get("format_version"), Field("int"), where, "format_version")
    if doc["format_version"] != version:
        raise CaesarRNNError(
            f"{where} has format version {doc['format_version']}; "
            f"this caesar-rnn reads version {version}"
        )
    return doc


# --- JSONL -------------------------------------------------------------------------------------


def jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) for each non-blank line of a gen-data JSONL file, every row checked
    against ``ROW``. Lines end at ``\\n`` only: U+2028 and other Unicode separators inside a JSON
    string are part of it. A line longer than ``MAX_JSON_BYTES`` is refused without being read
    whole."""
    try:
        f = path.open("rb")
    except OSError as exc:
        raise CaesarRNNError(f"cannot read {path}: {exc.strerror}") from None
    with f:
        lineno = 0
        while raw := f.readline(MAX_JSON_BYTES + 1):
            lineno += 1
            where = f"{path}:{lineno}"
            if len(raw) > MAX_JSON_BYTES:
                raise CaesarRNNError(f"{where}: line longer than {MAX_JSON_BYTES:,} bytes")
            if not raw.strip():
                continue
            row = parse_json(raw, f"{where}: not valid JSON")
            if type(row) is not dict:
                raise CaesarRNNError(f"{where}: expected a JSON object")
            if not isinstance(row.get("ciphertext"), str) or not isinstance(
                row.get("plaintext"), str
            ):
                raise CaesarRNNError(f"{where}: needs string fields ciphertext and plaintext")
            yield lineno, check_object(row, ROW, where, extra=True)
