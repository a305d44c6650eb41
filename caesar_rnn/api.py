"""The Python API, re-exported by ``caesar_rnn``: what the command-line interface does, as calls.

>>> import caesar_rnn
>>> caesar_rnn.encrypt("Hello, World!", 3)
'Khoor, Zruog!'
>>> caesar_rnn.decrypt("Khoor, Zruog!", shift=3).plaintext
'Hello, World!'

``decrypt`` without ``shift`` uses a model: ``./caesar-rnn-model`` when the current folder holds
one, else the model shipped with the package (``load_model`` chooses another). Decryption runs in
NumPy on the CPU, so nothing here imports torch except ``train`` and ``device="cuda"``.
Every function raises ``CaesarRNNError`` (one message, no traceback needed) on bad input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, overload

from caesar_rnn import cipher
from caesar_rnn.errors import CaesarRNNError

if TYPE_CHECKING:
    from caesar_rnn.classical.crackers import Candidate
    from caesar_rnn.config import ModelConfig, TrainConfig
    from caesar_rnn.decoding.backends import Backend
    from caesar_rnn.decoding.bulk import WholeResult
    from caesar_rnn.decoding.decode import Decryption

#: Several messages (a str is one message).
Messages = list[str] | tuple[str, ...]


class Model:
    """A loaded model, reusable across calls: ``load_model()`` makes one."""

    def __init__(self, path: Path, device: str, backend: Backend) -> None:
        from caesar_rnn.decoding.calibration import load_calibration

        self.path = path
        self.device = device
        self._backend = backend
        #: The model's calibration table (None: confidence is the raw softmax share, no verdict).
        self.calibration = load_calibration(path)

    def __repr__(self) -> str:
        return f"Model({str(self.path)!r}, device={self.device!r})"

    @property
    def config(self) -> ModelConfig:
        """The architecture the weights belong to."""
        return self._backend.config

    @overload
    def decrypt(
        self,
        text: str,
        *,
        decode: str = ...,
        key_prefix: int = ...,
        top: int = ...,
        lang: str | None = ...,
    ) -> Decryption: ...
    @overload
    def decrypt(
        self,
        text: Messages,
        *,
        decode: str = ...,
        key_prefix: int = ...,
        top: int = ...,
        lang: str | None = ...,
    ) -> list[Decryption]: ...
    def decrypt(
        self,
        text: str | Messages,
        *,
        decode: str = "key",
        key_prefix: int = 0,
        top: int = 2,
        lang: str | None = "auto",
    ) -> Decryption | list[Decryption]:
        """Decrypt one message (a str) or each message of a list, each under its own key.
        ``decode``: ``key`` (one shift per message) or ``argmax`` (the most likely letter at each
        position); ``key_prefix`` > 0 takes each key from the first N letters when that is
        decisive (faster, a little less accurate); ``top``: runners-up in ``.alternatives``.
        ``.confidence`` is the chance the plaintext is exactly right (with a calibration table:
        ``.calibrated``), ``.english`` whether any shift reads as English (docs/json.md).
        ``lang``: the plaintext's language (``caesar_rnn.languages``), or ``auto``: ``.language``
        names the one found, and a message that reads as another language than English gets
        that language's quadgram crack (``caesar_rnn.decoding.language``)."""
        from caesar_rnn.decoding.decode import decrypt_messages
        from caesar_rnn.decoding.language import with_language

        messages = _messages(text)
        out = decrypt_messages(
            messages,
            self._backend,
            decode,
            key_prefix=key_prefix,
            calibration=self.calibration,
            top=max(top, 1),  # the calibrated choice reads the runner-up
        )
        out = with_language(out, lang, top)
        return out[0] if isinstance(text, str) else out

    def decrypt_lines(
        self,
        lines: Iterable[str],
        *,
        decode: str = "key",
        key_prefix: int = 0,
        jobs: int = 1,
        top: int = 2,
        lang: str | None = "auto",
    ) -> Iterator[Decryption]:
        """Decrypt a stream of messages in bounded memory, in input order. ``jobs`` > 1 (or 0:
        one per core) spreads a long input over worker processes (CPU only); ``lang`` as in
        ``decrypt``."""
        from functools import partial

        from caesar_rnn.decoding.bulk import decrypt_parallel
        from caesar_rnn.decoding.decode import decrypt_stream
        from caesar_rnn.decoding.language import languages_of, with_language

        if self.device == "cpu" and jobs != 1:  # each block's languages found by its worker
            return decrypt_parallel(
                lines,
                self._backend,
                self.path,
                decode,
                jobs,
                key_prefix=key_prefix,
                calibration=self.calibration,
                top=max(top, 1),
                finish=partial(with_language, lang=lang, top=top),
            )
        answers = decrypt_stream(
            lines,
            self._backend,
            decode,
            key_prefix=key_prefix,
            calibration=self.calibration,
            top=max(top, 1),
        )
        return languages_of(answers, lang, top)

    def decrypt_whole(self, src: BinaryIO, dst: BinaryIO) -> WholeResult:
        """Decrypt all of ``src`` (bytes) into ``dst`` as one message under one key: the key comes
        from a prefix, then every byte is a table lookup, so line ends and non-ASCII are kept."""
        from caesar_rnn.decoding.bulk import decrypt_whole

        return decrypt_whole(src, dst, self._backend)


