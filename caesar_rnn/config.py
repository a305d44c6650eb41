"""Model configuration (a dataclass saved as JSON beside the weights) and the weight shapes it implies.

Kept free of torch so that the NumPy inference path (decrypt on CPU) can read a model directory
without importing torch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.errors import CaesarRNNError

ARCHS = ("rnn", "gru", "lstm", "mlp")
#: How many gate blocks each recurrent cell stacks in its weight matrices (torch's layout).
GATES = {"rnn": 1, "gru": 3, "lstm": 4}
#: Per-character models: no recurrence, each position is mapped on its own (sheet Q5a).
FEEDFORWARD = ("mlp",)


@dataclass
class ModelConfig:
    """A many-to-many recurrent model over one-hot characters."""

    arch: str = "gru"
    hidden: int = 256
    layers: int = 2
    bidirectional: bool = True
    #: Input is 26 letters, plus one word-boundary symbol when True.
    boundaries: bool = False
    dropout: float = 0.0
    #: Rotate each message so that its first letter reads 'a' before the one-hot. Every rotation
    #: of a ciphertext has the same plaintext posterior (the key is unknown and uniform), so the
    #: model is rotation-invariant by construction instead of having to learn it 26 times over.
    canonical: bool = False

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise CaesarRNNError(f"unknown arch {self.arch!r}: choose one of {', '.join(ARCHS)}")
        if self.hidden < 1 or self.layers < 1:
            raise CaesarRNNError("hidden size and layer count must be at least 1")
        if not 0.0 <= self.dropout < 1.0:
            raise CaesarRNNError(f"dropout must be in [0, 1), got {self.dropout}")
        if self.arch in FEEDFORWARD:
            # A per-character model sees no neighbours, so it has no directions to read in.
            self.bidirectional = False

    @property
    def recurrent(self) -> bool:
        return self.arch not in FEEDFORWARD

    @property
    def input_size(self) -> int:
        return N_LETTERS + 1 if self.boundaries else N_LETTERS

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise CaesarRNNError(f"model config has unknown fields: {', '.join(sorted(unknown))}")
        try:
            return cls(**d)
        except TypeError as exc:
            raise CaesarRNNError(f"bad model config: {exc}") from None

    def weight_shapes(self) -> dict[str, tuple[int, ...]]:
        """Every tensor of the model's state dict, by torch's names, with its shape."""
        h = self.hidden
        shapes: dict[str, tuple[int, ...]] = {}
        if not self.recurrent:
            # nn.Sequential of (Linear, ReLU) pairs: the linear layers sit at even indices.
            for layer in range(self.layers):
                in_size = self.input_size if layer == 0 else h
                shapes[f"mlp.{2 * layer}.weight"] = (h, in_size)
                shapes[f"mlp.{2 * layer}.bias"] = (h,)
            shapes["head.weight"] = (N_LETTERS, h)
            shapes["head.bias"] = (N_LETTERS,)
            return shapes
        g = GATES[self.arch]
        for layer in range(self.layers):
            in_size = self.input_size if layer == 0 else h * self.directions
            for suffix in ("", "_reverse")[: self.directions]:
                shapes[f"rnn.weight_ih_l{layer}{suffix}"] = (g * h, in_size)
                shapes[f"rnn.weight_hh_l{layer}{suffix}"] = (g * h, h)
                shapes[f"rnn.bias_ih_l{layer}{suffix}"] = (g * h,)
                shapes[f"rnn.bias_hh_l{layer}{suffix}"] = (g * h,)
        shapes["head.weight"] = (N_LETTERS, h * self.directions)
        shapes["head.bias"] = (N_LETTERS,)
        return shapes

    def n_params(self) -> int:
        total = 0
        for shape in self.weight_shapes().values():
            n = 1
            for s in shape:
                n *= s
            total += n
        return total
