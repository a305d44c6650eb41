"""Accuracy on held-out English texts, every solver side by side: writes docs/accuracy.md + .png.

    python scripts/accuracy_report.py ../shared/corpora/*.txt /usr/share/common-licenses/GPL-3

Each text gets ``--per-bucket`` messages per length bucket and style (``caesar_rnn.evaluation.evaluate``:
cut at word starts, a random key each); every solver decrypts the same messages. The Markdown
holds the pooled tables (exact-message and per-char accuracy, messages/s), then one exact table
per text; the chart plots pooled exact accuracy against length. Takes a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# One BLAS thread, set before NumPy loads: a two-thread matrix product stalls on a busy machine,
# and messages/s is then single-core for every solver.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.evaluation.evaluate import (
    BUCKETS,
    DEFAULT_SOLVERS,
    STYLES,
    evaluate,
    make_solvers,
    sample_messages,
)
from caesar_rnn.evaluation.report import plot, pool, speeds
from caesar_rnn.files import atomic_write_text
from caesar_rnn.store import load_meta, resolve_model_dir

HYBRID_NOTE = (
    "*hybrid model+words* (`decrypt --decode hybrid`) adds the model's key scores and four times the "
    "words cracker's (each normalised over the 26 shifts): it is **not** the neural model alone."
)
DECRYPT_NOTE = (
    " *decrypt* is what `decrypt` answers by default: the model key; from 5 letters, where its "
    "calibration rates a runner-up likelier than the model's best shift, that runner-up (the "
    "calibrated choice, `caesar_rnn/decoding/choice.py`: it reads the calibration's quadgram and "
    "words evidence, so this column is no longer the model alone); then the language step "
    "(docs/languages.md), which replaces an answer that reads likelier as another of 27 "
    "languages by that language's quadgram reading, English first (a prior on the model's key "
    "from its calibrated confidence, more evidence asked of short messages, and a reading at "
    "another key must have at least the words of the model's English reading; "
    "experiments/non-english/README.md, rounds 3 and 5)."
)
WORDS_NOTE = (
    "*words* (`crack --method words`) splits each candidate plaintext into words under word and "
    "word-pair counts (symspellpy's Google Books lists, the model's training source too, and "
    "wordfreq's common words they lack), plus half its quadgram log-likelihood "
    "(`caesar_rnn/classical/words.py`; weights chosen on Python's own documentation and Vim's "
    "user manual, experiments/words-solver/). "
)


def gap(rows: list[dict[str, Any]], model: str = "model key", ref: str = "words") -> list[str]:
    """The model's gap to the words cracker by style and length (exact-message points)."""
    cell = {(r["style"], r["letters"], r["solver"]): r["exact"] for r in rows}
    keys = list(dict.fromkeys((r["style"], r["letters"]) for r in rows))
    if not any(k[2] == ref for k in cell) or not any(k[2] == model for k in cell):
        return []
    styles = list(dict.fromkeys(k[0] for k in keys))
    lengths = list(dict.fromkeys(k[1] for k in keys))
    out = [
        "## The model's gap to the words cracker (the accuracy target)",
        "",
        f"*{model}* minus *{ref}*, exact-message accuracy in points (negative: the model trails):",
        "",
        "| style | " + " | ".join(map(str, lengths)) + " |",
        "|---|" + "--:|" * len(lengths),
    ]
    worst: list[str] = []
    for style in styles:
        vals = []
        for n in lengths:
            d = 100 * (cell.get((style, n, model), 0.0) - cell.get((style, n, ref), 0.0))
            vals.append(f"{d:+.1f}")
            if d <= -0.5:
                worst.append(f"{style} {n} letters ({d:+.1f})")
        out.append(f"| {style} | " + " | ".join(vals) + " |")
    trails = "; ".join(worst) if worst else "nowhere by half a point or more"
    out += ["", f"The model trails the words cracker by half a point or more at: {trails}.", ""]
    return out


def table(rows: list[dict[str, Any]], metric: str, with_speed: bool = False) -> list[str]:
    solvers = list(dict.fromkeys(r["solver"] for r in rows))
    cell = {(r["style"], r["letters"], r["solver"]): r for r in rows}
    keys = list(dict.fromkeys((r["style"], r["letters"]) for r in rows))
    out = [
        "| style | letters | messages | " + " | ".join(solvers) + " |",
        "|---|--:|--:|" + "--:|" * len(solvers),
    ]
    for style, n in keys:
        cs = [cell.get((style, n, s)) for s in solvers]
        msgs = next(c["messages"] for c in cs if c)
        vals = [f"{100 * c[metric]:.1f}" if c else "-" for c in cs]
        out.append(f"| {style} | {n} | {msgs} | " + " | ".join(vals) + " |")
    if with_speed:
        sp = speeds(rows)
        out.append("| **msgs/s** | | | " + " | ".join(f"{sp[s]:,.0f}" for s in solvers) + " |")
    return out


