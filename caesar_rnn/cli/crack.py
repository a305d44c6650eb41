"""``caesar-rnn crack``: try all 26 keys on each message and rank them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from caesar_rnn.cli.common import (
    given,
    handled,
    info,
    load_model,
    one_blas_thread,
    read_input,
    usage_error,
)
from caesar_rnn.cli.options import Device as DeviceChoice
from caesar_rnn.cli.options import (
    DeviceOpt,
    FileOpt,
    JsonOpt,
    LangOpt,
    Method,
    ModelOpt,
    QuietOpt,
    TextArg,
)
from caesar_rnn.cli.output import Table
from caesar_rnn.languages import name

if TYPE_CHECKING:
    from caesar_rnn.classical.crackers import Candidate


def crack(
    ctx: typer.Context,
    text: TextArg = None,
    file: FileOpt = None,
    method: Annotated[
        Method,
        typer.Option(
            help="ngram: quadgram log10-likelihood (higher is better); chi2: chi-squared vs "
            "letter frequencies (lower is better); words: the best split into words plus half "
            "the quadgram, natural log (higher is better); model: the model's summed "
            "log-probability, as decrypt's key decode scores it."
        ),
    ] = Method.ngram,
    top: Annotated[int, typer.Option(help="How many candidate shifts to show.", min=1, max=26)] = 5,
    best: Annotated[
        bool, typer.Option("--best", help="Print only the best plaintext of each message.")
    ] = False,
    model: ModelOpt = None,
    device: DeviceOpt = DeviceChoice.auto,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Try all 26 keys and rank them: the TOP candidate shifts with their scores and plaintexts,
    for TEXT or each line of --file or stdin. --lang scores them in another language (auto: the
    language is found too)."""
    one_blas_thread()
    if best and as_json:
        usage_error("--best prints plaintext only: no --json")
    if best and given(ctx, "top"):
        usage_error("--best prints the best plaintext only: no --top")
    if lang is not None and method != Method.ngram:
        usage_error("--lang goes with the ngram method only")
    unused = [n for n in ("model", "device") if given(ctx, n)]
    if method != Method.model and unused:
        usage_error(f"--{unused[0]} goes with --method model only")
    with handled():
        lines = read_input(text, file)
        m = load_model(model, device, quiet) if method == Method.model else None
        from caesar_rnn.api import crack_lines

        found = crack_lines(lines, method.value, 1 if best else top, model=m, lang=lang)
        for message, cands in found:
            language = cands[0].language if cands else None
            if best:
                print(cands[0].plaintext if cands else message)
            elif as_json:
                ranked = [{"rank": i, **c.to_dict()} for i, c in enumerate(cands, 1)]
                obj: dict[str, Any] = {
                    "ciphertext": message,
                    "method": method.value,
                    "candidates": ranked,
                }
                if lang is not None:
                    obj = {**obj, "language": language}
                print(json.dumps(obj, ensure_ascii=False))
            else:
                _table(message, method.value, cands, language).print()
            if lang == "auto" and language not in (None, "en") and not as_json:
                info(f"{_short(message)!r}: reads as {name(language)}", quiet)


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _table(message: str, method: str, cands: list[Candidate], language: str | None) -> Table:
    better = "lower" if method == "chi2" else "higher"
    if language is not None:
        method = f"{method} ({name(language)})"
    title = message if len(message) <= 60 else message[:57] + "..."
    table = Table(
        title,
        ["rank", "shift", "score", "plaintext"],
        right={"rank", "shift", "score"},
        caption=f"{method} score: {better} is better",
    )
    for i, c in enumerate(cands, 1):
        table.add(str(i), str(c.shift), f"{c.score:.2f}", c.plaintext)
    if not cands:
        table.add("-", "-", "-", "(no letters)")
    return table
