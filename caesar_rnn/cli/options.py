"""Options shared by several commands, as ``Annotated`` aliases, and the choices they offer.

One flag means one thing everywhere: ``-f/--file`` reads messages (``-`` is stdin), ``-o/--out``
is what a command writes, ``-k/--shift`` is a key, ``-m/--model`` a model directory
(``shipped``: the packaged one), ``-q/--quiet`` silences everything but results and errors.
Choices are enums, so click lists them in ``--help`` and refuses others (exit 2) before
anything loads. A list is a repeatable option whose values may also be comma-separated
(``--solver key,ngram --solver chi2``).

Kept free of NumPy and the library: importing this module must stay cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

# ``Optional[X]``, not ``X | None``: some typer releases cannot read the ``|`` form.
OptionalInt = Optional[int]  # noqa: UP045
OptionalPath = Optional[Path]  # noqa: UP045
OptionalStr = Optional[str]  # noqa: UP045
OptionalBool = Optional[bool]  # noqa: UP045
StrList = Optional[list[str]]  # noqa: UP045
PathList = Optional[list[Path]]  # noqa: UP045


class Decode(str, Enum):
    key = "key"
    argmax = "argmax"
    hybrid = "hybrid"


class Method(str, Enum):
    ngram = "ngram"
    chi2 = "chi2"
    words = "words"
    model = "model"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class Style(str, Enum):
    letters = "letters"
    natural = "natural"


class Arch(str, Enum):
    rnn = "rnn"
    gru = "gru"
    lstm = "lstm"
    mlp = "mlp"


class Solver(str, Enum):
    key = "key"
    argmax = "argmax"
    chi2 = "chi2"
    ngram = "ngram"
    words = "words"
    hybrid = "hybrid"
    decrypt = "decrypt"
    ngram_lang = "ngram-lang"
    ngram_auto = "ngram-auto"


def split_list(value: list[str] | None) -> list[str]:
    """Repeated values, each possibly comma-separated, as one list (empty items dropped)."""
    return [item.strip() for v in value or [] for item in v.split(",") if item.strip()]


def choice_list(
    enum: type[Enum], default: tuple[str, ...]
) -> Callable[[list[str] | None], list[str]]:
    """A callback for a list of ``enum`` values: ``default`` when none is given, a usage error
    (exit 2) for a value not in ``enum``."""
    allowed = [e.value for e in enum]

    def parse(value: list[str] | None) -> list[str]:
        if value and not split_list(value):  # given, but only commas: not the default silently
            raise typer.BadParameter(f"{','.join(value)!r} names none of {', '.join(allowed)}")
        items = split_list(value) or list(default)
        for item in items:
            if item not in allowed:
                raise typer.BadParameter(f"{item!r} is not one of {', '.join(allowed)}")
        return list(dict.fromkeys(items))

    return parse


def int_list(
    default: tuple[int, ...], most: int | None = None
) -> Callable[[list[str] | None], list[int]]:
    """A callback for a list of positive integers (at most ``most``), ``default`` when none is
    given."""

    def parse(value: list[str] | None) -> list[int]:
        try:
            numbers = [int(item) for item in split_list(value)]
        except ValueError:
            raise typer.BadParameter(
                f"{','.join(value or [])!r} is not a list of integers"
            ) from None
        if any(n < 1 for n in numbers):
            raise typer.BadParameter("every number must be at least 1")
        if most is not None and any(n > most for n in numbers):
            raise typer.BadParameter(f"every number must be at most {most:,}")
        return sorted(set(numbers or default))

    return parse


TextArg = Annotated[
    OptionalStr,
    typer.Argument(
        metavar="TEXT",
        help="The message ('-': read standard input). Without TEXT or --file, messages are read "
        "from standard input when it is not a terminal.",
        show_default=False,
    ),
]
FileOpt = Annotated[
    OptionalStr,  # not a Path: "./-" is the file named "-", which Path would make "-" (stdin)
    typer.Option(
        "--file", "-f", metavar="PATH", help="Read messages from PATH, one per line ('-': stdin)."
    ),
]
ModelOpt = Annotated[
    OptionalStr,
    typer.Option(
        "--model",
        "-m",
        metavar="DIR",
        help="Model directory, or 'shipped' for the packaged model. Default: ./caesar-rnn-model "
        "if it holds a model, else the shipped one.",
        show_default=False,
    ),
]
DeviceOpt = Annotated[
    Device,
    typer.Option(
        "--device",
        help="Where the model runs: auto is the CPU (NumPy; faster end to end, since the "
        "decode's other stages run on the CPU anyway); cuda runs the model on a GPU.",
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="One JSON object per message (JSON Lines), on stdout.")
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Print only results and errors: no notes, no progress."),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed: same seed, same result.")]
CorpusOpt = Annotated[
    PathList,
    typer.Option(
        "--corpus",
        metavar="FILE",
        help="Cut messages from this text file (repeatable).",
        show_default=False,
    ),
]


def out_option(what: str) -> Any:
    """``-o/--out`` with what the command writes there."""
    return typer.Option("--out", "-o", metavar="PATH", help=what)


def shift_option(what: str, low: int | None = None, high: int | None = None) -> Any:
    """``-k/--shift`` with what the key does in this command (a key outside ``low``..``high``,
    where given, is a usage error)."""
    return typer.Option("--shift", "-k", metavar="K", help=what, min=low, max=high)


def _lang(value: str | None) -> str | None:
    """A ``--lang`` value checked (exit 2 with the codes when unknown); None when not given."""
    from caesar_rnn.errors import CaesarRNNError
    from caesar_rnn.languages import check_code

    try:
        return None if value is None else check_code(value, allow_auto=True)
    except CaesarRNNError as exc:
        raise typer.BadParameter(str(exc)) from None


def _langs(value: list[str] | None) -> list[str]:
    """Repeated or comma-separated ``--lang`` codes, checked (no ``auto``)."""
    from caesar_rnn.errors import CaesarRNNError
    from caesar_rnn.languages import check_codes

    try:
        return check_codes(split_list(value))
    except CaesarRNNError as exc:
        raise typer.BadParameter(str(exc)) from None


LangOpt = Annotated[
    OptionalStr,
    typer.Option(
        "--lang",
        metavar="CODE",
        help="The plaintext's language (en, de, fr, pl, ...; the error for an unknown code lists "
        "them all), or auto: find it.",
        callback=_lang,
        show_default=False,
    ),
]
LangsOpt = Annotated[
    StrList,
    typer.Option(
        "--lang",
        metavar="CODE",
        help="Languages (en, de, fr, pl, ...), repeatable or comma-separated.",
        callback=_langs,
        show_default=False,
    ),
]
