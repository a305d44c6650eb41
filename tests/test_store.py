"""Model folders a user might be handed: truncated, tampered, from another version, or crafted to
run code when loaded. Each gives one clear error; none runs anything."""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caesar_rnn.cli.app import app
from caesar_rnn.config import ModelConfig
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.store import ModelMeta, load_meta, load_torch_model, load_weights, save_model

CFG = ModelConfig("gru", 8, 1, False)


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    from caesar_rnn.nn.model import CaesarRNN

    d = tmp_path / "m"
    save_model(d, CaesarRNN(CFG).state_dict(), ModelMeta(CFG))
    return d


def _doc(d: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((d / "config.json").read_text())


def _write_doc(d: Path, doc: dict) -> None:  # type: ignore[type-arg]
    (d / "config.json").write_text(json.dumps(doc))


def _vouch(d: Path) -> None:
    """Make config.json's checksum match the weights file, as an attacker who writes both would."""
    doc = _doc(d)
    doc["weights_sha256"] = hashlib.sha256((d / "model.safetensors").read_bytes()).hexdigest()
    _write_doc(d, doc)


def _load_everywhere(d: Path, message: str) -> None:
    """The NumPy path, the torch path and the CLI all refuse with the same clear message."""
    with pytest.raises(CaesarRNNError, match=message):
        load_weights(d, load_meta(d).model)
    with pytest.raises(CaesarRNNError, match=message):
        load_torch_model(d)
    r = CliRunner().invoke(app, ["decrypt", "khoor", "--model", str(d), "--device", "cpu"])
    assert r.exit_code == 1
    assert r.stdout == ""
    assert re.search(message, r.stderr) and "Traceback" not in r.stderr


def test_truncated_weights_without_checksum(model_dir: Path) -> None:
    blob = (model_dir / "model.safetensors").read_bytes()
    (model_dir / "model.safetensors").write_bytes(blob[:-7])
    doc = _doc(model_dir)
    del doc["weights_sha256"]
    _write_doc(model_dir, doc)
    _load_everywhere(model_dir, "not a valid safetensors file")


def test_truncated_to_nothing(model_dir: Path) -> None:
    (model_dir / "model.safetensors").write_bytes(b"")
    _load_everywhere(model_dir, "does not match its config")


def test_config_changed_behind_the_weights(model_dir: Path) -> None:
    doc = _doc(model_dir)
    doc["model"]["hidden"] = 16  # the weights are still 8 wide
    _write_doc(model_dir, doc)
    _load_everywhere(model_dir, r"shape \(24, 26\), want \(48, 26\)")


def test_weights_swapped_for_another_architecture(model_dir: Path, tmp_path: Path) -> None:
    from caesar_rnn.nn.model import CaesarRNN

    other = ModelConfig("lstm", 8, 1, False)
    save_model(tmp_path / "o", CaesarRNN(other).state_dict(), ModelMeta(other))
    (model_dir / "model.safetensors").write_bytes(
        (tmp_path / "o" / "model.safetensors").read_bytes()
    )
    _vouch(model_dir)
    _load_everywhere(model_dir, r"shape \(32, 26\), want \(24, 26\)")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"format_version": 2}, "format version 2; this caesar-rnn reads version 1"),
        ({"format_version": None}, "format_version must be an integer, got None"),
        ({"format_version": "1"}, "format_version must be an integer, got '1'"),
        ({"format_version": 1.0}, "format_version must be an integer, got 1.0"),
        ({"format_version": True}, "format_version must be an integer, got True"),
        ({"format": "something-else"}, "is not a caesar-rnn model config"),
        ({"alphabet": "abcdefghijklmnopqrstuvwxyzé"}, "another alphabet"),
        ({"model": "gru"}, "has no model section"),
        ({"model": {"arch": "gru", "__class__": "os.system"}}, "unknown fields: __class__"),
        ({"model": {"arch": "__import__('os').system('true')"}}, "arch must be one of"),
        ({"model": {"arch": "gru", "hidden": "8; rm -rf /"}}, "hidden must be an integer"),
        ({"model": {"arch": "gru", "hidden": -1}}, "at least 1"),
        ({"model": {"arch": "gru", "hidden": 16.0}}, "hidden must be an integer, got 16.0"),
        ({"model": {"arch": "gru", "layers": 1.5}}, "layers must be an integer, got 1.5"),
        ({"model": {"arch": "gru", "layers": True}}, "layers must be an integer, got True"),
        ({"model": {"arch": "gru", "layers": 10**9}}, "layers must be at most 64"),
        ({"model": {"arch": "gru", "hidden": 10**6}}, "hidden must be at most 16384"),
        ({"model": {"arch": "gru", "canonical": "false"}}, "canonical must be true or false"),
        ({"model": {"arch": "gru", "dropout": "0"}}, "dropout must be a finite number"),
        ({"model": {"arch": "gru", "dropout": 1.5}}, "dropout must be at most 1"),
        ({"metrics": [1, 2]}, "metrics must be an object"),
        ({"weights_sha256": 12}, "weights_sha256 must be a string"),
    ],
)
def test_bad_config_fields(edit: dict, message: str, model_dir: Path) -> None:  # type: ignore[type-arg]
    doc = _doc(model_dir)
    doc.update(edit)
    _write_doc(model_dir, doc)
    with pytest.raises(CaesarRNNError, match=re.escape(message)):
        load_meta(model_dir)
    r = CliRunner().invoke(app, ["decrypt", "khoor", "--model", str(model_dir)])
    assert r.exit_code == 1 and r.stdout == "" and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a valid model config"),
        ("[1, 2, 3]", "not a caesar-rnn model config"),
        ('{"format": "caesar-rnn-model", ', "not a valid model config"),
        ("\udcff", "not a valid model config"),
        ('{"a": ' + "1" * 5000 + "}", "integer of 5000 digits is too large"),
        ('{"a": 1e999}', "out of range"),
        ('{"a": NaN}', "NaN is not allowed"),
        ("[" * 100_000 + "]" * 100_000, "nested deeper than 32 levels"),
        ("[" * 40 + "]" * 40, "nested deeper than 32 levels"),
        ('{"layers": 1e9' + " " * (1 << 20) + "}", "larger than 1,048,576 bytes"),
    ],
)
def test_unreadable_config(text: str, message: str, model_dir: Path) -> None:
    (model_dir / "config.json").write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(CaesarRNNError, match=message):
        load_meta(model_dir)


