"""The shipped default model: decrypt works right after install, for unknown keys."""

import pytest
from typer.testing import CliRunner

from caesar_rnn.cipher import encrypt
from caesar_rnn.cli.app import app
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.store import shipped_model_dir

SENTENCES = [
    "The weather was cold and the roads were quiet that morning.",
    "Please send the report to the committee before Friday.",
    "She opened the window and listened to the rain on the roof.",
    "Our train leaves at noon, so we should pack tonight.",
]


def test_cli_default_model(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./caesar-rnn-model here: the shipped model is used
    r = CliRunner().invoke(app, ["decrypt", "khoorzruog"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "helloworld\n"
    assert "using model" not in r.stderr  # the shipped model is named only at a terminal


@pytest.mark.parametrize("k", [1, 7, 13, 19, 25])
def test_real_sentences_unknown_keys(k: int) -> None:
    backend = load_backend(shipped_model_dir())
    out = decrypt_messages([encrypt(s, k) for s in SENTENCES], backend)
    assert [d.plaintext for d in out] == SENTENCES
    assert {d.shift for d in out} == {k}


def test_letters_only_unknown_keys() -> None:
    backend = load_backend(shipped_model_dir())
    plain = ["attackatdawn", "meetmebythebridge", "thisisasecretmessage"]
    for k in (2, 11, 23):
        out = decrypt_messages([encrypt(p, k) for p in plain], backend)
        assert [d.plaintext for d in out] == plain
