"""``caesar-rnn train``: train a model on gen-data pairs (or a recipe), or resume a run."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer

from caesar_rnn.cli.common import fail, given, handled, info, library_notes, usage_error
from caesar_rnn.cli.options import (
    Arch,
    Device,
    OptionalBool,
    OptionalInt,
    OptionalPath,
    QuietOpt,
    out_option,
)
from caesar_rnn.cli.output import Table
from caesar_rnn.config import DEFAULT_TRAIN_DIR, FEEDFORWARD, ModelConfig, TrainConfig, load_recipe
from caesar_rnn.errors import CaesarRNNError

_MODEL, _TRAIN = ModelConfig(), TrainConfig()
_ARCH, _DEVICE = Arch(_MODEL.arch), Device(_TRAIN.device)


def train(
    ctx: typer.Context,
    data: Annotated[Path, typer.Option(help="Training pairs (from gen-data).")] = Path(_TRAIN.data),
    out: Annotated[Path, out_option("Model directory to write.")] = Path(_TRAIN.out),
    recipe: Annotated[
        OptionalPath,
        typer.Option(
            help="Train as a recipe file says ([model] and [train]); options given here override it."
        ),
    ] = None,
    arch: Annotated[
        Arch, typer.Option(help="Recurrent cell, or mlp (per character, no recurrence).")
    ] = _ARCH,
    hidden: Annotated[int, typer.Option(help="Hidden units per direction.")] = _MODEL.hidden,
    layers: Annotated[int, typer.Option(help="Recurrent layers.")] = _MODEL.layers,
    bidirectional: Annotated[
        bool, typer.Option(help="Read each message both ways.")
    ] = _MODEL.bidirectional,
    boundaries: Annotated[
        OptionalBool,
        typer.Option(help="Feed word boundaries as a 27th symbol (default: if the data has any)."),
    ] = None,
    canonical: Annotated[
        OptionalBool,
        typer.Option(
            help="Rotate each message to start at 'a' (a rotation-invariant model; default: on "
            "when the data uses several keys, off for fixed-key data)."
        ),
    ] = None,
    dropout: Annotated[
        float, typer.Option(help="Dropout between recurrent layers.")
    ] = _MODEL.dropout,
    epochs: Annotated[
        int,
        typer.Option(
            help="Train this many passes over the pairs instead of --steps.", show_default=False
        ),
    ] = _TRAIN.epochs,
    steps: Annotated[
        OptionalInt, typer.Option(help="Train this many steps (or --epochs instead).")
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
    device: Annotated[
        Device, typer.Option(help="Where to train: auto takes CUDA when present.")
    ] = _DEVICE,
    seed: Annotated[int, typer.Option(help="Random seed.")] = _TRAIN.seed,
    threads: Annotated[OptionalInt, typer.Option(help="CPU threads for torch.")] = _TRAIN.threads,
    tbptt: Annotated[
        OptionalInt,
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
    calibrate: Annotated[
        bool,
        typer.Option(
            help="Fit the model's calibration table after training (about 20 s), so that its "
            "confidence is calibrated and its English verdict known."
        ),
    ] = _TRAIN.calibrate,
    checkpoint_every: Annotated[
        int,
        typer.Option(help="Steps between resumable checkpoints in OUT/checkpoint (0: never)."),
    ] = _TRAIN.checkpoint_every,
    resume: Annotated[
        OptionalPath,
        typer.Option(
            help="Continue the interrupted run checkpointed in DIR (or DIR/checkpoint), with its "
            "own settings; only --device, --threads and --checkpoint-every apply."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a finished model in --out.")
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Train a many-to-many RNN/GRU on one-hot characters; save safetensors + config.json.

    Runs unchanged under torchrun for data-parallel training over processes and machines
    (docs/scaling.md); only rank 0 prints results and writes the model.
    """
    opts = {k: getattr(v, "value", v) for k, v in locals().items() if k != "ctx"}
    if resume is not None:
        other = [p for p in ctx.command.params
                 if p.name not in RESUME_OPTIONS and given(ctx, str(p.name))]  # fmt: skip
        if other:
            flag = "/".join([*other[0].opts, *other[0].secondary_opts])
            usage_error(
                f"--resume continues the run with its own settings: no {flag} (only --device, "
                "--threads and --checkpoint-every apply)"
            )
    with handled():
        from caesar_rnn.extras import require

        require("train", "train", "torch", "tqdm")
        trainer, metrics = _run(ctx, opts)
    from caesar_rnn.training.distributed import is_main_process

    if is_main_process():  # other torchrun ranks: rank 0 reports for all
        _report(trainer, metrics, quiet)
        with handled():
            _calibrate(trainer, quiet)


def _calibrate(trainer: Any, quiet: bool) -> None:
    """The saved model's calibration table, after its report (an interrupted fit loses neither
    the model nor the table of held-out accuracy printed before)."""
    from caesar_rnn.training.state import TrainingInterrupted

    try:
        with library_notes(quiet):
            cal = trainer.calibrate()
    except TrainingInterrupted as exc:
        info(str(exc))
        raise typer.Exit(128 + exc.signum) from None
    if cal:
        info(f"calibrated its confidence on {cal['messages']:,} tuning messages "
             f"({cal['seconds']:.0f} s)", quiet)  # fmt: skip


