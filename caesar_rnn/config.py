"""The one home of defaults: the model, training and data configs, validated on construction, and
the recipe file that names one of each (``recipes/default.toml``: how the shipped model was made).

Kept free of torch so that the NumPy inference path (decrypt on CPU) can read a model directory
without importing torch. Messages name settings by their config field, never by a CLI flag.
"""

from __future__ import annotations

import math
import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from caesar_rnn.cipher import N_LETTERS
from caesar_rnn.errors import CaesarRNNError

ARCHS = ("rnn", "gru", "lstm", "mlp")
#: How many gate blocks each recurrent cell stacks in its weight matrices (torch's layout).
GATES = {"rnn": 1, "gru": 3, "lstm": 4}
#: Per-character models: no recurrence, each position is mapped on its own (sheet Q5a).
FEEDFORWARD = ("mlp",)
#: Bounds that make a mistyped size fail at once instead of exhausting memory.
MAX_HIDDEN = 8192
MAX_LAYERS = 32
MAX_SEED = 2**32 - 1
#: The longest message gen-data makes, in letters: far past any model's use, and small enough
#: that a typo such as 1000000000000 is refused at once rather than hanging.
MAX_LETTERS = 1 << 16
#: The most pairs one data file may hold.
MAX_PAIRS = 10**10
STYLES = ("letters", "natural")
DEFAULT_DATA = "caesar-data.jsonl"
#: Where `caesar-rnn train` writes by default, and where `decrypt` looks first.
DEFAULT_TRAIN_DIR = "caesar-rnn-model"
#: Settings of rejected experiments that old checkpoints and model configs may still carry;
#: reading them back ignores them (experiments/key-loss, docs/model.md).
RETIRED_TRAINING = ("key_loss", "letter_noise")
#: Recorded beside the training settings, not a setting: the recipe a run came from.
RECIPE_KEY = "recipe"


def _int(name: str, value: Any, lo: int, hi: int | None = None, none: bool = False) -> None:
    if value is None and none:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise CaesarRNNError(f"{name} must be an integer, got {value!r}")
    if value < lo or (hi is not None and value > hi):
        bound = f"at least {lo}" + ("" if hi is None else f" and at most {hi}")
        raise CaesarRNNError(f"{name} must be {bound}, got {value}")


def _float(name: str, value: Any, lo: float, hi: float | None = None, low_open: bool = False,
           high_open: bool = False) -> None:  # fmt: skip
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CaesarRNNError(f"{name} must be a finite number, got {value!r}")
    too_low = value <= lo if low_open else value < lo
    too_high = hi is not None and (value >= hi if high_open else value > hi)
    if too_low or too_high:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        where = f"in {left}{lo}, {hi}{right}" if hi is not None else f"above {lo}"
        if hi is None and not low_open:
            where = f"at least {lo}"
        raise CaesarRNNError(f"{name} must be {where}, got {value}")


def _bool(name: str, value: Any, none: bool = False) -> None:
    if not (isinstance(value, bool) or (none and value is None)):
        raise CaesarRNNError(f"{name} must be true or false, got {value!r}")


def _str(name: str, value: Any, choices: tuple[str, ...] = ()) -> None:
    if not isinstance(value, str) or (choices and value not in choices):
        want = f"one of {', '.join(choices)}" if choices else "a string"
        raise CaesarRNNError(f"{name} must be {want}, got {value!r}")


def _from_dict(cls: Any, d: Any, what: str, retired: tuple[str, ...] = ()) -> Any:
    if not isinstance(d, dict):
        raise CaesarRNNError(f"{what} must be a table of settings, got {type(d).__name__}")
    known = {f.name for f in fields(cls)}
    unknown = set(d) - known - set(retired)
    if unknown:
        raise CaesarRNNError(f"{what} has unknown fields: {', '.join(sorted(unknown))}")
    return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class ModelConfig:
    """A many-to-many recurrent model over one-hot characters."""

    arch: str = "gru"
    hidden: int = 128
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
        _int("hidden size", self.hidden, 1, MAX_HIDDEN)
        _int("layer count", self.layers, 1, MAX_LAYERS)
        for name in ("bidirectional", "boundaries", "canonical"):
            _bool(name, getattr(self, name))
        _float("dropout", self.dropout, 0.0, 1.0, high_open=True)
        if self.dropout > 0 and (self.arch in FEEDFORWARD or self.layers < 2):
            raise CaesarRNNError(
                f"dropout {self.dropout:g} would do nothing: it acts between recurrent layers, "
                "so it needs a recurrent arch and 2 or more layers"
            )
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
        try:
            return _from_dict(cls, d, "model config")
        except (TypeError, CaesarRNNError) as exc:
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


