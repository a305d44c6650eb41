"""The base install and its extras: a command whose extra is missing says so in one line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caesar_rnn.cli.app import app
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.extras import missing, require

pytestmark = pytest.mark.base
runner = CliRunner()


def _hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make ``modules`` unimportable, as if their extra were not installed."""
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def test_require_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide(monkeypatch, "matplotlib")
    assert missing("plot") == ["matplotlib"]
    with pytest.raises(CaesarRNNError) as exc:
        require("plot", "drawing charts")
    assert str(exc.value) == "drawing charts needs the plot extra: pip install 'caesar-rnn[plot]'"


def test_require_passes_when_present() -> None:
    require("train", "nothing", "json")  # a module that is always there: no error


def test_gen_data_without_train_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _hide(monkeypatch, "symspellpy", "wordfreq")
    out = tmp_path / "d.jsonl"
    r = runner.invoke(app, ["gen-data", "--out", str(out), "--count", "3"])
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr.strip().splitlines() == [
        "error: gen-data needs the training extra: pip install 'caesar-rnn[train]'"
    ]
    assert not out.exists()


def test_default_source_without_train_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from caesar_rnn.data import corpus

    _hide(monkeypatch, "wordfreq")
    with pytest.raises(CaesarRNNError) as exc:
        corpus.word_frequencies.__wrapped__()  # the uncached body: it would read the packages
    assert "the default English source needs the training extra" in str(exc.value)


def test_gen_data_from_own_text_needs_no_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hide(monkeypatch, "symspellpy", "wordfreq", "torch")
    text = tmp_path / "t.txt"
    text.write_text("the quick brown fox jumps over the lazy dog " * 20)
    out = tmp_path / "d.jsonl"
    r = runner.invoke(app, ["gen-data", "--out", str(out), "--count", "3", "--corpus", str(text)])
    assert r.exit_code == 0, r.stderr
    assert len(out.read_text().splitlines()) == 3


def test_train_without_train_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _hide(monkeypatch, "torch")
    r = runner.invoke(app, ["train", "--data", str(tmp_path / "none.jsonl")])
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == [
        "error: train needs the training extra: pip install 'caesar-rnn[train]'"
    ]


def test_eval_plot_without_plot_extra_fails_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caesar_rnn.evaluation import evaluate

    _hide(monkeypatch, "matplotlib")
    monkeypatch.setattr(evaluate, "evaluate", lambda *a: pytest.fail("evaluated first"))
    text = tmp_path / "t.txt"
    text.write_text("the quick brown fox jumps over the lazy dog " * 20)
    png = tmp_path / "a.png"
    r = runner.invoke(app, ["eval", "--corpus", str(text), "--solvers", "chi2", "--plot", str(png)])
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr.strip().splitlines() == [
        "error: eval --plot needs the plot extra: pip install 'caesar-rnn[plot]'"
    ]
    assert not png.exists()


def test_cuda_without_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    from caesar_rnn.devices import resolve_device

    _hide(monkeypatch, "torch")
    with pytest.raises(CaesarRNNError, match=r"caesar-rnn\[train\]"):
        resolve_device("cuda")