class _Payload:
    """Unpickling this calls ``open(path, "w")``: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (str(self.marker), "w"))


@pytest.mark.parametrize("name", ["model.safetensors", "config.json"])
def test_pickle_payload_never_runs(name: str, model_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(marker), protocol=2)
    (model_dir / name).write_bytes(payload)
    if name == "model.safetensors":
        _vouch(model_dir)  # the crafted file gets as far as the weight loader
    for load in (
        lambda: load_weights(model_dir, load_meta(model_dir).model),
        lambda: load_torch_model(model_dir),
    ):
        with pytest.raises(CaesarRNNError):
            load()
    r = CliRunner().invoke(app, ["decrypt", "khoor", "--model", str(model_dir)])
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert not marker.exists()
    # The payload is live: unpickling it (which caesar-rnn never does) would create the marker.
    pickle.loads(payload).close()
    assert marker.exists()


def test_safetensors_header_claiming_huge_size(model_dir: Path) -> None:
    # A header that says it is 2**60 bytes long: refused, not allocated.
    (model_dir / "model.safetensors").write_bytes(struct.pack("<Q", 2**60) + b"{}")
    _vouch(model_dir)
    _load_everywhere(model_dir, "not a valid safetensors file")


def test_float64_weights_refused(model_dir: Path) -> None:
    from safetensors.numpy import load_file, save_file

    w = {k: v.astype("float64") for k, v in load_file(model_dir / "model.safetensors").items()}
    save_file(w, model_dir / "model.safetensors")
    _vouch(model_dir)
    _load_everywhere(model_dir, "float64, want float32")


def test_no_pickle_anywhere_in_the_package() -> None:
    """torch.load / torch.save / pickle / np.load would each unpickle (or write pickles)."""
    import caesar_rnn

    banned = re.compile(
        r"\btorch\.(load|save)\(|\bimport pickle\b|\bpickle\.|\bnp\.load\(|allow_pickle|joblib"
    )
    root = Path(caesar_rnn.__file__).parent
    hits = [
        f"{p.name}:{i}"
        for p in root.rglob("*.py")
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if banned.search(line)
    ]
    assert hits == []


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_weights_refused_even_with_a_recomputed_checksum(
    model_dir: Path, bad: float
) -> None:
    import numpy as np
    from safetensors.numpy import load, save

    blob = (model_dir / "model.safetensors").read_bytes()
    weights = load(blob)
    weights["head.bias"] = weights["head.bias"].copy()
    weights["head.bias"][3] = bad
    (model_dir / "model.safetensors").write_bytes(
        save({k: np.ascontiguousarray(v) for k, v in weights.items()})
    )
    _vouch(model_dir)
    _load_everywhere(model_dir, "head.bias holds NaN or infinite values")


def test_layers_as_a_float_fails_fast(model_dir: Path) -> None:
    doc = _doc(model_dir)
    (model_dir / "config.json").write_text(json.dumps(doc).replace('"layers": 1', '"layers": 1e9'))
    with pytest.raises(CaesarRNNError, match="layers must be an integer, got 1000000000.0"):
        load_meta(model_dir)


def test_a_calibration_stays_with_the_weights_it_was_fitted_for(model_dir: Path) -> None:
    # Retraining into a folder (--force) used to carry its old calibration.json into the new
    # model, which then reported the old weights' confidence.
    import shutil

    from caesar_rnn.decoding.calibration import CALIBRATION, load_calibration
    from caesar_rnn.nn.model import CaesarRNN
    from caesar_rnn.store import shipped_model_dir

    table = json.loads((shipped_model_dir() / CALIBRATION).read_text())
    table["source"]["weights_sha256"] = _doc(model_dir)["weights_sha256"]
    (model_dir / CALIBRATION).write_text(json.dumps(table))
    assert load_calibration(model_dir) is not None  # fitted for these weights
    (model_dir / "notes.txt").write_text("mine")
    save_model(model_dir, CaesarRNN(CFG).state_dict(), ModelMeta(CFG), force=True)
    assert not (model_dir / CALIBRATION).exists()  # not carried over to new weights
    assert (model_dir / "notes.txt").read_text() == "mine"  # the user's own files are
    # A table copied in by hand for other weights is refused, with what to do.
    shutil.copy(shipped_model_dir() / CALIBRATION, model_dir / CALIBRATION)
    with pytest.raises(CaesarRNNError, match="fitted for other weights.*refit it"):
        load_calibration(model_dir)
    r = CliRunner().invoke(app, ["decrypt", "khoor", "--model", str(model_dir)])
    assert r.exit_code == 1 and "fitted for other weights" in r.stderr
