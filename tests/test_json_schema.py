"""Every command's --json output against the schema blocks of docs/json.md (a small validator
written here: no schema library)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from caesar_rnn.cli.app import app

DOC = Path(__file__).resolve().parents[1] / "docs" / "json.md"
_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def schemas() -> dict[str, Any]:
    blocks = re.findall(r"```json schema (\w+)\n(.*?)```", DOC.read_text(), re.S)
    return {name: json.loads(body) for name, body in blocks}


def problems(value: Any, schema: Any, where: str = "$") -> list[str]:
    """What in ``value`` does not match ``schema`` (empty: it matches)."""
    if isinstance(schema, str):
        if any(_TYPES[t](value) for t in schema.split("|")):
            return []
        return [f"{where}: {value!r} is not {schema}"]
    if isinstance(schema, list):
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [p for i, v in enumerate(value) for p in problems(v, schema[0], f"{where}[{i}]")]
    if not isinstance(value, dict):
        return [f"{where}: not an object"]
    out = []
    for key, sub in schema.items():
        name = key.rstrip("?")
        if name in value:
            out += problems(value[name], sub, f"{where}.{name}")
        elif not key.endswith("?"):
            out.append(f"{where}: {name} missing")
    return out


def test_the_validator_can_fail() -> None:
    s = schemas()["decrypt"]
    good = {"ciphertext": "a", "plaintext": "b", "shift": 1, "confidence": 0.5,
            "calibrated": True, "english": None, "decode": "key", "alternatives": []}  # fmt: skip
    assert problems(good, s) == []
    assert problems({**good, "shift": "1"}, s) == ["$.shift: '1' is not integer|null"]
    assert problems({**good, "english": 1}, s)
    assert problems({k: v for k, v in good.items() if k != "plaintext"}, s)
    assert problems({**good, "alternatives": [{"shift": 2, "plaintext": "c"}]}, s)
    assert problems({**good, "confidence": True}, s)


def _run(args: list[str]) -> str:
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["decrypt", "Khoor, Zruog!", "--json"],
        ["decrypt", "qwerty", "--json"],
        ["decrypt", "12 34", "--json"],
        ["decrypt", "abc", "--json", "--decode", "argmax"],
        ["decrypt", "khoor zruog", "--json", "--decode", "argmax"],
        ["decrypt", "khoor zruog", "--json", "--decode", "hybrid"],
    ],
)
def test_decrypt_json_matches_the_schema(args: list[str]) -> None:
    for line in _run(args).splitlines():
        assert problems(json.loads(line), schemas()["decrypt"]) == []


@pytest.mark.parametrize("method", ["ngram", "chi2", "model"])
def test_crack_json_matches_the_schema(method: str) -> None:
    for line in _run(["crack", "khoor zruog", "--json", "--method", method]).splitlines():
        assert problems(json.loads(line), schemas()["crack"]) == []


def test_eval_json_matches_the_schema(tmp_path: Path) -> None:
    corpus = tmp_path / "text.txt"
    corpus.write_text("it was the best of times it was the worst of times " * 40)
    out = _run(["eval", "--corpus", str(corpus), "--per-bucket", "3", "--buckets", "6,12",
                "--solvers", "key,argmax,ngram", "--json"])  # fmt: skip
    doc = json.loads(out)
    assert problems(doc, schemas()["eval"]) == []
    key_rows = [r for r in doc["rows"] if r["solver"] == "model key"]
    assert key_rows and all("ece" in r and "flagged" in r for r in key_rows)
    assert all(0 <= r["ece_debiased"] <= r["ece"] for r in key_rows)


def test_hybrid_reports_itself_uncalibrated() -> None:
    """The calibration table was fitted on the key decode's scores, not the hybrid's."""
    d = json.loads(_run(["decrypt", "khoor zruog", "--json", "--decode", "hybrid", "--top", "1"]))
    assert (d["plaintext"], d["decode"]) == ("hello world", "hybrid")
    assert (d["calibrated"], d["english"]) == (False, True)  # the table's verdict, not its map
    assert [a["shift"] for a in d["alternatives"]] and len(d["alternatives"]) == 1
    key = json.loads(_run(["decrypt", "khoor zruog", "--json"]))
    assert (key["decode"], key["calibrated"]) == ("key", True)
