"""The command-line interface: each command parses its options, calls one library function and
prints the result. Results go to stdout, progress and messages to stderr; a ``CaesarRNNError``
becomes one line on stderr and exit code 1. Heavy modules (torch) are imported inside commands.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from caesar_rnn.config import (
    DEFAULT_TRAIN_DIR,
    DataConfig,
    MixPart,
    ModelConfig,
    TrainConfig,
    load_recipe,
)
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


_DATA, _MIX, _MODEL, _TRAIN = DataConfig(), MixPart(), ModelConfig(), TrainConfig()


def given(ctx: typer.Context, name: str) -> bool:
    """Whether option ``name`` was typed on the command line (else it holds its default)."""
    source = ctx.get_parameter_source(name)  # click's ParameterSource (typer may vendor click)
    return getattr(source, "name", None) == "COMMANDLINE"


def say(message: str, quiet: bool = False) -> None:
    """A message on stderr that never fails the command (stderr may be a closed pipe or full)."""
    if not quiet:
        with contextlib.suppress(OSError, ValueError):
            info(message)


@app.command("gen-data")
def gen_data(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="JSONL file to write.")] = Path(
        _DATA.out
    ),
    count: Annotated[int, typer.Option(help="Number of pairs.")] = _DATA.count,
    min_len: Annotated[int, typer.Option(help="Fewest letters per pair.")] = _MIX.min_len,
    max_len: Annotated[int, typer.Option(help="Most letters per pair.")] = _MIX.max_len,
    shift: Annotated[
        int | None, typer.Option(help="Fix the key (0-25); default: a random key per pair.")
    ] = None,
    style: Annotated[
        str, typer.Option(help="letters (lowercase a-z, no spaces) or natural (case, spaces kept).")
    ] = _MIX.style,
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            help="Cut passages from these text files (repeatable); default: packaged English."
        ),
    ] = None,
    mid_word: Annotated[
        float,
        typer.Option(
            help="Share of messages (0-1) that start inside a word, as windows cut from running "
            "text at a random letter do; 0: every message starts at a word start."
        ),
    ] = _MIX.mid_word,
    seed: Annotated[
        int, typer.Option(help="Random seed: same options and seed, same file.")
    ] = _DATA.seed,
    recipe: Annotated[
        Path | None,
        typer.Option(
            help="Make the pairs a recipe file describes (its [data] mix; --out, --count and "
            "--seed override it)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Make ciphertext/plaintext pairs (JSONL: ciphertext, plaintext, shift) from English text."""
    from caesar_rnn.extras import TEXT_SOURCES, require
    from caesar_rnn.files import Interrupted, interruptible

    try:
        if recipe is not None or not corpus:
            require("train", "gen-data", *TEXT_SOURCES)
        with interruptible():
            if recipe is not None:
                n, out = _gen_recipe(ctx, recipe, out, count, seed, force)
            else:
                opts = (count, min_len, max_len, shift, style, corpus, seed, mid_word)
                n, out = _gen_plain(*opts, out, force)
    except CaesarRNNError as exc:
        fail(str(exc))
    except Interrupted as exc:  # the temporary file is gone; the target was never touched
        info(f"{exc}: stopped; {out} left as it was")
        raise typer.Exit(128 + exc.signum) from None
    info(f"wrote {n} pairs to {out}")
    print(out)


def _gen_plain(
    count: int, min_len: int, max_len: int, shift: int | None, style: str,
    corpus: list[Path] | None, seed: int, mid_word: float, out: Path, force: bool,
) -> tuple[int, Path]:  # fmt: skip
    from caesar_rnn.data.generate import generate, write_jsonl

    records = generate(count, min_len, max_len, shift, style, corpus or [], seed, mid_word)
    first = next(records)  # surfaces option and corpus errors before the file is touched

    def all_records() -> Iterator[dict[str, object]]:
        yield first
        yield from records

    return write_jsonl(all_records(), out, force=force), out


def _gen_recipe(
    ctx: typer.Context, recipe: Path, out: Path, count: int, seed: int, force: bool
) -> tuple[int, Path]:
    from dataclasses import replace

    from caesar_rnn.data.mix import make_pairs

    mixed = [
        n for n in ("min_len", "max_len", "shift", "style", "corpus", "mid_word") if given(ctx, n)
    ]
    if mixed:
        raise CaesarRNNError(
            f"--recipe sets the mix; --{mixed[0].replace('_', '-')} cannot change it"
        )
    cfg = load_recipe(recipe).data
    changes: dict[str, Any] = {"out": str(out), "count": count, "seed": seed}
    cfg = replace(cfg, **{k: v for k, v in changes.items() if given(ctx, k)})
    return make_pairs(cfg, force=force), Path(cfg.out)


