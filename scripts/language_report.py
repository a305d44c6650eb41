"""Accuracy by language: the English-only model and English quadgram (before) beside the
per-language quadgram crack and decrypt's language step (after); writes docs/languages.md + .json.

    python scripts/language_report.py ../shared/corpora/ud-dev --english ../shared/corpora/*.txt

Each ``CODE.txt`` of the folder is held-out text in that language (evaluation only, never
trained on); ``--english`` texts are English. Per language, length and style ``--per-bucket``
messages (cut at word starts, a random key each; the letters style folds accented letters to
a-z, the natural style keeps them, unshifted); every solver gets the same messages
(``caesar_rnn.evaluation``: key, ngram, ngram-lang, ngram-auto, decrypt). Takes ~5 minutes on
2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.decoding.language import ENGLISH_PRIOR
from caesar_rnn.evaluation.evaluate import STYLES, evaluate, make_solvers, sample_messages
from caesar_rnn.files import atomic_write_text
from caesar_rnn.languages import NAMES
from caesar_rnn.store import resolve_model_dir

SOLVERS = ("key", "ngram", "ngram-lang", "ngram-auto", "decrypt")
LENGTHS = (4, 8, 16, 32, 64)
SHORT = {
    "model key": "model (English only)",
    "ngram": "quadgram, English",
    "ngram given language": "quadgram, language given",
    "ngram auto": "quadgram, language found",
    "decrypt": "**decrypt** (model + language)",
}
NAMED = ("ngram auto", "decrypt")


def measure(texts: dict[str, list[Path]], per_bucket: int, seed: int) -> list[dict[str, Any]]:
    model_dir = resolve_model_dir("shipped")
    rows: list[dict[str, Any]] = []
    for code, paths in texts.items():
        solvers = make_solvers(SOLVERS, model_dir, "cpu", code)
        corpus = TextCorpus.from_files(paths)
        msgs = sample_messages(corpus, per_bucket, LENGTHS, STYLES, seed, fold_letters=True)
        print(f"{code}: {len(msgs)} messages", file=sys.stderr, flush=True)
        rows += evaluate(msgs, solvers, code)
    return rows


def cells(rows: list[dict[str, Any]], key: str) -> dict[tuple[str, str, str, int], float]:
    return {
        (r["language"], r["solver"], r["style"], r["letters"]): r[key] for r in rows if key in r
    }


def pooled(c: dict[tuple[str, str, str, int], float], langs: list[str], solver: str, style: str,
           n: int) -> float:  # fmt: skip
    vals = [c[(lang, solver, style, n)] for lang in langs]
    return sum(vals) / len(vals)


def fmt(x: float) -> str:
    return f"{100 * x:.1f}"


def tables(rows: list[dict[str, Any]]) -> list[str]:
    exact, named = cells(rows, "exact"), cells(rows, "language_acc")
    langs = list(dict.fromkeys(r["language"] for r in rows))
    others = [lang for lang in langs if lang != "en"]
    head = "| | " + " | ".join(f"{n}" for n in LENGTHS) + " |"
    rule = "|---|" + "--:|" * len(LENGTHS)
    out = [f"## The {len(others)} languages pooled: exact-message accuracy (%)", ""]
    for style in STYLES:
        out += [f"**{style}**", "", head, rule]
        for s in SOLVERS_LABELS:
            vals = [fmt(pooled(exact, others, s, style, n)) for n in LENGTHS]
            out.append(f"| {SHORT[s]} | " + " | ".join(vals) + " |")
        out.append("")
    out += [
        "## Language named correctly (%)",
        "",
        "Pooled over the languages above, and English:",
        "",
    ]
    out += [
        "| | style | " + " | ".join(map(str, LENGTHS)) + " |",
        "|---|---|" + "--:|" * len(LENGTHS),
    ]
    for s in NAMED:
        for style in STYLES:
            vals = [fmt(pooled(named, others, s, style, n)) for n in LENGTHS]
            en = [fmt(named[("en", s, style, n)]) for n in LENGTHS] if "en" in langs else []
            out.append(f"| {SHORT[s]} | {style} | " + " | ".join(vals) + " |")
            if en:
                out.append(f"| {SHORT[s]}, English | {style} | " + " | ".join(en) + " |")
    out += ["", "## By language: exact-message accuracy (%)", ""]
    for style in STYLES:
        out += [f"### {style}", "", "| language | solver | " + " | ".join(map(str, LENGTHS))
                + " | named, 16 |", "|---|---|" + "--:|" * (len(LENGTHS) + 1)]  # fmt: skip
        for lang in langs:
            for s in SOLVERS_LABELS:
                vals = [fmt(exact[(lang, s, style, n)]) for n in LENGTHS]
                nm = named.get((lang, s, style, 16))
                tail = fmt(nm) if nm is not None and s in NAMED else ""
                out.append(f"| {NAMES[lang]} | {SHORT[s]} | " + " | ".join(vals) + f" | {tail} |")
        out.append("")
    return out


SOLVERS_LABELS = tuple(SHORT)
SHOWN = (8, 16, 32)


def confusions(rows: list[dict[str, Any]], solver: str = "decrypt", least: int = 16) -> list[str]:
    """The languages named instead of each one, from ``least`` letters, both styles."""
    wrong: dict[str, Counter[str]] = {}
    for r in rows:
        if r["solver"] == solver and r["letters"] >= least and "language_wrong" in r:
            wrong.setdefault(r["language"], Counter()).update(r["language_wrong"])
    out = [f"## Which language was named instead ({SHORT[solver]}, from {least} letters)", "",
           "Messages of each language named as another (both styles, all lengths from "
           f"{least}), the commonest first:", ""]  # fmt: skip
    for lang, c in wrong.items():
        items = ", ".join(f"{NAMES[k]} {v}" for k, v in c.most_common(5)) or "none"
        out.append(f"- {NAMES[lang]}: {items}")
    return [*out, ""]


def before_after(before: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[str]:
    """Per language and style: decrypt's language named and exact %, before -> after, beside
    the quadgram crack with the language given."""
    b_named, a_named = cells(before, "language_acc"), cells(rows, "language_acc")
    b_exact, a_exact = cells(before, "exact"), cells(rows, "exact")
    langs = list(dict.fromkeys(r["language"] for r in rows))
    cols = " | ".join(f"{n}" for n in SHOWN)
    out = ["## decrypt before and after naming with accents and words (%)", "",
           "Before: the letter chain alone (the rows of `experiments/non-english/"
           "languages-before.json`); after: this report. Cells: before → after.", "",
           f"| language | style | named {cols} | exact {cols} | quadgram, language given, exact "
           f"{cols} |", "|---|---|" + "--:|" * (3 * len(SHOWN))]  # fmt: skip
    g = "ngram given language"
    for lang in langs:
        for style in STYLES:
            k = [(lang, "decrypt", style, n) for n in SHOWN]
            named = [f"{fmt(b_named[x])} → {fmt(a_named[x])}" for x in k]
            exact = [f"{fmt(b_exact[x])} → {fmt(a_exact[x])}" for x in k]
            quad = [fmt(a_exact[(lang, g, style, n)]) for n in SHOWN]
            out.append(f"| {NAMES[lang]} | {style} | " + " | ".join(named + exact + quad) + " |")
    return [*out, ""]


LIMITS = """## Limits and what remains