def load_model(model: str | Path | Model | None = None, *, device: str = "auto") -> Model:
    """A model to decrypt with: a model directory, ``"shipped"`` (the one in the package), or
    None (``./caesar-rnn-model`` when it holds a model, else the shipped one). ``device``:
    ``auto`` or ``cpu`` (NumPy, no torch; faster end to end than a GPU, whose other stages run
    on the CPU anyway: ``devices.decode_device``) or ``cuda``. A loaded ``Model`` passes through
    unchanged."""
    if isinstance(model, Model):
        return model
    from caesar_rnn.store import CONFIG

    path, dev = _resolve(model, device)
    try:
        stamp = (path / CONFIG).stat().st_mtime_ns
    except OSError:
        stamp = 0  # load_meta names the problem
    return _load(str(path), dev, stamp)


def _resolve(model: str | Path | None, device: str) -> tuple[Path, str]:
    """(model directory, concrete device) as ``load_model`` reads them."""
    from caesar_rnn.devices import decode_device
    from caesar_rnn.store import resolve_model_dir

    return resolve_model_dir(model), decode_device(device)


@lru_cache(maxsize=4)
def _load(path: str, device: str, stamp: int) -> Model:
    """Loaded once per folder, device and config.json version (``stamp``): a retrained model in
    the same folder is read again."""
    from caesar_rnn.decoding.backends import load_backend

    return Model(Path(path), device, load_backend(path, device))


def _messages(text: str | Messages) -> list[str]:
    if isinstance(text, str):
        return [text]
    items = [] if isinstance(text, bytes) else list(text)
    if isinstance(text, bytes) or not all(isinstance(t, str) for t in items):
        raise CaesarRNNError("messages must be str (or a list of str)")
    return items


def _known_key(text: str, shift: int) -> Decryption:
    from caesar_rnn.decoding.decode import Decryption

    return Decryption(text, cipher.decrypt(text, shift), shift % cipher.N_LETTERS, 1.0)