@app.command()
def train(
    ctx: typer.Context,
    data: Annotated[Path, typer.Option(help="Training pairs (from gen-data).")] = Path(_TRAIN.data),
    out: Annotated[Path, typer.Option(help="Model directory to write.")] = Path(_TRAIN.out),
    recipe: Annotated[
        Path | None,
        typer.Option(
            help="Train as a recipe file says ([model] and [train]); options given here override it."
        ),
    ] = None,
    arch: Annotated[
        str, typer.Option(help="rnn, gru, lstm, or mlp (per character, no recurrence).")
    ] = _MODEL.arch,
    hidden: Annotated[int, typer.Option(help="Hidden units per direction.")] = _MODEL.hidden,
    layers: Annotated[int, typer.Option(help="Recurrent layers.")] = _MODEL.layers,
    bidirectional: Annotated[
        bool, typer.Option(help="Read each message both ways.")
    ] = _MODEL.bidirectional,
    boundaries: Annotated[
        bool | None,
        typer.Option(help="Feed word boundaries as a 27th symbol (default: if the data has any)."),
    ] = None,
    canonical: Annotated[
        bool | None,
        typer.Option(
            help="Rotate each message to start at 'a' (a rotation-invariant model; default: on "
            "when the data uses several keys, off for fixed-key data)."
        ),
    ] = None,
    dropout: Annotated[
        float, typer.Option(help="Dropout between recurrent layers.")
    ] = _MODEL.dropout,
    epochs: Annotated[int, typer.Option(help="Passes over the training pairs.")] = _TRAIN.epochs,
    steps: Annotated[
        int | None, typer.Option(help="Train this many steps instead of epochs.")
    ] = _TRAIN.steps,
    batch_size: Annotated[int, typer.Option(help="Messages per step.")] = _TRAIN.batch_size,
    lr: Annotated[
        float, typer.Option(help="Peak learning rate (AdamW, cosine decay).")
    ] = _TRAIN.lr,
    reshift: Annotated[
        bool,
        typer.Option(help="Draw a fresh random key for every pair each epoch (unknown-key data)."),
    ] = _TRAIN.reshift,
    val_fraction: Annotated[
        float, typer.Option(help="Share of pairs held out for validation.")
    ] = _TRAIN.val_fraction,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = _TRAIN.device,
    seed: Annotated[int, typer.Option(help="Random seed.")] = _TRAIN.seed,
    threads: Annotated[int | None, typer.Option(help="CPU threads for torch.")] = _TRAIN.threads,
    tbptt: Annotated[
        int | None,
        typer.Option(
            help="Truncated BPTT: backpropagate through chunks of K steps, the hidden state "
            "carried forward detached (unidirectional models only)."
        ),
    ] = _TRAIN.tbptt,
    bf16: Annotated[
        bool,
        typer.Option(
            "--bf16",
            help="bf16 autocast for the forward pass (CUDA, or a CPU with native bf16: "
            "AVX512-BF16 or AMX).",
        ),
    ] = bool(_TRAIN.bf16),
    compile_model: Annotated[
        bool, typer.Option("--compile", help="torch.compile the model (pays off on long runs).")
    ] = _TRAIN.compile,
    checkpoint_every: Annotated[
        int,
        typer.Option(help="Steps between resumable checkpoints in OUT/checkpoint (0: never)."),
    ] = _TRAIN.checkpoint_every,
    resume: Annotated[
        Path | None,
        typer.Option(
            help="Continue the interrupted run checkpointed in DIR (or DIR/checkpoint), with its "
            "own settings; only --device, --threads and --checkpoint-every apply."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a finished model in --out.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or notes; results only.")
    ] = False,
) -> None:
    """Train a many-to-many RNN/GRU on one-hot characters; save safetensors + config.json.

    Runs unchanged under torchrun for data-parallel training over processes and machines
    (docs/scaling.md); only rank 0 prints results and writes the model.
    """
    from caesar_rnn.extras import require

    try:
        require("train", "train", "torch", "tqdm")
    except CaesarRNNError as exc:
        fail(str(exc))
    from caesar_rnn.training.state import RunStopped, TrainingInterrupted

    try:
        from caesar_rnn.training.trainer import ModelExists

        if resume is not None:
            trainer = _resume_trainer(resume, device, threads, checkpoint_every, quiet)
        else:
            trainer = _new_trainer(ctx, recipe, force, quiet, compile_model, locals())
        metrics = trainer.run()
    except TrainingInterrupted as exc:  # a checkpoint was saved: say where, exit 128 + signal
        say(f"{exc}; continue with `caesar-rnn train --resume {exc.checkpoint}`")
        raise typer.Exit(128 + exc.signum) from None
    except KeyboardInterrupt:  # before the training loop: nothing to save yet
        say("interrupted")
        raise typer.Exit(130) from None
    except ModelExists as exc:
        fail(f"{exc}: use --force to replace it, or another --out")
    except RunStopped as exc:
        resume_hint = f"; continue with `caesar-rnn train --resume {exc.checkpoint}`"
        fail(str(exc) + (resume_hint if exc.checkpoint else ""))
    except CaesarRNNError as exc:
        fail(str(exc))
    from caesar_rnn.training.distributed import is_main_process

    if is_main_process():  # other torchrun ranks: rank 0 reports for all
        _report(trainer, metrics, quiet)


TRAIN_FIELDS = ("data", "out", "epochs", "steps", "batch_size", "lr", "reshift", "val_fraction",
                "device", "seed", "threads", "tbptt", "bf16", "checkpoint_every")  # fmt: skip
MODEL_FIELDS = ("arch", "hidden", "layers", "bidirectional", "dropout")


def _new_trainer(
    ctx: typer.Context, recipe: Path | None, force: bool, quiet: bool, compile_model: bool,
    opts: dict[str, Any],
) -> Any:  # fmt: skip
    """The configs from the recipe (or the defaults), with every option typed overriding them;
    every option is checked here, before any data is read."""
    from dataclasses import replace

    from caesar_rnn.training.trainer import Trainer

    r = load_recipe(recipe) if recipe is not None else None
    model_cfg, cfg = (r.model, r.train) if r else (ModelConfig(), TrainConfig())
    t: dict[str, Any] = {k: opts[k] for k in TRAIN_FIELDS if given(ctx, k)}
    t.update({k: str(t[k]) for k in ("data", "out") if k in t})
    m: dict[str, Any] = {k: opts[k] for k in MODEL_FIELDS if given(ctx, k)}
    if given(ctx, "compile_model"):
        t["compile"] = compile_model
    for name in ("boundaries", "canonical"):
        if opts[name] is not None:
            m[name], t[f"auto_{name}"] = opts[name], False
    t["progress"] = not quiet
    cfg = replace(cfg, **t)
    return Trainer(replace(model_cfg, **m), cfg, replace_model=force,
                   recipe=r.record() if r else None)  # fmt: skip


def _resume_trainer(
    resume: Path, device: str, threads: int | None, checkpoint_every: int, quiet: bool
) -> Any:
    from caesar_rnn.training.trainer import resume_trainer

    return resume_trainer(resume, device, threads, checkpoint_every, progress=not quiet)


def _report(trainer: Any, metrics: dict[str, Any], quiet: bool) -> None:
    """The validation table beside the shipped model's on the same messages, and where it went."""
    from caesar_rnn.store import shipped_model_dir

    out, shipped = trainer.out, shipped_model_dir()
    theirs: dict[str, Any] = {}
    if out.resolve() != shipped.resolve() and metrics.get("overall"):
        with contextlib.suppress(CaesarRNNError):
            from caesar_rnn.training.validation import score_model

            theirs = score_model(shipped, trainer.pairs, trainer.val_idx, trainer.ctx.device)
    print_metrics(metrics, theirs)
    say(f"saved model to {out}", quiet)
    if out.resolve() == Path(DEFAULT_TRAIN_DIR).resolve():
        say(
            "`caesar-rnn decrypt` in this folder will now use it; "
            "`--model shipped` selects the shipped model",
            quiet,
        )


def print_metrics(metrics: dict[str, Any], shipped: dict[str, Any] | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    shipped = shipped or {}
    table = Table(title="validation (held-out messages)")
    cols = ["letters", "messages", "char acc", "msg acc (argmax)", "msg acc (key)"]
    for col in cols + (["shipped (key)"] if shipped else []):
        table.add_column(col, justify="right")
    rows = dict(metrics.get("by_length", {}))
    theirs = dict(shipped.get("by_length", {}))
    if "overall" in metrics:
        rows["all"] = metrics["overall"]
        theirs["all"] = shipped.get("overall", {})
    for name, r in rows.items():
        cells = [
            f"{name}+" if name != "all" else "all",
            str(r["messages"]),
            f"{r['char_acc']:.4f}",
            f"{r['msg_acc_argmax']:.4f}",
            f"{r['msg_acc_key']:.4f}",
        ]
        if shipped:
            other = theirs.get(name, {})
            cells.append(f"{other['msg_acc_key']:.4f}" if other else "-")
        table.add_row(*cells)
    Console(highlight=False).print(table)


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
        typer.Option(
            help="key: one shift per message (default); argmax: per letter; hybrid: key plus "
            "the words cracker's scores (not the model alone)."
        ),
    ] = "key",
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    as_json: Annotated[
        bool,
        typer.Option("--json", help="One JSON object per message: plaintext, shift, confidence."),
    ] = False,
    whole: Annotated[
        bool,
        typer.Option(
            "--whole",
            help="The whole input is one message: one key from a prefix, lines kept (fast).",
        ),
    ] = False,
    jobs: Annotated[
        int, typer.Option(help="CPU worker processes for --file (0: one per core).", min=0)
    ] = 0,
    key_prefix: Annotated[
        int,
        typer.Option(
            help="Faster key decode: take each key from the first N letters (a word gap counts "
            "as one) when that is decisive, >= 0.999 (0: read whole messages).",
            min=0,
        ),
    ] = 0,
) -> None:
    """Decrypt Caesar ciphertext with an unknown key; case and non-letters pass through."""
    import os

    # One BLAS thread per process (read when NumPy loads): on a busy machine a two-thread matrix
    # product stalls whenever one of its threads is descheduled (20x slower measured). --jobs
    # worker processes use the cores instead.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from caesar_rnn.decoding.decode import decrypt_stream, load_backend
    from caesar_rnn.devices import resolve_device
    from caesar_rnn.files import check_text, quiet_broken_pipe, read_lines
    from caesar_rnn.store import resolve_model_dir

    try:
        if (text is None) == (file is None):
            raise CaesarRNNError("give either TEXT or --file PATH")
        if whole and (as_json or decode != "key"):
            raise CaesarRNNError("--whole decrypts under one key: no --json, no --decode argmax")
        model_dir = resolve_model_dir(model)
        dev = resolve_device(device)
        backend = load_backend(model_dir, dev)
        info(f"using model {model_dir}")
        if whole:
            _decrypt_whole(text, file, backend)
            return
        lines: Iterator[str] = iter([check_text(text)]) if text is not None else read_lines(file)  # type: ignore[arg-type]
        if dev == "cpu" and file is not None:
            from caesar_rnn.decoding.bulk import decrypt_parallel

            results = decrypt_parallel(
                lines, backend, model_dir, decode, jobs, key_prefix=key_prefix
            )
        else:
            results = decrypt_stream(lines, backend, decode, key_prefix=key_prefix)
        for d in results:
            print(json.dumps(d.to_dict(), ensure_ascii=False) if as_json else d.plaintext)
    except CaesarRNNError as exc:
        fail(str(exc))
    except BrokenPipeError:  # `| head`: the reader has all it wanted
        quiet_broken_pipe()
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        info("interrupted")
        raise typer.Exit(130) from None


