"""``caesar-rnn decrypt``: the model finds each message's key (or ``--shift`` gives it)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from caesar_rnn.cli.common import (
    given,
    handled,
    info,
    input_bytes,
    load_model,
    one_blas_thread,
    read_input,
    usage_error,
)
from caesar_rnn.cli.options import (
    Decode,
    DeviceOpt,
    FileOpt,
    JsonOpt,
    LangOpt,
    ModelOpt,
    OptionalInt,
    QuietOpt,
    TextArg,
    shift_option,
)
from caesar_rnn.cli.options import Device as DeviceChoice
from caesar_rnn.files import StopAtError

if TYPE_CHECKING:
    from caesar_rnn.api import Model


def _key_prefix(value: int) -> int:
    from caesar_rnn.decoding.scores import MIN_KEY_PREFIX

    if value and value < MIN_KEY_PREFIX:
        raise typer.BadParameter(
            f"0 (off) or at least {MIN_KEY_PREFIX}: shorter prefixes keep wrong keys confidently"
        )
    return value


def decrypt(
    ctx: typer.Context,
    text: TextArg = None,
    file: FileOpt = None,
    shift: Annotated[
        OptionalInt,
        shift_option(
            "The key, when known (any integer, taken modulo 26: 29 is 3): no model is loaded."
        ),
    ] = None,
    model: ModelOpt = None,
    decode: Annotated[
        Decode,
        typer.Option(
            help="key: one shift per message; argmax: the most likely letter at each position "
            "(the per-letter argmax decode); hybrid: key plus the words cracker's scores (not "
            "the model alone; uncalibrated). Warning: argmax can change letters inside codes, "
            "flags and names (picoCTF{...}) to others no single shift gives; its JSON says "
            "so (single_shift)."
        ),
    ] = Decode.key,
    device: DeviceOpt = DeviceChoice.auto,
    as_json: JsonOpt = False,
    whole: Annotated[
        bool,
        typer.Option(
            "--whole",
            help="The whole input is one message: one key from a prefix, lines and bytes kept "
            "(fast).",
        ),
    ] = False,
    jobs: Annotated[
        int, typer.Option(help="CPU worker processes for long input (0: one per core).", min=0)
    ] = 0,
    key_prefix: Annotated[
        int,
        typer.Option(
            help="Faster key decode: take each key from the first N letters (a word gap counts "
            "as one; N >= 16) when that is decisive, >= 0.999 (0: read whole messages).",
            min=0,
            callback=_key_prefix,
        ),
    ] = 0,
    top: Annotated[
        int,
        typer.Option(
            help="Runners-up listed with --json (alternatives) and, below confidence 0.99, on "
            "stderr.",
            min=0,
            max=25,
        ),
    ] = 2,
    lang: LangOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Decrypt Caesar ciphertext with an unknown key (or a known one, --shift); case and
    non-letters pass through. One output line per input line. The language is found (--lang:
    given); a message that reads as another language than English gets that language's
    quadgram crack, named on stderr."""
    one_blas_thread()
    if lang is not None and (whole or shift is not None):
        usage_error("--lang goes with an unknown key: no --whole or --shift")
    if whole and (as_json or decode != Decode.key or shift is not None):
        usage_error("--whole finds one key itself: no --json, --decode other than key, or --shift")
    if shift is not None and decode != Decode.key:
        usage_error("--shift gives the key: no --decode other than key")
    unused = [n for n in ("model", "device", "jobs", "key_prefix", "top") if given(ctx, n)]
    if shift is not None and unused:
        flag = "--" + unused[0].replace("_", "-")
        usage_error(f"--shift gives the key, so no model is loaded: no {flag}")
    with handled():
        if whole:
            _whole(text, file, load_model(model, device, quiet), quiet)
            return
        lines = StopAtError(read_input(text, file))  # good lines before a bad one: printed
        m = None if shift is not None else load_model(model, device, quiet)
        from caesar_rnn.api import decrypt_lines

        many = file is not None or text in (None, "-")  # worker processes only for a stream
        jobs = _cap_jobs(jobs, quiet) if many else 1
        results = decrypt_lines(
            lines,
            model=m,
            decode=decode.value,
            shift=shift,
            key_prefix=key_prefix,
            jobs=jobs,
            top=top,
            lang=lang,
        )
        from caesar_rnn.decoding.language import note
        from caesar_rnn.decoding.verdict import notes

        noted = unsaid = 0
        try:
            for d in results:
                print(json.dumps(d.to_dict(), ensure_ascii=False) if as_json else d.plaintext)
                said = [] if as_json else [t for t in [note(d), *notes(d)] if t]
                if said and noted >= MAX_NOTED:
                    unsaid += 1
                elif said:
                    noted += 1
                    for line in said:
                        info(line, quiet)
        finally:  # workers ended and waited for now, however this ends
            getattr(results, "close", lambda: None)()
        lines.check()
        if unsaid:
            info(f"notes on {unsaid:,} more lines not shown (--json gives every line's "
                 "confidence and language; -q: no notes)", quiet)  # fmt: skip


#: Lines of a stream whose notes (language, unsure, not English) are said on stderr; the rest
#: are counted in one line at the end (QA: a 10,000-line file gave 1,651 notes).
MAX_NOTED = 20


def _cap_jobs(jobs: int, quiet: bool) -> int:
    """At most one worker process per core: more cannot go faster, and each loads the model
    (``--jobs 100000`` ran the machine out of memory)."""
    from caesar_rnn.decoding.bulk import default_jobs

    cores = default_jobs()
    if jobs > cores:
        info(f"--jobs {jobs}: {cores} cores here; using {cores} worker processes", quiet)
        return cores
    return jobs


def _whole(text: str | None, file: str | None, model: Model, quiet: bool) -> None:
    """--whole: bytes from TEXT, a file or stdin to stdout under one key."""
    src = input_bytes(text, file)
    sys.stdout.flush()
    with src:
        r = model.decrypt_whole(src, sys.stdout.buffer)
    if r.shift is None:
        info("no letters: the input passed through unchanged", quiet)
    else:
        info(
            f"key {r.shift} (confidence {r.confidence:.6f} from the first {r.letters_used:,} "
            f"letters); {r.bytes:,} bytes",
            quiet,
        )