@overload
def decrypt(
    text: str,
    *,
    model: str | Path | Model | None = ...,
    decode: str = ...,
    shift: int | None = ...,
    lang: str | None = ...,
) -> Decryption: ...
@overload
def decrypt(
    text: Messages,
    *,
    model: str | Path | Model | None = ...,
    decode: str = ...,
    shift: int | None = ...,
    lang: str | None = ...,
) -> list[Decryption]: ...
def decrypt(
    text: str | Messages,
    *,
    model: str | Path | Model | None = None,
    decode: str = "key",
    shift: int | None = None,
    lang: str | None = "auto",
) -> Decryption | list[Decryption]:
    """Decrypt a message (a str) or each message of a list; case and non-letters are kept.

    The result has ``.plaintext``, ``.shift`` (None when there are no letters) and
    ``.confidence`` (0-1). With ``shift`` the key is known: no model is loaded and the
    confidence is 1. Otherwise ``model`` (see ``load_model``) finds each key; ``decode`` is
    ``key`` (one shift per message) or ``argmax`` (the most likely letter at each position);
    ``lang``: the plaintext's language, or ``auto`` (``.language``; see ``Model.decrypt``).

    >>> decrypt(["Khoor!", "Zruog"], shift=3)[1].plaintext
    'World'
    """
    if shift is None:
        return load_model(model).decrypt(text, decode=decode, lang=lang)
    if decode != "key":
        raise CaesarRNNError("a known shift decrypts with that key: use the key decode")
    out = [_known_key(m, shift) for m in _messages(text)]
    return out[0] if isinstance(text, str) else out


def decrypt_lines(
    lines: Iterable[str],
    *,
    model: str | Path | Model | None = None,
    decode: str = "key",
    shift: int | None = None,
    key_prefix: int = 0,
    jobs: int = 1,
    top: int = 2,
    lang: str | None = "auto",
) -> Iterator[Decryption]:
    """``decrypt`` for a stream of messages (lines of a file, say), in bounded memory and in input
    order; see ``Model.decrypt_lines`` for ``key_prefix``, ``jobs``, ``top`` and ``lang``."""
    if shift is None:
        m = load_model(model)
        return m.decrypt_lines(
            lines, decode=decode, key_prefix=key_prefix, jobs=jobs, top=top, lang=lang
        )
    if decode != "key":
        raise CaesarRNNError("a known shift decrypts with that key: use the key decode")
    return (_known_key(line, shift) for line in lines)


@overload
def encrypt(text: str, shift: int = ...) -> str: ...
@overload
def encrypt(text: Messages, shift: int = ...) -> list[str]: ...
def encrypt(text: str | Messages, shift: int = 3) -> str | list[str]:
    """Shift every ASCII letter forward by ``shift`` (mod 26), keeping case; everything else
    passes through. A list gives a list."""
    if isinstance(text, str):
        return cipher.encrypt(text, shift)
    return [cipher.encrypt(m, shift) for m in _messages(text)]


def crack(
    text: str,
    method: str = "ngram",
    top: int = 5,
    *,
    model: str | Path | Model | None = None,
    lang: str | None = None,
) -> list[Candidate]:
    """Try all 26 keys on one message and rank them: the ``top`` best candidates (``.shift``,
    ``.score``, ``.plaintext``), best first; none when the message has no letters.

    ``method``: ``ngram`` (quadgram log10-likelihood, higher is better), ``words`` (the best
    split into words plus half the quadgram, higher is better), ``chi2`` (chi-squared
    against English letter frequencies, lower is better) or ``model`` (the model's summed
    log-probability; ``model`` as in ``load_model``). ``lang``: a language code of
    ``caesar_rnn.languages`` (the ngram crack with that language's statistics; each candidate's
    ``.language``) or ``"auto"`` (the language found with the best shift). For many messages
    use ``crack_lines``.
    """
    if not isinstance(text, str):
        raise CaesarRNNError(f"crack takes one message (a str), not {type(text).__name__}")
    [(_, candidates)] = crack_lines([text], method, top, model=model, lang=lang)
    return candidates