def _decrypt_whole(text: str | None, file: Path | None, backend: Any) -> None:
    """--whole: stream bytes from TEXT, a file or stdin to stdout under one key."""
    import io

    from caesar_rnn.decoding.bulk import decrypt_whole
    from caesar_rnn.files import open_binary

    if text is not None:
        src: Any = io.BytesIO((text + "\n").encode("utf-8", errors="surrogateescape"))
    elif str(file) == "-":
        src = sys.stdin.buffer
    else:
        assert file is not None
        src = open_binary(file)
    sys.stdout.flush()
    with src:
        r = decrypt_whole(src, sys.stdout.buffer, backend)
    if r.shift is None:
        info("no letters: the input passed through unchanged")
    else:
        info(
            f"key {r.shift} (confidence {r.confidence:.6f} from the first {r.letters_used:,} "
            f"letters); {r.bytes:,} bytes"
        )


@app.command()
def crack(
    text: Annotated[str | None, typer.Argument(help="Ciphertext (or use --file).")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Crack every line of PATH ('-': stdin).")
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            help="ngram: quadgram log10-likelihood (higher is better); chi2: chi-squared vs "
            "letter frequencies (lower is better); words: the best split into words plus half "
            "the quadgram, natural log (higher is better); model: the model's summed "
            "log-probability, as decrypt's key decode scores it."
        ),
    ] = "ngram",
    top: Annotated[int, typer.Option(help="How many candidate shifts to show.")] = 5,
    model: Annotated[
        Path | None,
        typer.Option(help="Model directory for --method model (default as in decrypt)."),
    ] = None,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda (--method model).")] = "auto",
    as_json: Annotated[
        bool,
        typer.Option("--json", help="One JSON object per message with its ranked candidates."),
    ] = False,
) -> None:
    """Try all 26 keys and rank them: the TOP candidate shifts with their scores and plaintexts."""
    import os

    # One BLAS thread (read when NumPy loads), as in decrypt: on a busy machine a two-thread
    # matrix product stalls whenever one of its threads is descheduled.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from caesar_rnn.classical.crackers import METHODS, crack_stream
    from caesar_rnn.files import check_text, quiet_broken_pipe, read_lines

    try:
        if (text is None) == (file is None):
            raise CaesarRNNError("give either TEXT or --file PATH")
        if method not in (*METHODS, "model"):
            raise CaesarRNNError(f"unknown method {method!r}: choose {', '.join(METHODS)} or model")
        if top < 1:
            raise CaesarRNNError(f"--top must be at least 1, got {top}")
        backend = None
        if method == "model":
            from caesar_rnn.decoding.decode import load_backend
            from caesar_rnn.devices import resolve_device
            from caesar_rnn.store import resolve_model_dir

            model_dir = resolve_model_dir(model)
            backend = load_backend(model_dir, resolve_device(device))
            info(f"using model {model_dir}")
        lines: Iterator[str] = iter([check_text(text)]) if text is not None else read_lines(file)  # type: ignore[arg-type]
        for msg, cands in crack_stream(lines, method, min(top, 26), backend):
            if as_json:
                ranked = [{"rank": i, **c.to_dict()} for i, c in enumerate(cands, 1)]
                obj = {"ciphertext": msg, "method": method, "candidates": ranked}
                print(json.dumps(obj, ensure_ascii=False))
            else:
                print_candidates(msg, method, cands)
    except CaesarRNNError as exc:
        fail(str(exc))
    except BrokenPipeError:  # `| head`: the reader has all it wanted
        quiet_broken_pipe()
        raise typer.Exit(1) from None


