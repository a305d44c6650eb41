"""Model shapes, checkpoint round trips, padding that never leaks, NumPy == torch."""

from pathlib import Path

import numpy as np
import pytest
import torch

from caesar_rnn.config import ModelConfig
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.nn.model import CaesarRNN
from caesar_rnn.nn.numpy_rnn import NumpyRNN
from caesar_rnn.store import ModelMeta, load_meta, load_torch_model, load_weights, save_model

CONFIGS = [
    ModelConfig(arch, 16, layers, bidi, boundaries)
    for arch in ("rnn", "gru", "lstm")
    for bidi in (False, True)
    for layers, boundaries in ((1, False), (2, True))
] + [
    ModelConfig("mlp", 16, layers, False, boundaries)
    for layers, boundaries in ((1, False), (2, True))
]


def _ids(c: ModelConfig) -> str:
    return (
        f"{c.arch}-{'bi' if c.bidirectional else 'uni'}-l{c.layers}-{'b' if c.boundaries else 'nb'}"
    )


@pytest.mark.parametrize("cfg", CONFIGS, ids=_ids)
def test_shapes_and_state_names(cfg: ModelConfig) -> None:
    torch.manual_seed(0)
    model = CaesarRNN(cfg)
    tokens = torch.randint(0, cfg.input_size, (3, 7))
    assert model(tokens).shape == (3, 7, 26)
    got = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert got == cfg.weight_shapes()
    assert cfg.n_params() == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("cfg", CONFIGS, ids=_ids)
def test_numpy_matches_torch(cfg: ModelConfig) -> None:
    torch.manual_seed(1)
    model = CaesarRNN(cfg).eval()
    tokens = torch.randint(0, cfg.input_size, (4, 9))
    lengths = torch.tensor([9, 5, 1, 7])
    with torch.no_grad():
        want = model(tokens, lengths).numpy()
    npm = NumpyRNN(cfg, {k: v.numpy() for k, v in model.state_dict().items()})
    got = npm.logits(tokens.numpy(), lengths.numpy())
    for i, n in enumerate(lengths.tolist()):
        np.testing.assert_allclose(got[i, :n], want[i, :n], atol=1e-5, rtol=1e-4)
        assert (got[i, :n].argmax(-1) == want[i, :n].argmax(-1)).all()


@pytest.mark.parametrize("bidi", [False, True])
@pytest.mark.parametrize("backend", ["torch", "numpy"])
def test_padding_never_leaks(bidi: bool, backend: str) -> None:
    """A message gives the same outputs alone and batched with longer ones (sheet Q5e)."""
    torch.manual_seed(2)
    cfg = ModelConfig("gru", 16, 2, bidi, True)
    model = CaesarRNN(cfg).eval()
    short = torch.tensor([[3, 4, 26, 5]])
    batch = torch.zeros((3, 10), dtype=torch.long)
    batch[0, :4] = short[0]
    batch[0, 4:] = 7  # junk in the padding must not matter
    batch[1] = torch.randint(0, 27, (10,))
    batch[2, :6] = torch.randint(0, 27, (6,))
    lengths = torch.tensor([4, 10, 6])
    with torch.no_grad():
        if backend == "torch":
            alone, mixed = model(short), model(batch, lengths)
            alone_np, mixed_np = alone.numpy(), mixed.numpy()
        else:
            npm = NumpyRNN(cfg, {k: v.numpy() for k, v in model.state_dict().items()})
            alone_np = npm.logits(short.numpy())
            mixed_np = npm.logits(batch.numpy(), lengths.numpy())
    np.testing.assert_allclose(mixed_np[0, :4], alone_np[0], atol=1e-6)


def test_save_load_identical(tmp_path: Path) -> None:
    torch.manual_seed(3)
    cfg = ModelConfig("lstm", 12, 2, True, True)
    model = CaesarRNN(cfg).eval()
    save_model(tmp_path, model.state_dict(), ModelMeta(cfg, {"seed": 1}, {"x": 1}))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json", "model.safetensors"]
    loaded = load_torch_model(tmp_path)
    tokens = torch.randint(0, 27, (2, 6))
    with torch.no_grad():
        assert torch.equal(model(tokens), loaded(tokens))
    assert load_meta(tmp_path).model == cfg


def test_tampered_weights_rejected(tmp_path: Path) -> None:
    cfg = ModelConfig("gru", 8, 1, False)
    save_model(tmp_path, CaesarRNN(cfg).state_dict(), ModelMeta(cfg))
    blob = (tmp_path / "model.safetensors").read_bytes()
    (tmp_path / "model.safetensors").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(CaesarRNNError, match="does not match"):
        load_weights(tmp_path, cfg)


def test_bad_config() -> None:
    with pytest.raises(CaesarRNNError, match="unknown arch"):
        ModelConfig("transformer")


@pytest.mark.parametrize("bidi", [False, True])
def test_canonical_model_is_rotation_invariant(bidi: bool) -> None:
    """With canonical input, every rotation of a ciphertext gives the same outputs, in torch and
    NumPy alike, and the two agree (padding and leading boundaries included)."""
    torch.manual_seed(4)
    cfg = ModelConfig("gru", 16, 2, bidi, True, canonical=True)
    model = CaesarRNN(cfg).eval()
    tokens = torch.tensor([[26, 3, 9, 26, 0, 25, 7], [5, 5, 1, 26, 2, 0, 0]])
    lengths = torch.tensor([7, 5])
    npm = NumpyRNN(cfg, {k: v.numpy() for k, v in model.state_dict().items()})
    with torch.no_grad():
        base = model(tokens, lengths).numpy()
        for r in (1, 13, 25):
            rotated = torch.where(tokens < 26, (tokens + r) % 26, tokens)
            np.testing.assert_allclose(model(rotated, lengths).numpy(), base, atol=1e-6)
            got = npm.logits(rotated.numpy(), lengths.numpy())
            for i, n in enumerate(lengths.tolist()):
                np.testing.assert_allclose(got[i, :n], base[i, :n], atol=1e-5)
    plain = CaesarRNN(ModelConfig("gru", 16, 2, bidi, True)).eval()
    with torch.no_grad():
        assert not np.allclose(plain(tokens).numpy(), plain((tokens + 1) % 26).numpy())


def test_rotate_to_a_unsigned_tokens() -> None:
    """Decoding feeds uint8 tokens: the rotation must not wrap around 256."""
    from caesar_rnn.nn.numpy_rnn import rotate_to_a

    toks = np.array([[3, 1, 26, 0]], np.uint8)
    assert rotate_to_a(toks).tolist() == [[0, 24, 26, 23]]


@pytest.mark.parametrize(
    ("tail", "want"), [("two words", True), ("end.", False), ("Ça va", True), ("", False)]
)
def test_has_boundaries_looks_past_a_letters_only_start(tail: str, want: bool) -> None:
    from caesar_rnn.data.dataset import has_boundaries

    assert has_boundaries(["onlyletters"] * 20_000 + [tail]) is want
