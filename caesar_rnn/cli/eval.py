"""``caesar-rnn eval``: accuracy by length and style, the model beside the classical solvers."""

from __future__ import annotations

import json
from typing import Annotated, Any, cast

import typer

from caesar_rnn.cli.common import handled, info, one_blas_thread, usage_error
from caesar_rnn.cli.options import (
    CorpusOpt,
    DeviceOpt,
    LangOpt,
    ModelOpt,
    OptionalPath,
    QuietOpt,
    SeedOpt,
    Solver,
    StrList,
    Style,
    choice_list,
    int_list,
)
from caesar_rnn.cli.options import Device as DeviceChoice
from caesar_rnn.cli.output import Table

DEFAULT_SOLVERS = ("key", "argmax", "chi2", "ngram", "words")
DEFAULT_BUCKETS = (4, 6, 8, 10, 12, 16, 24, 32, 64, 128, 256)
#: ``caesar_rnn.evaluation.evaluate.MAX_BUCKET`` (not imported: the CLI starts without it).
MAX_BUCKET = 1 << 16
#: The most messages per bucket and style (a billion filled memory with nothing said: QA round 6).
MAX_PER_BUCKET = 100_000
#: The most letters of messages one --corpus run makes (per bucket x lengths x styles; QA round 7:
#: --bucket 65536 --per-bucket 100000 held 2.3 GB after a minute): 200 MB of text.
MAX_LETTERS = 200_000_000


