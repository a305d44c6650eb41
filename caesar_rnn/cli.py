"""The command-line interface: each command parses its options, calls one library function and
prints the result. Results go to stdout, progress and messages to stderr; a ``CaesarRNNError``
becomes one line on stderr and exit code 1. Heavy modules (torch) are imported inside commands.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from caesar_rnn.errors import CaesarRNNError

app = typer.Typer(
    name="caesar-rnn",
    help="Break Caesar ciphers with recurrent neural networks (RNN/GRU, one-hot, many-to-many).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str) -> NoReturn:
    """One line on stderr, exit code 1, no traceback."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]error:[/bold red] {escape(message)}"
    )
    raise typer.Exit(1)


def info(message: str) -> None:
    print(message, file=sys.stderr)


@app.command()
def encrypt(
    text: Annotated[str, typer.Argument(help="Text to encrypt.")],
    shift: Annotated[
        int, typer.Option("--shift", "-k", help="Key: shift letters forward by K.")
    ] = 3,
) -> None:
    """Caesar-encrypt TEXT: letters shift by K with case kept, everything else unchanged."""
    from caesar_rnn.cipher import encrypt as enc

    print(enc(text, shift))


@app.command("gen-data")
def gen_data(
    out: Annotated[Path, typer.Option("--out", "-o", help="JSONL file to write.")] = Path(
        "caesar-data.jsonl"
    ),
    count: Annotated[int, typer.Option(help="Number of pairs.")] = 20000,
    min_len: Annotated[int, typer.Option(help="Fewest letters per pair.")] = 4,
    max_len: Annotated[int, typer.Option(help="Most letters per pair.")] = 32,
    shift: Annotated[
        int | None, typer.Option(help="Fix the key (0-25); default: a random key per pair.")
    ] = None,
    style: Annotated[
        str, typer.Option(help="letters (lowercase a-z, no spaces) or natural (case, spaces kept).")
    ] = "letters",
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            help="Cut passages from these text files (repeatable); default: packaged English."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed: same options and seed, same file.")] = 0,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Make ciphertext/plaintext pairs (JSONL: ciphertext, plaintext, shift) from English text."""
    from caesar_rnn.datagen import generate, write_jsonl

    try:
        records = generate(count, min_len, max_len, shift, style, corpus or [], seed)
        first = next(records)  # surfaces option and corpus errors before the file is touched

        def all_records() -> Iterator[dict[str, object]]:
            yield first
            yield from records

        n = write_jsonl(all_records(), out, force=force)
    except CaesarRNNError as exc:
        fail(str(exc))
    info(f"wrote {n} pairs to {out}")
    print(out)


@app.command()
def train(
    data: Annotated[Path, typer.Option(help="Training pairs (from gen-data).")] = Path(
        "caesar-data.jsonl"
    ),
    out: Annotated[Path, typer.Option(help="Model directory to write.")] = Path("caesar-rnn-model"),
    arch: Annotated[str, typer.Option(help="rnn, gru or lstm.")] = "gru",
    hidden: Annotated[int, typer.Option(help="Hidden units per direction.")] = 128,
    layers: Annotated[int, typer.Option(help="Recurrent layers.")] = 2,
    bidirectional: Annotated[bool, typer.Option(help="Read each message both ways.")] = True,
    boundaries: Annotated[
        bool | None,
        typer.Option(help="Feed word boundaries as a 27th symbol (default: if the data has any)."),
    ] = None,
    dropout: Annotated[float, typer.Option(help="Dropout between recurrent layers.")] = 0.0,
    epochs: Annotated[int, typer.Option(help="Passes over the training pairs.")] = 5,
    steps: Annotated[
        int | None, typer.Option(help="Train this many steps instead of epochs.")
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Messages per step.")] = 64,
    lr: Annotated[float, typer.Option(help="Peak learning rate (AdamW, cosine decay).")] = 3e-3,
    reshift: Annotated[
        bool,
        typer.Option(help="Draw a fresh random key for every pair each epoch (unknown-key data)."),
    ] = False,
    val_fraction: Annotated[
        float, typer.Option(help="Share of pairs held out for validation.")
    ] = 0.05,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    threads: Annotated[int | None, typer.Option(help="CPU threads for torch.")] = None,
    bf16: Annotated[
        bool, typer.Option("--bf16", help="bf16 autocast for the forward pass (CUDA only).")
    ] = False,
    compile_model: Annotated[
        bool, typer.Option("--compile", help="torch.compile the model (pays off on long runs).")
    ] = False,
) -> None:
    """Train a many-to-many RNN/GRU on one-hot characters; save safetensors + config.json.

    Runs unchanged under torchrun for data-parallel training over processes and machines
    (docs/scaling.md); only rank 0 prints results and writes the model.
    """
    try:
        from caesar_rnn.config import ModelConfig
        from caesar_rnn.train import TrainConfig
        from caesar_rnn.train import train as run_training

        model_cfg = ModelConfig(arch, hidden, layers, bidirectional, bool(boundaries), dropout)
        cfg = TrainConfig(
            data=str(data),
            out=str(out),
            epochs=epochs,
            steps=steps,
            batch_size=batch_size,
            lr=lr,
            reshift=reshift,
            val_fraction=val_fraction,
            device=device,
            seed=seed,
            threads=threads,
            bf16=bf16,
            compile=compile_model,
        )
        if boundaries is False:
            model_cfg.boundaries = False
        metrics = run_training(model_cfg, cfg)
    except CaesarRNNError as exc:
        fail(str(exc))
    from caesar_rnn.distributed import is_main_process

    if not is_main_process():  # other torchrun ranks: rank 0 reports for all
        return
    print_metrics(metrics)
    info(f"saved model to {out}")


def print_metrics(metrics: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="validation")
    for col in ("letters", "messages", "char acc", "msg acc (argmax)", "msg acc (key)"):
        table.add_column(col, justify="right")
    rows = dict(metrics.get("by_length", {}))
    if "overall" in metrics:
        rows["all"] = metrics["overall"]
    for name, r in rows.items():
        table.add_row(
            f"{name}+" if name != "all" else "all",
            str(r["messages"]),
            f"{r['char_acc']:.4f}",
            f"{r['msg_acc_argmax']:.4f}",
            f"{r['msg_acc_key']:.4f}",
        )
    Console(highlight=False).print(table)


def _read_lines(path: Path) -> Iterator[str]:
    """Lines of a file (or stdin for '-') without their line ends; errors name the line."""
    if str(path) == "-":
        stream = sys.stdin.buffer
    else:
        if path.is_dir():
            raise CaesarRNNError(f"{path} is a directory, not a file")
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise CaesarRNNError(f"cannot read {path}: {exc.strerror}") from None
    with stream:
        for lineno, raw in enumerate(stream, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise CaesarRNNError(f"{path}: invalid UTF-8 on line {lineno}") from None
            yield line.rstrip("\n").rstrip("\r")


@app.command()
def decrypt(
    text: Annotated[str | None, typer.Argument(help="Ciphertext (or use --file).")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Decrypt every line of PATH ('-': stdin).")
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            help="Model directory (default: ./caesar-rnn-model if present, else shipped)."
        ),
    ] = None,
    decode: Annotated[
        str,
        typer.Option(help="key: one shift per message (default); argmax: per letter (the sheet)."),
    ] = "key",
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    as_json: Annotated[
        bool,
        typer.Option("--json", help="One JSON object per message: plaintext, shift, confidence."),
    ] = False,
) -> None:
    """Decrypt Caesar ciphertext with an unknown key; case and non-letters pass through."""
    from caesar_rnn.checkpoint import resolve_model_dir
    from caesar_rnn.decode import decrypt_stream, load_backend
    from caesar_rnn.devices import resolve_device

    try:
        if (text is None) == (file is None):
            raise CaesarRNNError("give either TEXT or --file PATH")
        model_dir = resolve_model_dir(model)
        backend = load_backend(model_dir, resolve_device(device))
        info(f"using model {model_dir}")
        lines: Iterator[str] = iter([text]) if text is not None else _read_lines(file)  # type: ignore[arg-type]
        for d in decrypt_stream(lines, backend, decode):
            print(json.dumps(d.to_dict(), ensure_ascii=False) if as_json else d.plaintext)
    except CaesarRNNError as exc:
        fail(str(exc))


if __name__ == "__main__":  # pragma: no cover
    app()
