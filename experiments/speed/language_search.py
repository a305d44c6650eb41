"""decrypt's language step: every (language, shift) pair scored against the pruned search
(``caesar_rnn.classical.langsearch``), in one process, alternating, on the same messages.

    python experiments/speed/language_search.py                    # bench file + 12 languages
    python experiments/speed/language_search.py --files a.txt b.txt

Prints, per input: messages, the share of the 27 x 26 pairs the search scored exactly (the
envelope's best shift in every language, the pairs its bound leaves, the winners' 26 shifts),
the median seconds of each way over --repeat rounds (4,096 messages a call, as ``decrypt``
sends them), and whether every decision and score was the same (it must be).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from caesar_rnn.classical import langsearch
from caesar_rnn.classical.multilang import language_scores
from caesar_rnn.data.generate import _trim_letters, generate
from caesar_rnn.decoding.language import ENGLISH_PRIOR, LONG
from caesar_rnn.languages import CODES

LANGS = ("de", "fr", "es", "it", "pt", "nl", "pl", "cs", "fi", "sv", "tr", "id")
CHUNK = 4096


def every_pair(heads: list[str], off: np.ndarray, want: np.ndarray) -> list[np.ndarray]:
    """The decision as decrypt took it before: all pairs scored, then the argmax."""
    out = []
    for a in range(0, len(heads), CHUNK):
        s = language_scores(heads[a : a + CHUNK], CODES)
        lang = (s + off[:, None, None]).max(axis=2).argmax(axis=0)
        out += [lang, s[lang, np.arange(s.shape[1])]]
    return out


def searched(heads: list[str], off: np.ndarray, want: np.ndarray) -> list[np.ndarray]:
    out = []
    for a in range(0, len(heads), CHUNK):
        b = langsearch.best_languages(heads[a : a + CHUNK], CODES, off, rows=want)
        out += [b.language, b.scores]
    return out


def scored_share(heads: list[str], off: np.ndarray, want: np.ndarray) -> float:
    """Pairs scored exactly by the search / all pairs of the messages it searched."""
    done = [0, 0]
    chains, search = langsearch.Chains, langsearch._search

    def count(n: int) -> None:
        done[0] += n

    class Counted(chains):
        def exact(self, ls, bs, ss, k=None):  # type: ignore[no-untyped-def]
            count(len(ls))
            return super().exact(ls, bs, ss, k) if k else super().exact(ls, bs, ss)

        def every_language(self, bs, ss):  # type: ignore[no-untyped-def]
            count(len(bs) * len(CODES))
            return super().every_language(bs, ss)

        def every_shift(self, lang, bs):  # type: ignore[no-untyped-def]
            count(len(bs) * 26)
            return super().every_shift(lang, bs)

    def spy(out, part, *rest):  # type: ignore[no-untyped-def]
        done[1] += len(part) * len(CODES) * 26
        return search(out, part, *rest)

    langsearch.Chains, langsearch._search = Counted, spy  # type: ignore[misc]
    try:
        searched(heads, off, want)
    finally:
        langsearch.Chains, langsearch._search = chains, search  # type: ignore[misc]
    return done[0] / max(done[1], 1)


def same(a: list[np.ndarray], b: list[np.ndarray], want: np.ndarray) -> bool:
    for i in range(0, len(a), 2):
        keep = want[a[i]]
        ok = np.array_equal(a[i], b[i]) and np.array_equal(a[i + 1][keep], b[i + 1][keep])
        if not ok:
            return False
    return True


def inputs(args: argparse.Namespace, tmp: Path) -> dict[str, list[str]]:
    if args.files:
        return {Path(f).name: Path(f).read_text().splitlines() for f in args.files}
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    from bench import make_messages

    make_messages(tmp / "msgs.txt", tmp / "plain.txt", args.lines)
    recs = generate(args.lines // 2, 4, 64, None, "natural", (), 1, 0.0, LANGS)
    return {
        f"bench file ({args.lines:,} English lines)": (tmp / "msgs.txt").read_text().splitlines(),
        f"{args.lines // 2:,} lines of {len(LANGS)} languages": [
            str(r["ciphertext"]) for r in recs
        ],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", nargs="*", default=[])
    ap.add_argument("--lines", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    off = np.array([ENGLISH_PRIOR if c == "en" else 0.0 for c in CODES])
    want = np.array([c != "en" for c in CODES])
    print("| input | pairs scored exactly | every pair | search | same |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, lines in inputs(args, Path(tmp)).items():
            heads = [_trim_letters(m, LONG) for m in lines]
            searched(heads[:CHUNK], off, want)  # tables built before any timing
            times: dict[str, list[float]] = {"every": [], "search": []}
            got: dict[str, list[np.ndarray]] = {}
            for _ in range(args.repeat):
                for what, fn in (("every", every_pair), ("search", searched)):
                    t = time.perf_counter()
                    got[what] = fn(heads, off, want)
                    times[what].append(time.perf_counter() - t)
            ok = same(got["every"], got["search"], want)
            e, s = (statistics.median(times[k]) for k in ("every", "search"))
            share = scored_share(heads, off, want)
            print(f"| {name} | {share:.1%} | {e:.2f} s | {s:.2f} s ({e / s:.1f}x) | {ok} |")


if __name__ == "__main__":
    main()
