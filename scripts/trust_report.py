"""How far the key decode's confidence and English verdict can be trusted: before (the raw
softmax share of the 26 shifts, no verdict) and after (the model's calibration.json, fitted by
scripts/calibrate.py on other text), on text the calibration never saw.

Sets: the held-out English texts (the three novels in ../shared/corpora, the licences in
/usr/share/common-licenses), each in both styles, cut at word starts and inside words; random
a-z strings (letters only, and as space-separated "words"); the UD dev texts of other languages
(../shared/corpora/ud-dev). Writes docs/calibration.md, docs/calibration.json and the
reliability diagram docs/calibration.png.

    .venv/bin/python scripts/trust_report.py --shared ../shared          # about 10 min, 2 cores
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from calibrate import measure  # noqa: E402

from caesar_rnn.cipher import encrypt  # noqa: E402
from caesar_rnn.data.corpus import TextCorpus  # noqa: E402
from caesar_rnn.decoding.backends import load_backend  # noqa: E402
from caesar_rnn.decoding.calibration import (  # noqa: E402
    expected_calibration_error,
    load_calibration,
    reliability,
)
from caesar_rnn.decoding.decode import judge  # noqa: E402
from caesar_rnn.evaluation.evaluate import Message, sample_messages  # noqa: E402
from caesar_rnn.store import shipped_model_dir  # noqa: E402

LENGTHS = (4, 6, 8, 10, 12, 16, 24, 32, 64)
RANDOM_LENGTHS = (4, 5, 6, 7, 8, 10, 12, 16, 24, 32, 64)
HIGH = 0.99


def random_messages(per_length: int, seed: int) -> list[Message]:
    """Random a-z strings: letters only, and cut into random 'words' of 1-8 letters."""
    rng = random.Random(seed)
    out = []
    for style in ("letters", "natural"):
        for n in RANDOM_LENGTHS:
            for _ in range(per_length):
                s = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))
                if style == "natural":
                    cuts = sorted(rng.sample(range(1, n), min(n - 1, max(0, n // 5))))
                    s = " ".join(s[a:b] for a, b in zip([0, *cuts], [*cuts, n], strict=True))
                k = rng.randrange(26)
                out.append(Message(style, n, s, encrypt(s, k), k))
    return out


def scores(conf: np.ndarray, right: np.ndarray) -> dict[str, Any]:
    high = conf >= HIGH
    wrong = ~right
    return {
        "ece": round(expected_calibration_error(conf, right), 4),
        "high_share": round(float(high.mean()), 4),
        "exact_at_high": round(float(right[high].mean()), 5) if high.any() else None,
        "wrong": int(wrong.sum()),
        "wrong_at_high": int((wrong & high).sum()),
    }


def assess(msgs: list[Message], backend: Any, cal: Any) -> dict[str, Any]:
    ev, right = measure(msgs, backend)
    before, _, _ = judge(ev, None)
    after, english, _ = judge(ev, cal)
    assert english is not None
    n = ev.letters
    flags = {
        f"flagged_{lo}_{hi}": round(float((~english[(n >= lo) & (n <= hi)]).mean()), 4)
        for lo, hi in ((4, 7), (8, 11), (12, 999), (8, 999))
        if ((n >= lo) & (n <= hi)).any()
    }
    return {
        "messages": len(msgs),
        "exact": round(float(right.mean()), 4),
        "before": scores(before, right),
        "after": scores(after, right),
        **flags,
        "_arrays": (before, after, right),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, required=True, help="the folder holding corpora/")
    ap.add_argument("--model", type=Path, default=shipped_model_dir())
    ap.add_argument("--per-length", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=Path("docs"))
    args = ap.parse_args(argv)
    backend, cal = load_backend(args.model), load_calibration(args.model)
    if cal is None:
        raise SystemExit(f"{args.model} has no calibration.json: run scripts/calibrate.py")
    corpora = args.shared / "corpora"
    english = {
        "novels": sorted(corpora.glob("*.txt")),
        "licenses": sorted(Path("/usr/share/common-licenses").glob("*")),
    }
    results: dict[str, Any] = {}
    pooled: list[tuple[np.ndarray, ...]] = []
    for name, files in english.items():
        text = TextCorpus.from_files([f for f in files if f.is_file()])
        for cut, mid in (("word starts", 0.0), ("inside words", 1.0)):
            for style in ("letters", "natural"):
                msgs = sample_messages(text, args.per_length, LENGTHS, (style,), args.seed, mid)
                r = assess(msgs, backend, cal)
                pooled.append(r.pop("_arrays"))
                results[f"{name} / {style} / {cut}"] = r
                print(name, style, cut, r, file=sys.stderr, flush=True)
    r = assess(random_messages(args.per_length, args.seed), backend, cal)
    r.pop("_arrays")
    results["random a-z"] = r
    for lang in sorted((corpora / "ud-dev").glob("*.txt")):
        msgs = sample_messages(
            TextCorpus.from_files([lang]),
            args.per_length // 2,
            LENGTHS,
            ("natural",),
            args.seed,
            0.0,
        )
        r = assess(msgs, backend, cal)
        r.pop("_arrays")
        results[f"ud-dev {lang.stem}"] = r
        print(lang.stem, r, file=sys.stderr, flush=True)
    before, after, right = (np.concatenate(x) for x in zip(*pooled, strict=True))
    results["all held-out English"] = {
        "before": scores(before, right),
        "after": scores(after, right),
    }
    args.out.mkdir(exist_ok=True)
    (args.out / "calibration.json").write_text(json.dumps(results, indent=1) + "\n")
    plot(before, after, right, args.out / "calibration.png")
    write_markdown(results, args, args.out / "calibration.md")
    return 0


def plot(before: np.ndarray, after: np.ndarray, right: np.ndarray, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--", label="perfect calibration")
    for conf, label in ((before, "before: softmax share"), (after, "after: calibrated")):
        pts = reliability(conf, right)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=3, label=label)
    ax.set_xlabel("confidence (mean in each 0.05 bin)")
    ax.set_ylabel("share exactly right")
    ax.set_title(f"key decode, {len(right)} held-out English messages")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def write_markdown(results: dict[str, Any], args: argparse.Namespace, path: Path) -> None:
    lines = [
        "# Calibration and the English verdict",
        "",
        "Generated by `scripts/trust_report.py "
        f"--per-length {args.per_length} --seed {args.seed}` (do not edit by hand). "
        "Before: `confidence` was the softmax share of the best of the 26 shifts and nothing "
        "was flagged; after: the shipped `calibration.json` (fitted by `scripts/calibrate.py` on "
        "Python's documentation prose, none of these texts). High = confidence >= 0.99.",
        "",
        "![reliability diagram](calibration.png)",
        "",
        "| set | msgs | exact | ECE before | ECE after | exact at high, before | after "
        "| wrong at high / wrong, before | after | flagged 4-7 | 8-11 | 12+ |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, r in results.items():
        if "messages" not in r:
            continue
        b, a = r["before"], r["after"]
        lines.append(
            f"| {name} | {r['messages']} | {r['exact']:.3f} | {b['ece']:.4f} | {a['ece']:.4f} "
            f"| {b['exact_at_high']} | {a['exact_at_high']} "
            f"| {b['wrong_at_high']} / {b['wrong']} | {a['wrong_at_high']} / {a['wrong']} "
            f"| {r.get('flagged_4_7', '-')} | {r.get('flagged_8_11', '-')} "
            f"| {r.get('flagged_12_999', '-')} |"
        )
    b, a = results["all held-out English"]["before"], results["all held-out English"]["after"]
    lines += [
        "",
        f"All held-out English pooled: ECE {b['ece']} -> {a['ece']}; exactly right among "
        f"high-confidence answers {b['exact_at_high']} -> {a['exact_at_high']}; wrong answers "
        f"with high confidence {b['wrong_at_high']} of {b['wrong']} -> "
        f"{a['wrong_at_high']} of {a['wrong']}.",
        "",
    ]
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
