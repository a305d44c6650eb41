"""``caesar-rnn gen-data``: ciphertext/plaintext pairs for training and evaluation."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from caesar_rnn.cli.common import given, handled, info, library_notes
from caesar_rnn.cli.options import (
    CorpusOpt,
    LangsOpt,
    OptionalInt,
    OptionalPath,
    QuietOpt,
    Style,
    out_option,
    shift_option,
)
from caesar_rnn.config import MAX_LETTERS, MAX_PAIRS, DataConfig, MixPart
from caesar_rnn.errors import CaesarRNNError

_DATA, _MIX = DataConfig(), MixPart()
_STYLE = Style(_MIX.style)


def gen_data(
    ctx: typer.Context,
    out: Annotated[Path, out_option("JSONL file to write (- for stdout).")] = Path(_DATA.out),
    count: Annotated[
        int, typer.Option(help="Number of pairs.", min=1, max=MAX_PAIRS)
    ] = _DATA.count,
    min_len: Annotated[
        int, typer.Option(help="Fewest letters per pair.", min=1, max=MAX_LETTERS)
    ] = _MIX.min_len,
    max_len: Annotated[
        int, typer.Option(help="Most letters per pair.", min=1, max=MAX_LETTERS)
    ] = _MIX.max_len,
    shift: Annotated[
        OptionalInt,
        shift_option(
            "Fix the key (any integer, taken modulo 26, as in encrypt); default: a random key "
            "per pair."
        ),
    ] = None,
    style: Annotated[
        Style,
        typer.Option(help="letters: lowercase a-z, no spaces; natural: case, spaces kept."),
    ] = _STYLE,
    corpus: CorpusOpt = None,
    lang: LangsOpt = None,
    mid_word: Annotated[
        float,
        typer.Option(
            help="Share of messages (0-1) that start inside a word, as windows cut from running "
            "text at a random letter do; 0: every message starts at a word start.",
            min=0.0,
            max=1.0,
        ),
    ] = _MIX.mid_word,
    seed: Annotated[
        int, typer.Option(help="Random seed: same options and seed, same file.")
    ] = _DATA.seed,
    recipe: Annotated[
        OptionalPath,
        typer.Option(
            help="Make the pairs a recipe file describes (its [data] mix; --out, --count and "
            "--seed override it)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Make ciphertext/plaintext pairs (JSONL: ciphertext, plaintext, shift) from English text
    (default: the packaged English source; --corpus: your own; --lang: words of other languages,
    one language per pair, drawn by frequency from wordfreq's lists).

    With none of --min-len, --max-len, --shift, --style, --corpus, --lang, --mid-word, the pairs follow
    the shipped model's mix: 60 % of 4-8 letters, 30 % of 4-16, 10 % of 4-64, half letters-only
    and half natural style, some starting inside a word, each with a random key. Any of those
    options switches to one kind of pair (default letters style, 4-32 letters)."""
    from caesar_rnn.extras import TEXT_SOURCES, require
    from caesar_rnn.signals import Interrupted, interruptible

    if min_len > max_len:  # a usage error, as each bound alone is
        if not given(ctx, "min_len"):
            raise typer.BadParameter(
                f"{max_len} is less than --min-len ({min_len} by default).", ctx, None,
                "'--max-len'",
            )  # fmt: skip
        by_default = "" if given(ctx, "max_len") else " by default: give --max-len too"
        raise typer.BadParameter(
            f"{min_len} is greater than --max-len ({max_len}{by_default}).", ctx, None,
            "'--min-len'",
        )  # fmt: skip
    to_stdout = str(out) == STDOUT
    with handled(), library_notes(quiet), _scratch_file(to_stdout) as scratch:
        if recipe is not None or not corpus:
            require("train", "gen-data", *TEXT_SOURCES)
        try:
            with interruptible():
                if to_stdout:
                    out, force = scratch, True
                if recipe is not None:
                    n, out = _gen_recipe(ctx, recipe, out, count, seed, force)
                elif not any(given(ctx, name) for name in SINGLE_PART):
                    n, out = _gen_mix(out, count, seed, force)
                else:
                    key = None if shift is None else shift % 26
                    opts = (count, min_len, max_len, key, style.value, corpus, seed, mid_word)
                    n, out = _gen_plain(*opts, out, force, lang or [])
        except Interrupted as exc:  # written in full, or left as it was: the exception knows
            info("stopped: nothing written" if to_stdout else exc.outcome(out))
            raise typer.Exit(128 + exc.signum) from None
        if to_stdout:  # the pairs are the result: no path to print
            _copy_to_stdout(out)
            info(f"wrote {_pairs(n)} to stdout", quiet)
            return
    info(f"wrote {_pairs(n)} to {out}", quiet)
    print(out)


def _pairs(n: int) -> str:
    return f"{n:,} pair" + ("" if n == 1 else "s")


#: ``--out`` value that sends the pairs to stdout instead of a file.
STDOUT = "-"


@contextlib.contextmanager
def _scratch_file(wanted: bool) -> Iterator[Path]:
    """A file in a temporary folder, removed afterwards (``--out -``: the pairs are made there,
    as for a file, then copied to stdout); a placeholder when not ``wanted``."""
    if not wanted:
        yield Path(STDOUT)
        return
    try:
        scratch = tempfile.TemporaryDirectory(prefix="caesar-rnn-")
    except OSError as exc:
        raise CaesarRNNError(
            f"cannot make a scratch folder for the pairs: {exc.strerror or exc}"
        ) from None
    with scratch as tmp:
        yield Path(tmp) / "pairs.jsonl"


def _copy_to_stdout(path: Path) -> None:
    sys.stdout.flush()
    with path.open(encoding="utf-8") as f:
        for line in f:
            sys.stdout.write(line)
    sys.stdout.flush()


#: Options that describe one kind of pair; with none of them, gen-data draws the default mix.
SINGLE_PART = ("min_len", "max_len", "shift", "style", "corpus", "lang", "mid_word")


def _gen_mix(out: Path, count: int, seed: int, force: bool) -> tuple[int, Path]:
    from caesar_rnn.data.mix import make_pairs

    cfg = DataConfig(str(out), count, seed)
    return make_pairs(cfg, force=force), out


def _gen_plain(
    count: int, min_len: int, max_len: int, shift: int | None, style: str,
    corpus: list[Path] | None, seed: int, mid_word: float, out: Path, force: bool,
    langs: list[str],
) -> tuple[int, Path]:  # fmt: skip
    from caesar_rnn.data.generate import generate, write_jsonl

    records = generate(count, min_len, max_len, shift, style, corpus or [], seed, mid_word, langs)
    first = next(records)  # surfaces option and corpus errors before the file is touched

    def all_records() -> Iterator[dict[str, object]]:
        yield first
        yield from records

    return write_jsonl(all_records(), out, force=force), out


def _gen_recipe(
    ctx: typer.Context, recipe: Path, out: Path, count: int, seed: int, force: bool
) -> tuple[int, Path]:
    from dataclasses import replace

    from caesar_rnn.config import load_recipe
    from caesar_rnn.data.mix import make_pairs

    mixed = [n for n in SINGLE_PART if given(ctx, n)]
    if mixed:
        raise CaesarRNNError(
            f"--recipe sets the mix; --{mixed[0].replace('_', '-')} cannot change it"
        )
    cfg = load_recipe(recipe).data
    changes: dict[str, Any] = {"out": str(out), "count": count, "seed": seed}
    cfg = replace(cfg, **{k: v for k, v in changes.items() if given(ctx, k)})
    return make_pairs(cfg, force=force), Path(cfg.out)