def _run(ctx: typer.Context, o: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Train (or resume); the training errors each end the command with their own message."""
    from caesar_rnn.training.state import RunStopped, TrainingInterrupted
    from caesar_rnn.training.trainer import ModelExists, resume_trainer

    try:
        with library_notes(o["quiet"]):
            if o["resume"] is not None:
                every = o["checkpoint_every"]
                progress = not o["quiet"]
                trainer = resume_trainer(o["resume"], o["device"], o["threads"], every, progress)
            else:
                trainer = _new_trainer(ctx, o)
            return trainer, trainer.run()
    except TrainingInterrupted as exc:  # a checkpoint (or the model) was saved: say where
        hint = f"; continue with `caesar-rnn train --resume {exc.checkpoint}`"
        info(f"{exc}{hint if exc.checkpoint else ''}")
        raise typer.Exit(128 + exc.signum) from None
    except ModelExists as exc:
        fail(f"{exc}: use --force to replace it, or another --out")
    except RunStopped as exc:
        resume_hint = f"; continue with `caesar-rnn train --resume {exc.checkpoint}`"
        fail(str(exc) + (resume_hint if exc.checkpoint else ""))


#: The options that apply to a resumed run (everything else is the checkpoint's).
RESUME_OPTIONS = ("resume", "device", "threads", "checkpoint_every", "quiet")
TRAIN_FIELDS = ("data", "out", "epochs", "steps", "batch_size", "lr", "reshift", "val_fraction",
                "device", "seed", "threads", "tbptt", "bf16", "checkpoint_every",
                "calibrate")  # fmt: skip
MODEL_FIELDS = ("arch", "hidden", "layers", "bidirectional", "dropout")


def _new_trainer(ctx: typer.Context, opts: dict[str, Any]) -> Any:
    """The configs from the recipe (or the defaults), with every option typed overriding them;
    every option is checked here, before any data is read."""
    from dataclasses import replace

    from caesar_rnn.training.options import check_pair
    from caesar_rnn.training.trainer import Trainer

    if given(ctx, "epochs") and given(ctx, "steps"):
        usage_error("--epochs and --steps both say how long to train: give one")
    if given(ctx, "bidirectional") and opts["bidirectional"] and opts["arch"] in FEEDFORWARD:
        usage_error(f"--arch {opts['arch']} reads each character alone: no --bidirectional")
    r = load_recipe(opts["recipe"]) if opts["recipe"] is not None else None
    model_cfg, cfg = (r.model, r.train) if r else (ModelConfig(), TrainConfig())
    t: dict[str, Any] = {k: opts[k] for k in TRAIN_FIELDS if given(ctx, k)}
    if "epochs" in t and "steps" not in t:  # --epochs alone trains by epochs
        t["steps"] = None
    t.update({k: str(t[k]) for k in ("data", "out") if k in t})
    m: dict[str, Any] = {k: opts[k] for k in MODEL_FIELDS if given(ctx, k)}
    if given(ctx, "compile_model"):
        t["compile"] = opts["compile_model"]
    for name in ("boundaries", "canonical"):
        if opts[name] is not None:
            m[name], t[f"auto_{name}"] = opts[name], False
    t["progress"] = not opts["quiet"]
    try:  # a value the configs refuse is a usage error, as a bad number is
        cfg, model_cfg = replace(cfg, **t), replace(model_cfg, **m)
        check_pair(model_cfg, cfg)
    except CaesarRNNError as exc:
        usage_error(str(exc))
    return Trainer(model_cfg, cfg, replace_model=opts["force"],
                   recipe=r.record() if r else None)  # fmt: skip


def _report(trainer: Any, metrics: dict[str, Any], quiet: bool) -> None:
    """The validation table beside the shipped model's on the same messages, and where it went."""
    from caesar_rnn.store import shipped_model_dir

    out, shipped = trainer.out, shipped_model_dir()
    theirs: dict[str, Any] = {}
    if out.resolve() != shipped.resolve() and metrics.get("overall"):
        with contextlib.suppress(CaesarRNNError):
            from caesar_rnn.training.validation import score_model

            theirs = score_model(shipped, trainer.pairs, trainer.val_idx, trainer.ctx.device)
    if metrics.get("by_length") or metrics.get("overall"):
        metrics_table(metrics, theirs).print()
    else:
        info("no validation table: no pairs were held out (--val-fraction)", quiet)
    info(f"saved model to {out}", quiet)
    if out.resolve() == Path(DEFAULT_TRAIN_DIR).resolve():
        info(
            "`caesar-rnn decrypt` in this folder will now use it; "
            "`--model shipped` selects the shipped model",
            quiet,
        )


def metrics_table(metrics: dict[str, Any], shipped: dict[str, Any] | None = None) -> Table:
    """The validation metrics by message length, with the shipped model's key decode beside."""
    shipped = shipped or {}
    cols = ["letters", "messages", "char acc", "msg acc (argmax)", "msg acc (key)"]
    cols += ["shipped (key)"] if shipped else []
    table = Table("validation (held-out messages)", cols, right=set(cols))
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
        table.add(*cells)
    return table