- **The model is English only.** Every gain above comes from the classical per-language crack
  that decrypt falls back to; no model is trained on other languages yet (`gen-data --lang`
  makes the data). The confidence of a fallback reading is its share of the 26 shifts'
  likelihoods, not calibrated.
- **Telling close languages apart.** Accents and words leave the closest relatives: Indonesian
  is named Malay in about a fifth of its messages (their word lists share their common
  words), Spanish / Portuguese / Catalan, Czech / Slovak in fewer (the list above). Naming the
  more common of two relatives on a near tie, or per-language offsets, measured on generated
  text of all 27 languages, did not help there (experiments/non-english/README.md). The key is
  right far more often than the language name, since relatives read the same shift.
- **Four letters** are mostly too few to leave English: decrypt keeps the model's answer unless
  another language is 1,000 times likelier, which costs the other languages most at 4 letters
  (the quadgram crack with the language given is far ahead there).
- **Repetitive text.** The letter chain can prefer a wrong key of a short repeated text
  (`hello` repeated reads likelier as `lipps` repeated); from 64 letters decrypt keeps the
  model's key and only names the language.
- **Bulk speed.** Scoring every message in 27 languages costs about 0.13 ms of CPU a message
  (0.7 s for 5,000 messages of 8-40 letters, ~15 % of the model's own time); the words add
  about a third to that (`experiments/non-english/langid_cost.py`: 0.75 -> 1.07 s for 4,800
  messages of 8-40 letters); `--lang en` skips it.
"""

HOW = """## How it works

- **Languages.** The 27 of wordfreq's word lists written in the Latin alphabet
  (`caesar_rnn/languages.py`: `en ca cs da de es fi fil fr hu id is it lt lv ms nb nl pl pt ro
  sh sk sl sv tr vi`). A Caesar cipher shifts the 26 ASCII letters only: an accented letter
  passes through unchanged (natural style), or is folded to its base letter first (letters
  style: NFKD without accents, plus ł→l, ß→ss, ø→o, æ→ae, ı→i, ...).
- **Statistics** (`caesar_rnn/classical/langgrams.py`, built by `scripts/build_ngrams.py --languages`):
  per language, the letter 1-4-grams of its wordfreq list folded to a-z, each word weighted by
  its frequency, with the n-grams across word boundaries of a unigram word walk. The package
  ships float16 1-3-gram tables and the 16,384 likeliest quadgrams per language (3.5 MB for
  26 languages); every other quadgram is the trigram chain's estimate. English keeps its own
  tables (`crack` without `--lang` is unchanged). Why this form, measured:
  [experiments/non-english](../experiments/non-english/README.md).
- **`crack --lang CODE`** ranks the 26 shifts by the letter-chain log10-likelihood in that
  language; **`--lang auto`** takes the best (shift, language) pair over all 27 and ranks the
  shifts in that language (`"language"` in `--json`, named on stderr when not English).
- **`decrypt`** runs the English model as before, then scores the message in every language:
  the letter chain, English's score raised by 10^3 (so that short English stays with the
  model), plus the accented letters the cipher left as they are (natural style), and, for the
  4 best (language, shift) pairs of messages from 6 letters, the reading's words looked up in
  the language's 20,000 commonest (`caesar_rnn/classical/langid.py`, why:
  [experiments/non-english](../experiments/non-english/README.md), "Naming the language";
  English's pair is weighed at the model's reading, its best chain score moved to the model's
  shift, round 2). English first (round 3): every language's reading at the model's key gains
  half the log10 odds of the model's calibrated confidence (where its verdict says English),
  English's head start is 10^4 at 6-7 letters, and a reading at another key replaces an answer
  the model reads as English only if its words score at least as well in its language as the
  model's reading's in English. When the best pair is English, the model's answer stands (`"language": "en"`); when
  another language wins, its quadgram reading replaces the model's (`"decode": "ngram"`,
  `"calibrated": false`, confidence the reading's share of the 26 shifts' likelihoods; the
  English verdict `"english"` is the model's, unchanged). `--lang CODE` gives the language
  (`en`: the model alone). No model is trained on other languages yet.
