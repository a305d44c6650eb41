"""The ``caesar-rnn`` command: the Typer app, ``--version``, ``-h``, shell completion, and one
module per command (encrypt, decrypt, crack, gen_data, train, eval), each of which parses its
options, calls the library (``caesar_rnn.api``) and prints. Results go to stdout, notes and
progress to stderr; a ``CaesarRNNError`` becomes one line on stderr and exit code 1, a usage error
one line and exit code 2. Heavy modules (NumPy, torch) are imported inside commands.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from caesar_rnn.cli.common import EXIT_CODES, UsageError
from caesar_rnn.cli.crack import crack
from caesar_rnn.cli.decrypt import decrypt
from caesar_rnn.cli.encrypt import encrypt
from caesar_rnn.cli.eval import eval_cmd
from caesar_rnn.cli.gen_data import gen_data
from caesar_rnn.cli.train import train


@contextlib.contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    """A usage error becomes one plain line on stderr and exit code 2 (click would print the
    usage text and a hint; Rich a box). The help shown for a bare command passes through."""
    try:
        yield
    except UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            raise
        ctx = getattr(exc, "ctx", None)
        where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        message = exc.format_message()  # type: ignore[attr-defined]
        typer.echo(f"error: {message}{where}", err=True)
        raise typer.Exit(2) from None


class PlainUsageGroup(TyperGroup):
    """The top-level group, with usage errors of every command as one line."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _one_line_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with _one_line_usage_errors():
            return super().invoke(ctx)


class _GuardedTyper(typer.Typer):
    """Runs with the standard streams guarded (``caesar_rnn.stdio``): results that cannot reach
    stdout, a closed stderr and argv bytes that are not UTF-8 are handled in one place."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from caesar_rnn.stdio import run_guarded

        run_guarded(lambda: typer.Typer.__call__(self, *args, **kwargs))


app = _GuardedTyper(
    name="caesar-rnn",
    cls=PlainUsageGroup,
    help="Break Caesar ciphers with recurrent neural networks (RNN/GRU, one-hot, many-to-many).",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Rich panels on a terminal; plain text into a pipe or a file.
    rich_markup_mode="rich" if sys.stdout.isatty() else None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        from caesar_rnn import __version__

        print(f"caesar-rnn {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_show_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Break Caesar ciphers with recurrent neural networks (RNN/GRU, one-hot, many-to-many).

    decrypt, crack and encrypt read TEXT, --file PATH ('-': stdin), or standard input.
    """


for _name, _command in (
    ("encrypt", encrypt),
    ("decrypt", decrypt),
    ("crack", crack),
    ("gen-data", gen_data),
    ("train", train),
    ("eval", eval_cmd),
):
    app.command(_name, epilog=EXIT_CODES)(_command)


if __name__ == "__main__":  # pragma: no cover
    app()
