"""What every command shares: where its input comes from, how errors end it, messages on stderr.

Exit codes: 0 ok, 1 an error (one line on stderr), 2 a usage error (also one line), 130 Ctrl-C.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn

import typer

from caesar_rnn.errors import CaesarRNNError

if TYPE_CHECKING:
    from caesar_rnn.api import Model

#: What the top-level help, each command's help and the README say about exit codes.
EXIT_CODES = (
    "Exit codes: 0 ok, 1 error (one line on stderr), 2 usage error, 130 interrupted (Ctrl-C)."
)


def fail(message: str) -> NoReturn:
    """One line on stderr, exit code 1, no traceback."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]error:[/bold red] {escape(message)}"
    )
    raise typer.Exit(1)


def info(message: str, quiet: bool = False) -> None:
    """A note for the person at the terminal (stderr), unless ``--quiet``; it never fails the
    command (stderr may be a closed pipe or a full disk)."""
    if not quiet:
        with contextlib.suppress(OSError, ValueError):
            typer.echo(message, err=True)


def given(ctx: typer.Context, name: str) -> bool:
    """Whether option ``name`` was typed on the command line (else it holds its default)."""
    source = ctx.get_parameter_source(name)  # click's ParameterSource (typer may vendor click)
    return getattr(source, "name", None) == "COMMANDLINE"


# click's UsageError, found through typer so that it works whether typer vendors click or not.
UsageError: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError"
)


def usage_error(message: str) -> NoReturn:
    """Wrong options or arguments: one line on stderr, exit code 2 (see app.PlainUsageGroup)."""
    raise UsageError(message)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """A command's body: library errors become one line and exit 1, a closed pipe (``| head``)
    ends quietly, Ctrl-C exits 130."""
    from caesar_rnn.files import quiet_broken_pipe

    try:
        yield
    except CaesarRNNError as exc:
        fail(str(exc))
    except BrokenPipeError:  # the reader has all it wanted
        quiet_broken_pipe()
        raise typer.Exit(1) from None
    except KeyboardInterrupt as exc:  # Ctrl-C; SIGTERM too where the library traps it
        signum = getattr(exc, "signum", 2)
        info("interrupted" if signum == 2 else f"{exc}: stopped")
        raise typer.Exit(128 + signum) from None


@contextlib.contextmanager
def library_notes(quiet: bool) -> Iterator[None]:
    """Inside, what library code prints on stderr is dropped when ``quiet``."""
    if not quiet:
        yield
        return
    with contextlib.redirect_stderr(io.StringIO()):
        yield


def stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()  # closed (<&-): read, and say so


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _source(text: str | None, file: str | Path | None) -> str | Path | None:
    """TEXT, or the file to read ('-': stdin, and only '-': "./-" is the file named "-");
    None: TEXT itself is the message."""
    if text is not None and file is not None:
        usage_error("give TEXT or --file, not both")
    if file is not None:
        return "-" if isinstance(file, str) and file == "-" else Path(file)
    if text == "-" or (text is None and not stdin_is_terminal()):
        return "-"
    if text is None:
        usage_error("give TEXT, --file PATH, or pipe messages into standard input")
    return None


def read_input(text: str | None, file: str | Path | None) -> Iterator[str]:
    """The messages to work on: TEXT, each line of --file (``-``: stdin), or each line of stdin
    when neither is given and stdin is not a terminal. Usage errors come at once."""
    from caesar_rnn.files import check_text, read_lines

    source = _source(text, file)
    if source is None:
        assert text is not None
        return iter([check_text(text)])
    lines = read_lines(source)
    # The first line now: a missing or binary file fails before a model loads.
    first = next(lines, None)
    return iter(()) if first is None else itertools.chain([first], lines)


def input_bytes(text: str | None, file: str | Path | None) -> BinaryIO:
    """The same input as ``read_input``, as one byte stream (``decrypt --whole``)."""
    from caesar_rnn.files import open_binary

    source = _source(text, file)
    if source is None:
        assert text is not None
        return io.BytesIO((text + "\n").encode("utf-8", errors="surrogateescape"))
    if isinstance(source, str):  # "-"
        from caesar_rnn.files import stdin_binary

        return stdin_binary()
    return open_binary(Path(source))


def one_blas_thread() -> None:
    """One BLAS thread per process (read when NumPy loads, so call this first): on a busy machine
    a two-thread matrix product stalls whenever one of its threads is descheduled (20x slower
    measured); ``decrypt --jobs`` worker processes use the cores instead."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def load_model(model: str | None, device: Any, quiet: bool) -> Model:
    """The model ``--model`` and ``--device`` name, said on stderr."""
    from caesar_rnn.api import load_model as load

    loaded = load(model, device=str(getattr(device, "value", device)))
    # Another model than the shipped one (a folder trained here, ./caesar-rnn-model) is always
    # named: its answers are its own. The shipped one only to a person at a terminal.
    if _not_shipped(loaded.path) or _stderr_is_terminal():
        info(f"using model {loaded.path}", quiet)
    return loaded


def _not_shipped(path: Path) -> bool:
    from caesar_rnn.store import shipped_model_dir

    return Path(path).resolve() != shipped_model_dir().resolve()


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False