- **`gen-data --lang CODE`** (repeatable) writes training pairs in those languages: a unigram
  walk over wordfreq's list (one language per pair; English walks its own word-pair chain);
  natural style keeps accents, letters style folds them.
- **`eval --corpus FILE --lang CODE`** folds the letters style, adds the solvers `decrypt`,
  `ngram-lang`, `ngram-auto`, and a table of how often each named the language.
"""


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="CODE.txt files of held-out text per language")
    ap.add_argument("--english", nargs="*", default=[], help="held-out English texts")
    ap.add_argument("--per-bucket", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--md", default="docs/languages.md")
    ap.add_argument("--rows", type=Path, help="re-render the rows of an earlier run's .json")
    ap.add_argument("--before", type=Path, help="an earlier run's .json, shown beside this one")
    args = ap.parse_args(argv)
    texts = {p.stem: [p] for p in sorted(args.folder.glob("*.txt")) if p.stem in NAMES}
    if args.english:
        texts["en"] = [Path(p) for p in args.english]
    t0 = time.perf_counter()
    if args.rows:
        rows = json.loads(args.rows.read_text())
    else:
        rows = measure(texts, args.per_bucket, args.seed)
    cmd = (
        f"python scripts/language_report.py {args.folder} "
        + (f"--english {' '.join(args.english)} " if args.english else "")
        + f"--per-bucket {args.per_bucket} --seed {args.seed}"
        + (f" --before {args.before}" if args.before else "")
    )
    before = json.loads(args.before.read_text()) if args.before else None
    md = [
        "# Accuracy by language",
        "",
        "Generated by `scripts/language_report.py`; do not edit by hand. Reproduce with:",
        "",
        f"```bash\n{cmd}\n```",
        "",
        f"- Text: {', '.join(NAMES[c] for c in texts)}; {args.per_bucket} messages per language, "
        f"length and style, cut at word starts, a random key each (seed {args.seed}); the "
        "letters style folds accented letters to a-z, the natural style keeps them (the "
        "cipher leaves them as they are). Every solver gets the same messages.",
        "- Solvers. Before: *model (English only)*, the shipped model's key decode; "
        "*quadgram, English*, `crack`. After: *quadgram, language given*, `crack --lang CODE`; "
        "*quadgram, language found*, `crack --lang auto`; **decrypt**, the `decrypt` default: "
        "the model's answer unless the text reads at least 10^"
        f"{ENGLISH_PRIOR:g} times likelier as another language (letter chain, accents, words; "
        "more where the model is sure of its key, and at 6-7 letters), "
        "then that language's quadgram crack (caesar_rnn/decoding/language.py).",
        *([] if args.rows else [f"- The whole run took {time.perf_counter() - t0:.0f} s."]),
        "",
        HOW,
        *tables(rows),
        *(before_after(before, rows) if before else []),
        *confusions(rows),
        LIMITS,
    ]
    atomic_write_text(args.md, "\n".join(md) + "\n")
    atomic_write_text(Path(args.md).with_suffix(".json"), json.dumps(rows, indent=1) + "\n")
    print(args.md)


if __name__ == "__main__":
    main()