def print_candidates(message: str, method: str, cands: list[Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    better = "lower" if method == "chi2" else "higher"
    title = message if len(message) <= 60 else message[:57] + "..."
    table = Table(title=escape(title), caption=f"{method} score: {better} is better")
    for col, just in (
        ("rank", "right"),
        ("shift", "right"),
        ("score", "right"),
        ("plaintext", "left"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for i, c in enumerate(cands, 1):
        table.add_row(str(i), str(c.shift), f"{c.score:.2f}", escape(c.plaintext))
    if not cands:
        table.add_row("-", "-", "-", "(no letters)")
    Console(highlight=False).print(table)


@app.command("eval")
def eval_cmd(
    data: Annotated[
        Path | None, typer.Option(help="Gen-data JSONL pairs, grouped by length bucket.")
    ] = None,
    corpus: Annotated[
        list[Path] | None,
        typer.Option(help="Held-out text to cut messages from (repeatable)."),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            help="Model directory (default: ./caesar-rnn-model if present, else shipped)."
        ),
    ] = None,
    solvers: Annotated[
        str,
        typer.Option(
            help="Comma-separated: key, argmax (the model's decodes), chi2, ngram, words, and "
            "hybrid (model + words scores: not the model alone)."
        ),
    ] = "key,argmax,chi2,ngram,words",
    per_bucket: Annotated[
        int, typer.Option(help="Messages per length bucket and style (--corpus).")
    ] = 200,
    buckets: Annotated[
        str, typer.Option(help="Comma-separated message lengths in letters.")
    ] = "4,6,8,10,12,16,24,32,64,128,256",
    styles: Annotated[str, typer.Option(help="letters, natural or both (--corpus).")] = (
        "letters,natural"
    ),
    mid_word: Annotated[
        float,
        typer.Option(help="Share of --corpus messages (0-1) that start inside a word."),
    ] = 0.0,
    seed: Annotated[int, typer.Option(help="Random seed for messages and keys.")] = 0,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Draw exact accuracy against length into this PNG.")
    ] = None,
) -> None:
    """Accuracy by length and style for the model and classical solvers, on the same messages."""
    import os

    # One BLAS thread, as in decrypt; it also makes messages/s single-core for every solver.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from caesar_rnn.evaluation import evaluate as ev
    from caesar_rnn.extras import require

    try:
        if plot is not None:
            require("plot", "eval --plot")
        if (data is None) == (not corpus):
            raise CaesarRNNError("give either --data FILE or --corpus FILE")
        names = [s.strip() for s in solvers.split(",") if s.strip()]
        lengths = _parse_buckets(buckets)
        style_list = [s.strip() for s in styles.split(",") if s.strip()]
        for s in style_list:
            if s not in ev.STYLES:
                raise CaesarRNNError(f"unknown style {s!r}: choose letters or natural")
        if per_bucket < 1:
            raise CaesarRNNError(f"--per-bucket must be positive, got {per_bucket}")
        if not 0.0 <= mid_word <= 1.0:
            raise CaesarRNNError(f"--mid-word must be in [0, 1], got {mid_word}")
        if data is not None:
            msgs = ev.load_messages(data, lengths)
            source = str(data)
        else:
            from caesar_rnn.data.corpus import TextCorpus

            text = TextCorpus.from_files(corpus or [])
            msgs = ev.sample_messages(text, per_bucket, lengths, style_list, seed, mid_word)
            source = ", ".join(p.name for p in corpus or [])
        model_dir = None
        if any(n in ("key", "argmax", "hybrid") for n in names):
            from caesar_rnn.devices import resolve_device
            from caesar_rnn.store import resolve_model_dir

            model_dir = resolve_model_dir(model)
            info(f"using model {model_dir}")
            device = resolve_device(device)
        solver_fns = ev.make_solvers(names, model_dir, device)
        info(f"evaluating {len(msgs)} messages from {source}")
        rows = ev.evaluate(msgs, solver_fns)
        if plot is not None:
            from caesar_rnn.evaluation.report import plot as draw

            draw(rows, plot, title=f"{source} ({len(msgs)} messages)")
            info(f"wrote {plot}")
    except CaesarRNNError as exc:
        fail(str(exc))
    if as_json:
        meta = {"source": source, "model": str(model_dir) if model_dir else None, "seed": seed}
        print(json.dumps({**meta, "messages": len(msgs), "rows": rows}, indent=1))
    else:
        print_eval(rows, source)


def _parse_buckets(buckets: str) -> list[int]:
    try:
        lengths = sorted({int(b) for b in buckets.split(",") if b.strip()})
    except ValueError:
        raise CaesarRNNError(
            f"--buckets must be comma-separated integers, got {buckets!r}"
        ) from None
    if not lengths or lengths[0] < 1:
        raise CaesarRNNError("--buckets needs lengths of at least 1 letter")
    return lengths


def print_eval(rows: list[dict[str, Any]], source: str) -> None:
    """Two tables with the same layout: exact-message accuracy (with messages/s), per-char."""
    from rich.console import Console
    from rich.table import Table

    from caesar_rnn.evaluation.report import speeds

    solvers = list(dict.fromkeys(r["solver"] for r in rows))
    by_cell = {(r["style"], r["letters"], r["solver"]): r for r in rows}
    keys = list(dict.fromkeys((r["style"], r["letters"]) for r in rows))
    console = Console(highlight=False)
    for metric, title in (("exact", "exact-message"), ("char_acc", "per-char")):
        caption = "hybrid: model key scores + words scores, not the model alone"
        table = Table(
            title=f"{title} accuracy % on {source}",
            caption=caption if any(s.startswith("hybrid") for s in solvers) else None,
        )
        for col in ("style", "letters", "messages", *solvers):
            table.add_column(col, justify="left" if col == "style" else "right")
        for style, n in keys:
            cells = [by_cell.get((style, n, s)) for s in solvers]
            msgs = next(c["messages"] for c in cells if c)
            vals = [f"{100 * c[metric]:.1f}" if c else "-" for c in cells]
            table.add_row(style, str(n), str(msgs), *vals)
        if metric == "exact":
            speed = speeds(rows)
            table.add_section()
            table.add_row("msgs/s", "", "", *(f"{speed[s]:.0f}" for s in solvers))
        console.print(table)


if __name__ == "__main__":  # pragma: no cover
    app()