def describe_model(model_dir: Path) -> str:
    meta = load_meta(model_dir)
    m = meta.model
    digest = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()[:12]
    parts = [f"{k}={v}" for k, v in vars(m).items()]
    return f"`{model_dir}` ({', '.join(parts)}; weights sha256 {digest}…)"


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("texts", nargs="+", help="held-out English text files (not trained on)")
    ap.add_argument("--model", default=None, help="model dir (default: as `caesar-rnn decrypt`)")
    ap.add_argument("--solvers", default=",".join((*DEFAULT_SOLVERS, "hybrid")))
    ap.add_argument("--per-bucket", type=int, default=200)
    ap.add_argument("--buckets", default=",".join(map(str, BUCKETS)))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--mid-word",
        type=float,
        default=0.0,
        help="share of messages that start 1-8 letters inside a word (0: all at word starts)",
    )
    ap.add_argument("--md", default="docs/accuracy.md")
    ap.add_argument("--png", default="docs/accuracy.png")
    ap.add_argument("--json", dest="json_out", default=None, help="also write all rows as JSON")
    ap.add_argument("--note", default="", help="a line for the report, e.g. which model this is")
    args = ap.parse_args(argv)
    buckets = [int(b) for b in args.buckets.split(",")]
    names = [s for s in args.solvers.split(",") if s]
    model_dir = resolve_model_dir(args.model)
    solvers = make_solvers(names, model_dir)

    t0 = time.perf_counter()
    per_text: dict[str, list[dict[str, Any]]] = {}
    sources = []
    for path in args.texts:
        corpus = TextCorpus.from_files([path])
        msgs = sample_messages(corpus, args.per_bucket, buckets, STYLES, args.seed, args.mid_word)
        print(f"{path}: {len(msgs)} messages", file=sys.stderr)
        per_text[path] = evaluate(msgs, solvers)
        sources.append(f"`{path}` ({corpus.n_letters:,} letters)")
    pooled = pool(list(per_text.values()))
    elapsed = time.perf_counter() - t0

    cmd = "python scripts/accuracy_report.py " + " ".join(
        [*args.texts, *(["--model", args.model] if args.model else [])]
        + [f"--per-bucket {args.per_bucket}", f"--seed {args.seed}", f"--solvers {args.solvers}"]
        + ([f"--buckets {args.buckets}"] if buckets != list(BUCKETS) else [])
        + ([f"--mid-word {args.mid_word}"] if args.mid_word else [])
        + ([f"--md {args.md} --png {args.png}"] if args.md != "docs/accuracy.md" else [])
    )
    cut = (
        f"{100 * args.mid_word:.0f} % of them starting 1-8 letters inside a word (the rest at a "
        "word start), each"
        if args.mid_word
        else "cut at word starts"
    )
    n_msgs = sum(r["messages"] for r in pooled if r["solver"] == pooled[0]["solver"])
    docs = Path(__file__).resolve().parent.parent / "docs"
    calibration = os.path.relpath(docs / "calibration.md", Path(args.md).resolve().parent)
    md = [
        "# Accuracy on held-out English" + (", messages cut inside words" if args.mid_word else ""),
        "",
        *([f"> {args.note}", ""] if args.note else []),
        "Generated by `scripts/accuracy_report.py`; do not edit by hand. Reproduce with:",
        "",
        f"```bash\n{cmd}\n```",
        "",
        f"- Model: {describe_model(model_dir)}",
        "- Texts (none of them is in the training data, which is a walk over word-pair counts "
        "and word frequencies, docs/data.md): " + "; ".join(sources) + ".",
        f"- {args.per_bucket} messages per text, length bucket and style ({n_msgs} per solver in "
        f"all), {cut} with exactly n letters; `letters`: a-z only, `natural`: the "
        "text as written (case, spaces, punctuation). Each message has a random key; every "
        f"solver gets the same messages. Seed {args.seed}.",
        "- Solvers: *model key* (the model's own decode, `decrypt --lang en`: one key per message, the best summed "
        "log-probability of the 26; from 8 letters on, that of a second reading without the "
        "first letter is added; behind the fast stage, `models/fast`, whose key stands only where "
        "it is decisive and the message reads as English, docs/performance.md), *model argmax* (the per-letter argmax; from 8 letters on, of "
        "both readings' log-probabilities added), *chi2* (chi-squared "
        "against English letter frequencies), *ngram* (quadgram log-likelihood); both classical "
        "solvers count their statistics from the model's training source "
        "(`caesar_rnn/classical/crackers.py`). "
        + (WORDS_NOTE if "words" in names else "")
        + (HYBRID_NOTE if "hybrid" in names else "")
        + (DECRYPT_NOTE if "decrypt" in names else ""),
        f"- Machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}; the whole run took {elapsed:.0f} s. Messages/s is wall "
        "time on the CPU (NumPy forward pass for the model), so it depends on the machine and "
        "its load (one BLAS thread).",
        "",
        f"![exact-message accuracy against length]({Path(args.png).name})",
        "",
        f"How far `decrypt`'s confidence can be trusted (calibrated per style and length, ECE, "
        f"exact among answers at >= 0.99, the English verdict's flag rates by held-out set): "
        f"[calibration.md]({calibration}), whose reliability diagram is this:",
        "",
        f"![reliability diagram]({calibration.removesuffix('.md')}.png)",
        "",
        "## Exact-message accuracy (%), all texts pooled",
        "",
        *table(pooled, "exact", with_speed=True),
        "",
        *gap(pooled),
        "## Per-character accuracy (%), all texts pooled",
        "",
        *table(pooled, "char_acc"),
        "",
    ]
    for path, rows in per_text.items():
        md += [f"## Exact-message accuracy (%): `{Path(path).name}`", "", *table(rows, "exact"), ""]
    Path(args.md).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.md, "\n".join(md))
    plot(pooled, args.png, title=f"{len(args.texts)} held-out texts, {n_msgs} messages per solver")
    if args.json_out:
        atomic_write_text(args.json_out, json.dumps({"pooled": pooled, **per_text}, indent=1))
    print(f"wrote {args.md} and {args.png} in {elapsed:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
