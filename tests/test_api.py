"""The Python API (``import caesar_rnn``): the README's examples, batches, a reusable model,
crack on one message, errors as CaesarRNNError, and no torch on import or decryption."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import caesar_rnn
from caesar_rnn import CaesarRNNError


def test_readme_python_section_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Python block as written (train is recorded, not run: it needs a data file)."""
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme.split("### Python\n\n```python\n", 1)[1].split("```", 1)[0]
    calls: list[tuple[object, ...]] = []
    monkeypatch.setattr(caesar_rnn, "train", lambda *args: calls.append(args))
    exec(compile(block, "README.md", "exec"), {})
    assert len(calls) == 1 and isinstance(calls[0][0], caesar_rnn.ModelConfig)


def test_public_names() -> None:
    for name in caesar_rnn.__all__:
        assert getattr(caesar_rnn, name) is not None
    assert {"decrypt", "load_model", "encrypt", "crack", "train", "CaesarRNNError"} <= set(
        caesar_rnn.__all__
    )
    with pytest.raises(AttributeError):
        caesar_rnn.nothing_here  # noqa: B018


def test_readme_examples() -> None:
    """The README's Python section, line by line."""
    d = caesar_rnn.decrypt("Khoor, Zruog!")
    assert (d.plaintext, d.shift) == ("Hello, World!", 3)
    assert 0.5 < d.confidence <= 1
    assert [d.plaintext for d in caesar_rnn.decrypt(["khoor", "zruog"])] == ["hello", "world"]
    assert caesar_rnn.decrypt("Wkh fdw", shift=3).plaintext == "The cat"
    model = caesar_rnn.load_model("shipped")
    assert model.decrypt("wkh fdw vdw rq wkh pdw").plaintext == "the cat sat on the mat"
    best = caesar_rnn.crack("khoorzruog", method="ngram", top=3)
    assert [c.shift for c in best][:1] == [3] and best[0].plaintext == "helloworld"
    assert len(best) == 3
    assert caesar_rnn.encrypt("helloworld", 3) == "khoorzruog"


def test_model_is_reused_and_chosen(tiny_model: str, tmp_path: Path) -> None:
    a = caesar_rnn.load_model(tiny_model, device="cpu")
    assert caesar_rnn.load_model(tiny_model, device="cpu") is a  # loaded once
    assert caesar_rnn.load_model(a) is a
    assert a.config.hidden == 32 and a.path == Path(tiny_model)
    assert caesar_rnn.decrypt("khoor", model=a, decode="argmax").plaintext == "hello"
    with pytest.raises(CaesarRNNError, match="does not exist"):
        caesar_rnn.load_model(tmp_path / "none")


def test_batches_and_streams() -> None:
    msgs = ["khoor", "", "Zruog!"]
    out = caesar_rnn.decrypt(msgs, shift=3)
    assert [d.plaintext for d in out] == ["hello", "", "World!"]
    assert caesar_rnn.encrypt(["hello", "World!"], 3) == ["khoor", "Zruog!"]
    stream = caesar_rnn.decrypt_lines(iter(["khoorzruog", "zruog"]), model="shipped")
    assert [d.plaintext for d in stream] == ["helloworld", "world"]
    ranked = dict(caesar_rnn.crack_lines(["khoorzruog", "123"], "ngram", 1))
    assert ranked["khoorzruog"][0].shift == 3 and ranked["123"] == []


def test_crack_takes_one_message() -> None:
    """A str is one message (the classical cracker would read it character by character)."""
    assert len(caesar_rnn.crack("khoorzruog", top=26)) == 26
    with pytest.raises(CaesarRNNError, match="one message"):
        caesar_rnn.crack(["khoorzruog"])  # type: ignore[arg-type]
    from caesar_rnn.classical.crackers import crack as classical_crack

    with pytest.raises(CaesarRNNError, match="list of messages"):
        classical_crack("khoorzruog", "ngram")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: caesar_rnn.crack("abc", method="rot13"), "unknown method"),
        (lambda: caesar_rnn.crack("abc", top=0), "at least 1"),
        (lambda: caesar_rnn.decrypt("abc", decode="vote", model="shipped"), "unknown decode"),
        (lambda: caesar_rnn.decrypt("abc", shift=1, decode="argmax"), "known shift"),
        (lambda: caesar_rnn.decrypt([b"abc"], shift=1), "must be str"),  # type: ignore[list-item]
    ],
)
def test_errors(call: object, message: str) -> None:
    with pytest.raises(CaesarRNNError, match=message):
        call()  # type: ignore[operator]


def test_no_torch_on_import_or_decrypt() -> None:
    code = (
        "import sys, caesar_rnn\n"
        "assert 'torch' not in sys.modules and 'numpy' not in sys.modules\n"
        "from caesar_rnn import decrypt, load_model, encrypt, crack, CaesarRNNError, ModelConfig\n"
        "print(decrypt('khoorzruog').plaintext, crack('khoorzruog', top=1)[0].plaintext)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'torch'))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "helloworld helloworld\n[]\n"


def test_train_entry_point(tmp_path: Path) -> None:
    from caesar_rnn.data.generate import generate, write_jsonl

    data = tmp_path / "pairs.jsonl"
    write_jsonl(generate(200, 4, 12, shift=3, seed=1), data)
    cfg = caesar_rnn.TrainConfig(
        data=str(data), out=str(tmp_path / "m"), steps=2, device="cpu", progress=False
    )
    metrics = caesar_rnn.train(caesar_rnn.ModelConfig("gru", 8, 1), cfg)
    assert "overall" in metrics
    assert caesar_rnn.load_model(tmp_path / "m").config.hidden == 8


def test_shipped_wins_over_the_local_model(
    tiny_model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from caesar_rnn.store import shipped_model_dir

    shutil.copytree(tiny_model, tmp_path / "caesar-rnn-model")
    monkeypatch.chdir(tmp_path)
    assert caesar_rnn.load_model(device="cpu").path == Path("caesar-rnn-model")
    assert caesar_rnn.load_model("shipped", device="cpu").path == shipped_model_dir()
    (tmp_path / "shipped").mkdir()  # a folder of that name is ./shipped
    with pytest.raises(CaesarRNNError, match="holds no model"):
        caesar_rnn.load_model("./shipped", device="cpu")