@dataclass
class TrainConfig:
    """How to train: data, schedule, where it runs, where the model goes."""

    data: str = DEFAULT_DATA
    out: str = DEFAULT_TRAIN_DIR
    #: Passes over the pairs; used only when ``steps`` is None.
    epochs: int = 5
    #: Steps to train; None: train ``epochs`` passes instead. The default (2,200 steps of 384 on
    #: gen-data's default 500,000 pairs) is about 5 minutes on 2 CPU cores: see
    #: experiments/default-train.
    steps: int | None = 2200
    batch_size: int = 384
    lr: float = 3e-3
    weight_decay: float = 0.0
    warmup: int = 100
    clip: float = 1.0
    val_fraction: float = 0.05
    max_val: int = 5000
    #: Draw a fresh random key for every pair each epoch (unknown-key data).
    reshift: bool = False
    device: str = "auto"
    seed: int = 0
    threads: int | None = None
    #: Truncated BPTT: backpropagate through chunks of this many steps (unidirectional only).
    tbptt: int | None = None
    #: bf16 autocast for the forward pass (CUDA, or a CPU with native bf16 such as AVX512-BF16/AMX);
    #: None: on where it is native, else float32.
    bf16: bool | None = False
    compile: bool = False  # torch.compile the training module
    checkpoint_every: int = 1000  # steps between resumable checkpoints in OUT/checkpoint (0: none)
    #: Turn on ModelConfig.boundaries when the data has word boundaries.
    auto_boundaries: bool = True
    #: Turn on ModelConfig.canonical when the data uses several keys (not with truncated BPTT).
    auto_canonical: bool = True
    #: Fit the saved model's calibration table on the tuning prose (``decoding.fitting``), so that
    #: its ``confidence`` is calibrated and its English verdict known; tuning messages per source,
    #: length and style (scripts/calibrate.py fits the shipped model's with 300).
    calibrate: bool = True
    calibrate_per_length: int = 100
    #: Show a progress bar (only ever on a terminal); not saved with the model.
    progress: bool = True

    def __post_init__(self) -> None:
        _str("data file", self.data)
        _str("output folder", self.out)
        _int("epochs", self.epochs, 1)
        _int("steps", self.steps, 1, none=True)
        _int("batch size", self.batch_size, 1, 1 << 20)
        _float("learning rate", self.lr, 0.0, low_open=True)
        _float("weight decay", self.weight_decay, 0.0)
        _int("warm-up steps", self.warmup, 0)
        _float("gradient clip", self.clip, 0.0, low_open=True)
        _float("validation fraction", self.val_fraction, 0.0, 1.0, high_open=True)
        _int("validation cap", self.max_val, 0)
        _str("device", self.device)
        _int("seed", self.seed, 0, MAX_SEED)
        _int("thread count", self.threads, 1, 4096, none=True)
        _int("truncation length", self.tbptt, 1, none=True)
        _int("checkpoint interval", self.checkpoint_every, 0)
        _bool("bf16", self.bf16, none=True)
        _int("calibration messages per length", self.calibrate_per_length, 1, 100_000)
        for name in ("reshift", "compile", "auto_boundaries", "auto_canonical", "progress",
                     "calibrate"):  # fmt: skip
            _bool(name, getattr(self, name))
        if self.tbptt and (self.compile or self.bf16):
            raise CaesarRNNError("truncated BPTT runs uncompiled, in float32")

    def settings(self) -> dict[str, Any]:
        """The config as saved beside a model or checkpoint (without the display switch)."""
        d = asdict(self)
        d.pop("progress")
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        """Read saved settings back; settings of retired experiments are ignored."""
        try:
            ignored = (*RETIRED_TRAINING, RECIPE_KEY)
            return _from_dict(cls, d, "training config", ignored)
        except TypeError as exc:
            raise CaesarRNNError(f"bad training config: {exc}") from None


