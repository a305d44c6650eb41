"""``caesar-rnn crack``: try all 26 keys on each message and rank them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from caesar_rnn.cli.common import (
    handled,
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
    Method,
    ModelOpt,
    QuietOpt,
    TextArg,
)
from caesar_rnn.cli.output import Table

if TYPE_CHECKING:
    from caesar_rnn.classical.crackers import Candidate


def crack(
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
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Try all 26 keys and rank them: the TOP candidate shifts with their scores and plaintexts,
    for TEXT or each line of --file or stdin."""
    one_blas_thread()
    if best and as_json:
        usage_error("--best prints plaintext only: no --json")
    with handled():
        lines = read_input(text, file)
        m = load_model(model, device, quiet) if method == Method.model else None
        from caesar_rnn.api import crack_lines

        for message, cands in crack_lines(lines, method.value, 1 if best else top, model=m):
            if best:
                print(cands[0].plaintext if cands else message)
            elif as_json:
                ranked = [{"rank": i, **c.to_dict()} for i, c in enumerate(cands, 1)]
                obj = {"ciphertext": message, "method": method.value, "candidates": ranked}
                print(json.dumps(obj, ensure_ascii=False))
            else:
                _table(message, method.value, cands).print()


def _table(message: str, method: str, cands: list[Candidate]) -> Table:
    better = "lower" if method == "chi2" else "higher"
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