def eval_cmd(
    data: Annotated[
        OptionalPath, typer.Option(help="Gen-data JSONL pairs, grouped by length bucket.")
    ] = None,
    corpus: CorpusOpt = None,
    model: ModelOpt = None,
    solvers: Annotated[
        StrList,
        typer.Option(
            "--solver",
            "--solvers",
            metavar="NAME",
            help="Repeatable or comma-separated: key, argmax (the model's decodes), chi2, ngram, "
            "words, hybrid (model + words scores: not the model alone), decrypt (the key decode "
            "and the language), ngram-lang (quadgram in --lang), ngram-auto (quadgram, language "
            "found). Default: " + ",".join(DEFAULT_SOLVERS) + ".",
            callback=choice_list(Solver, DEFAULT_SOLVERS),
            show_default=False,
        ),
    ] = None,
    per_bucket: Annotated[
        int,
        typer.Option(
            help="Messages per length bucket and style (--corpus).", min=1, max=MAX_PER_BUCKET
        ),
    ] = 200,
    buckets: Annotated[
        StrList,
        typer.Option(
            "--bucket",
            "--buckets",
            metavar="N",
            help="Message lengths in letters, repeatable or comma-separated. Default: "
            + ",".join(map(str, DEFAULT_BUCKETS))
            + ".",
            callback=int_list(DEFAULT_BUCKETS, MAX_BUCKET),
            show_default=False,
        ),
    ] = None,
    styles: Annotated[
        StrList,
        typer.Option(
            "--style",
            "--styles",
            metavar="STYLE",
            help="letters, natural, repeatable or comma-separated (--corpus). Default: both.",
            callback=choice_list(Style, ("letters", "natural")),
            show_default=False,
        ),
    ] = None,
    mid_word: Annotated[
        float,
        typer.Option(
            help="Share of --corpus messages (0-1) that start inside a word.", min=0.0, max=1.0
        ),
    ] = 0.0,
    seed: SeedOpt = 0,
    device: DeviceOpt = DeviceChoice.auto,
    lang: LangOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
    plot: Annotated[
        OptionalPath, typer.Option(help="Draw exact accuracy against length into this PNG.")
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Accuracy by length and style for the model and classical solvers, on the same messages:
    from --corpus text (held out from training) or a gen-data --data file."""
    one_blas_thread()
    if (data is None) == (not corpus):
        usage_error("give either --data FILE or --corpus FILE")
    if lang == "auto":
        usage_error("--lang names the --corpus text's language: not auto")
    letters = per_bucket * sum(cast("list[int]", buckets)) * max(1, len(styles or []) or 2)
    if corpus and letters > MAX_LETTERS:
        usage_error(
            f"--per-bucket {per_bucket:,} over these buckets asks for {letters:,} letters of "
            f"messages; at most {MAX_LETTERS:,}"
        )
    with handled():
        from caesar_rnn.api import evaluate
        from caesar_rnn.extras import require

        if plot is not None:
            require("plot", "eval --plot")  # before the (long) measurement

        result = evaluate(
            data=data,
            corpus=corpus or [],
            model=model,
            solvers=solvers or [],
            buckets=cast("list[int]", buckets),
            styles=styles or [],
            per_bucket=per_bucket,
            seed=seed,
            mid_word=mid_word,
            device=device.value,
            log=lambda line: info(line, quiet),
            lang=lang,
        )
        if corpus:
            _say_missing_buckets(result.rows, cast("list[int]", buckets), result.source, quiet)
        if plot is not None:
            from caesar_rnn.evaluation.report import plot as draw

            draw(result.rows, plot, title=f"{result.source} ({result.messages} messages)")
            info(f"wrote {plot}", quiet)
    if as_json:
        meta = {"source": result.source, "model": result.model and str(result.model)}
        doc = {**meta, "seed": seed, "messages": result.messages, "rows": result.rows}
        print(json.dumps(doc, indent=1))
    else:
        for table in eval_tables(result.rows, result.source):
            table.print()


def _say_missing_buckets(
    rows: list[dict[str, Any]], buckets: list[int], source: str, quiet: bool
) -> None:
    """The --corpus buckets left without a message (a text shorter than them), said on stderr:
    the tables simply have no row for them."""
    found = {r["letters"] for r in rows}
    missing = [str(b) for b in buckets if b not in found]
    if missing:
        info(f"no messages of {', '.join(missing)} letters: {source} is too short for them", quiet)


def eval_tables(rows: list[dict[str, Any]], source: str) -> list[Table]:
    """Two tables with the same layout: exact-message accuracy (with messages/s), per-char."""
    from caesar_rnn.evaluation.report import speeds

    solvers = list(dict.fromkeys(r["solver"] for r in rows))
    by_cell = {(r["style"], r["letters"], r["solver"]): r for r in rows}
    keys = list(dict.fromkeys((r["style"], r["letters"]) for r in rows))
    hybrid = any(s.startswith("hybrid") for s in solvers)
    tables = []
    for metric, title in (("exact", "exact-message"), ("char_acc", "per-char")):
        table = Table(
            f"{title} accuracy % on {source}",
            ["style", "letters", "messages", *solvers],
            right={"letters", "messages", *solvers},
            caption="hybrid: model key scores + words scores, not the model alone"
            if hybrid
            else None,
        )
        for style, n in keys:
            cells = [by_cell.get((style, n, s)) for s in solvers]
            msgs = next(c["messages"] for c in cells if c)
            vals = [f"{100 * c[metric]:.1f}" if c else "-" for c in cells]
            table.add(style, str(n), str(msgs), *vals)
        if metric == "exact":
            speed = speeds(rows)
            table.section()
            table.add("msgs/s", "", "", *(f"{speed[s]:.0f}" for s in solvers))
        tables.append(table)
    named = [r for r in rows if "language_acc" in r]
    if named:
        tables.append(language_table(named, source))
    trusted = [r for r in rows if "ece" in r]
    if trusted:
        tables.append(trust_table(trusted, source))
    return tables


def language_table(rows: list[dict[str, Any]], source: str) -> Table:
    """How often each solver that names a language named the text's (--lang)."""
    solvers = list(dict.fromkeys(r["solver"] for r in rows))
    by_cell = {(r["style"], r["letters"], r["solver"]): r["language_acc"] for r in rows}
    lang = rows[0]["language"]
    table = Table(
        f"language named ({lang}) % on {source}",
        ["style", "letters", *solvers],
        right={"letters", *solvers},
    )
    for style, n in dict.fromkeys((r["style"], r["letters"]) for r in rows):
        vals = [by_cell.get((style, n, s)) for s in solvers]
        table.add(style, str(n), *("-" if v is None else f"{100 * v:.1f}" for v in vals))
    return table


def trust_table(rows: list[dict[str, Any]], source: str) -> Table:
    """The model decodes' confidence beside their accuracy: expected calibration error (plain and
    debiased, docs/calibration.md), how
    many answers reach 0.99 and how many of those were exactly right, messages flagged as not
    English (docs/json.md)."""

    def pct(x: float | None) -> str:
        return "-" if x is None else f"{100 * x:.1f}"

    cols = ["solver", "style", "letters", "exact", "ECE", "ECE debiased", ">=0.99",
            "exact at >=0.99", "flagged"]  # fmt: skip
    table = Table(f"confidence and English verdict on {source} (%)", cols, right=set(cols[2:]))
    for r in rows:
        table.add(
            r["solver"], r["style"], str(r["letters"]), pct(r["exact"]), pct(r["ece"]),
            pct(r.get("ece_debiased")), pct(r["high_share"]), pct(r["exact_at_high"]),
            pct(r["flagged"]),
        )  # fmt: skip
    return table