@dataclass
class MixPart:
    """One part of a data mix: a share of the pairs, of one style and length range."""

    style: str = "letters"
    min_len: int = 4
    max_len: int = 32
    share: float = 1.0
    mid_word: float = 0.0

    def __post_init__(self) -> None:
        _str("style", self.style, STYLES)
        _int("fewest letters", self.min_len, 1, 10_000)
        _int("most letters", self.max_len, self.min_len, 10_000)
        _float("share", self.share, 0.0, 1.0, low_open=True)
        _float("mid-word share", self.mid_word, 0.0, 1.0)


def default_mix() -> list[MixPart]:
    """gen-data's default mix, the shipped recipe's: most pairs short (the hard messages, and
    cheap to train on), both styles, half the letters-style pairs starting inside a word."""
    return [
        MixPart("letters", 4, 8, 0.30, 0.5),
        MixPart("natural", 4, 8, 0.30, 0.3),
        MixPart("letters", 4, 16, 0.15, 0.5),
        MixPart("natural", 4, 16, 0.15, 0.3),
        MixPart("letters", 4, 64, 0.05, 0.5),
        MixPart("natural", 4, 64, 0.05, 0.3),
    ]


@dataclass
class DataConfig:
    """Pairs for training: ``count`` of them in ``out``, drawn as ``mix`` says, in shards of
    ``shard`` pairs each with its own seeds (so shards are made side by side and a larger run
    extends a smaller one)."""

    out: str = DEFAULT_DATA
    count: int = 500_000
    seed: int = 0
    mix: list[MixPart] = field(default_factory=default_mix)
    shard: int = 1_000_000

    def __post_init__(self) -> None:
        _str("data file", self.out)
        _int("pair count", self.count, 1, MAX_PAIRS)
        _int("seed", self.seed, 0, MAX_SEED)
        _int("shard size", self.shard, 1)
        self.mix = [p if isinstance(p, MixPart) else _from_dict(MixPart, p, "mix part")
                    for p in self.mix]  # fmt: skip
        if self.mix and abs(sum(p.share for p in self.mix) - 1) > 1e-6:
            raise CaesarRNNError("the mix's shares must sum to 1")


@dataclass
class Recipe:
    """A recipe file: the data to make, the model, and how to train it."""

    name: str
    data: DataConfig
    model: ModelConfig
    train: TrainConfig
    path: str = ""
    text: str = field(default="", repr=False)  # the file as written, recorded with the model

    def record(self) -> dict[str, str]:
        """What a model's config.json keeps of the recipe it came from."""
        return {"name": self.name, "path": self.path, "text": self.text}


def load_recipe(path: str | Path) -> Recipe:
    """Read a TOML recipe (sections ``data``, ``model``, ``train``); every field is checked."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise CaesarRNNError(f"cannot read recipe {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CaesarRNNError(f"recipe {path} is not valid TOML: {exc}") from None
    unknown = set(doc) - {"name", "data", "model", "train"}
    if unknown:
        raise CaesarRNNError(f"recipe {path} has unknown sections: {', '.join(sorted(unknown))}")
    train = doc.get("train", {})
    if isinstance(train, dict) and train.get("bf16") == "auto":  # TOML has no null
        train = {**train, "bf16": None}
    try:
        return Recipe(
            str(doc.get("name", path.stem)),
            _from_dict(DataConfig, doc.get("data", {}), f"recipe {path} [data]"),
            ModelConfig.from_dict(doc.get("model", {})),
            _from_dict(TrainConfig, train, f"recipe {path} [train]"),
            str(path),
            text,
        )
    except TypeError as exc:
        raise CaesarRNNError(f"recipe {path}: {exc}") from None
