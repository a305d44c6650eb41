"""The key decode's cascade: the fast stage's file, its pairing with the default weights, its gate,
and that the default model still decides every message the gate leaves to it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from caesar_rnn.cipher import encrypt
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.calibration import english_scores, load_calibration
from caesar_rnn.decoding.cascade import (
    CASCADE,
    CascadeSpec,
    Gate,
    fast_model_dir,
    load_cascade,
    read_spec,
)
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.decoding.scores import key_evidence, log_odds, quadgram_scores
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.store import shipped_model_dir

PLAIN = [
    "the committee will meet again on friday to discuss the report",
    "She opened the window and listened to the rain on the roof.",
    "abc",
    "hello",
    "zzzzqqqqjjjjxxxxvvvvkkkk",
    "",
    "Our train leaves at noon, so we should pack tonight",
]


def test_shipped_fast_stage_is_paired_with_the_shipped_model() -> None:
    """Retraining the default model without retuning the fast stage would silently turn the
    cascade off: this says so."""
    c = load_cascade(shipped_model_dir())
    assert c is not None and c.fast.config.hidden < load_backend(shipped_model_dir()).config.hidden
    assert load_backend(shipped_model_dir()).cascade is not None  # type: ignore[attr-defined]
    assert load_backend(shipped_model_dir(), cascade=False).cascade is None  # type: ignore[attr-defined]


def test_other_weights_get_no_cascade(tmp_path: Path) -> None:
    fast = tmp_path / "fast"
    shutil.copytree(fast_model_dir(), fast)
    doc = json.loads((fast / CASCADE).read_text())
    assert load_cascade(shipped_model_dir(), fast) is not None
    doc["main_sha256"] = "0" * 64
    (fast / CASCADE).write_text(json.dumps(doc))
    assert load_cascade(shipped_model_dir(), fast) is None
    (fast / CASCADE).unlink()
    assert read_spec(fast) is None and load_cascade(shipped_model_dir(), fast) is None


@pytest.mark.parametrize(
    "text", ["{", '{"format": "other", "format_version": 1}', '{"format": "caesar-rnn-cascade"}']
)
def test_bad_cascade_file_is_one_clear_error(tmp_path: Path, text: str) -> None:
    (tmp_path / CASCADE).write_text(text)
    with pytest.raises(CaesarRNNError, match="cascade"):
        read_spec(tmp_path)


def test_spec_round_trips(tmp_path: Path) -> None:
    spec = CascadeSpec("a" * 64, Gate(12, 9, 3.0, -6.5, 8.0), {"messages": 5})
    (tmp_path / CASCADE).write_text(spec.to_json())
    assert read_spec(tmp_path) == spec


def test_gate() -> None:
    """English under the fast stage's key and decisive: accepted; too short, undecided or not
    English under that key: left to the default model."""
    gate = Gate(16, 8, 5.0, -6.0, 10.0)
    msgs = [encrypt(p, 3) for p in ("the report is on the table", "the cat", "the report is on")]
    msgs.append("xqzjvkxqzjvkxqzjvkxq")
    scores = np.zeros((4, 26))
    scores[:, 3] = 50.0  # shift 3, decisive
    scores[2] = 0.0  # undecided
    letters = np.array([21, 6, 13, 20])
    assert gate.decided(msgs, letters, scores).tolist() == [True, False, False, False]


def test_cascade_leaves_the_default_model_its_answers() -> None:
    """Messages the gate leaves to the default model get exactly its scores; the rest, the fast
    stage's key, here right."""
    backend = load_backend(shipped_model_dir())
    alone = load_backend(shipped_model_dir(), cascade=False)
    msgs = [encrypt(p, k) for k, p in enumerate(PLAIN, 5)]
    ev = key_evidence(msgs, backend)
    ref = key_evidence(msgs, alone)
    c = backend.cascade  # type: ignore[attr-defined]
    fast = ev.scores != ref.scores
    assert fast.any(axis=1)[0] and not fast.any(axis=1)[2:6].any()  # short, empty: default model
    assert (ev.scores.argmax(axis=1) == ref.scores.argmax(axis=1)).all()
    assert (ev.letters == ref.letters).all()
    taken = fast.any(axis=1)
    assert (log_odds(ev.scores[taken]) >= c.min_logodds).all()
    assert (ev.scored[taken] <= c.prefix).all()  # one reading of the prefix


def test_cascade_decrypts_and_stays_calibrated() -> None:
    cal = load_calibration(shipped_model_dir())
    out = decrypt_messages(
        [encrypt(p, 11) for p in PLAIN], load_backend(shipped_model_dir()), calibration=cal
    )
    assert [d.plaintext for d in out][:2] == PLAIN[:2]
    assert out[0].confidence > 0.99 and out[0].english is True


def test_quadgram_scores_score_one_shift_as_english_scores_scores_all() -> None:
    rng = np.random.default_rng(0)
    msgs = [encrypt(p, 7) for p in PLAIN] + ["Ça va? très bien", "ab", "Hello, World!"]
    msgs += ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), n)) for n in range(1, 40)]
    full = english_scores(msgs)  # (N, 26)
    n = np.array([sum(c.isascii() and c.isalpha() for c in m) for m in msgs])
    shifts = rng.integers(0, 26, len(msgs))
    q = quadgram_scores(msgs, shifts)
    ok = n >= 4
    assert np.allclose(q[ok], full[np.arange(len(msgs)), shifts][ok], atol=1e-6)
    assert np.isnan(q[~ok]).all()


def test_fast_model_was_trained_by_its_recipe() -> None:
    """models/fast records the recipe it was trained with: recipes/fast.toml, word for word."""
    recipe = Path(__file__).parents[2] / "recipes" / "fast.toml"
    doc = json.loads((fast_model_dir() / "config.json").read_text(encoding="utf-8"))
    assert doc["training"]["recipe"]["text"] == recipe.read_text(encoding="utf-8")
    assert doc["model"] == {
        "arch": "gru",
        "bidirectional": True,
        "boundaries": True,
        "canonical": True,
        "dropout": 0.0,
        "hidden": 64,
        "layers": 1,
    }