def crack_lines(
    lines: Iterable[str],
    method: str = "ngram",
    top: int = 5,
    *,
    model: str | Path | Model | None = None,
    lang: str | None = None,
) -> Iterator[tuple[str, list[Candidate]]]:
    """(message, ranked candidates) for each message of a stream, in input order; ``lang`` as
    in ``crack`` (the ngram method only)."""
    from caesar_rnn.classical.crackers import METHODS, crack_stream

    if method not in (*METHODS, "model"):
        choices = ", ".join((*METHODS, "model"))
        raise CaesarRNNError(f"unknown method {method!r}: choose one of {choices}")
    if top < 1:
        raise CaesarRNNError(f"top must be at least 1, got {top}")
    if lang is not None:
        from caesar_rnn.classical.multilang import crack_language_stream

        if method != "ngram":
            raise CaesarRNNError(f"a language is given to the ngram crack only, not {method}")
        return crack_language_stream(lines, lang, min(top, cipher.N_LETTERS))
    backend = load_model(model)._backend if method == "model" else None
    return crack_stream(lines, method, min(top, cipher.N_LETTERS), backend)


@dataclass
class Evaluation:
    """Accuracy rows (one per solver, style and length) and what they were measured on."""

    rows: list[dict[str, Any]]
    source: str
    messages: int
    model: Path | None


def evaluate(
    *,
    data: str | Path | None = None,
    corpus: Sequence[str | Path] = (),
    model: str | Path | None = None,
    solvers: Sequence[str] = ("key", "argmax", "chi2", "ngram", "words"),
    buckets: Sequence[int] = (4, 6, 8, 10, 12, 16, 24, 32, 64, 128, 256),
    styles: Sequence[str] = ("letters", "natural"),
    per_bucket: int = 200,
    seed: int = 0,
    mid_word: float = 0.0,
    device: str = "auto",
    log: Callable[[str], None] | None = None,
    lang: str | None = None,
) -> Evaluation:
    """Exact-message and per-letter accuracy by length and style, for each solver on the same
    messages: pairs from a gen-data file (``data``), or messages cut from text files
    (``corpus``; ``per_bucket`` per length and style, ``mid_word`` the share starting inside a
    word). Model solvers (``key``, ``argmax``, ``hybrid``) use ``model`` as in ``load_model``.
    ``log`` receives a line on the model and the messages before the (long) measurement.
    ``lang``: the text's language (``caesar_rnn.languages``): the letters style folds its
    accented letters, rows name it and how often each solver that names a language got it
    right; solvers ``decrypt``, ``ngram-lang``, ``ngram-auto`` (``evaluation.languages``)."""
    from caesar_rnn.evaluation import evaluate as ev

    say = log or (lambda _: None)
    if (data is None) == (not corpus):
        raise CaesarRNNError("give either a data file or corpus files")
    lengths = sorted(set(buckets))
    if data is not None:
        msgs, source = ev.load_messages(data, lengths), str(data)
    else:
        from caesar_rnn.data.corpus import TextCorpus

        text = TextCorpus.from_files(list(corpus))
        folds = lang is not None
        msgs = ev.sample_messages(text, per_bucket, lengths, styles, seed, mid_word, folds)
        source = ", ".join(Path(p).name for p in corpus)
    model_dir = None
    if any(n in ev.MODEL_SOLVERS for n in solvers):
        model_dir, device = _resolve(model, device)
        say(f"using model {model_dir}")
    if lang is not None:
        from caesar_rnn.languages import check_code

        lang = check_code(lang)
    solver_fns = ev.make_solvers(list(solvers), model_dir, device, lang)
    say(f"evaluating {len(msgs)} messages from {source}")
    rows = ev.evaluate(msgs, solver_fns, lang)
    return Evaluation(rows, source, len(msgs), model_dir)


def train(
    model_config: ModelConfig | None = None, train_config: TrainConfig | None = None
) -> dict[str, Any]:
    """Train a model on gen-data pairs and save it (``train_config.data`` and ``.out``); returns
    the validation metrics. Imports torch (the ``train`` extra)."""
    from caesar_rnn.config import ModelConfig, TrainConfig
    from caesar_rnn.training.trainer import train as run

    return run(model_config or ModelConfig(), train_config or TrainConfig())
