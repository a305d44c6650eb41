"""Cache what the calibration and verdict studies need, per message set: the key decode's evidence,
whether its answer was right, and the words cracker's per-letter score of two candidate readings
(the model's best shift and the quadgram's best shift). One .npz per set under --out.

    nice -n 10 .venv/bin/python experiments/trust/cache.py --shared /work/shared --out /tmp/trustcache
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from calibrate import TUNE_LENGTHS, measure, random_messages  # noqa: E402
from trust_report import LENGTHS, RANDOM_LENGTHS  # noqa: E402
from tuning_text import tuning_words  # noqa: E402

from caesar_rnn.cipher import decrypt  # noqa: E402
from caesar_rnn.classical.crackers import ngram_scores  # noqa: E402
from caesar_rnn.classical.words import segmenter  # noqa: E402
from caesar_rnn.data.corpus import TextCorpus  # noqa: E402
from caesar_rnn.decoding.backends import load_backend  # noqa: E402
from caesar_rnn.evaluation.evaluate import sample_messages  # noqa: E402
from caesar_rnn.store import shipped_model_dir  # noqa: E402


def corpus_of(words: list[str]) -> TextCorpus:
    from calibrate import corpus_from_text

    return corpus_from_text(" ".join(words))


def message_sets(shared: Path, per_length: int, seed: int) -> dict[str, list]:
    out: dict[str, list] = {}
    corpora = shared / "corpora"
    english = {
        "novels": sorted(corpora.glob("*.txt")),
        "licenses": sorted(p for p in Path("/usr/share/common-licenses").glob("*") if p.is_file()),
    }
    for name, files in english.items():
        text = TextCorpus.from_files(files)
        for cut, mid in (("ws", 0.0), ("mid", 1.0)):
            for style in ("letters", "natural"):
                out[f"{name}-{style}-{cut}"] = sample_messages(
                    text, per_length, LENGTHS, (style,), seed, mid
                )
    out["random"] = random_messages(RANDOM_LENGTHS, per_length, seed)
    for lang in sorted((corpora / "ud-dev").glob("*.txt")):
        out[f"ud-{lang.stem}"] = sample_messages(
            TextCorpus.from_files([lang]), per_length // 2, LENGTHS, ("natural",), seed, 0.0
        )
    for src, words in tuning_words().items():
        for style in ("letters", "natural"):
            out[f"tune-{src}-{style}"] = sample_messages(
                corpus_of(words), per_length, TUNE_LENGTHS, (style,), 1, 0.5
            )
    return out


def words_per_letter(msgs: list, shifts: np.ndarray) -> np.ndarray:
    seg = segmenter()
    return np.array(
        [
            seg.score(decrypt(m.ciphertext, int(k))) / max(m.n, 1)
            for m, k in zip(msgs, shifts, strict=True)
        ]
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--per-length", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    backend = load_backend(shipped_model_dir())
    for name, msgs in message_sets(args.shared, args.per_length, args.seed).items():
        if args.only and not name.startswith(args.only):
            continue
        path = args.out / f"{name}.npz"
        if path.exists():
            old = dict(np.load(path))
            if "quad" not in old:  # caches from before the full quadgram table was kept
                old["quad"] = ngram_scores([m.ciphertext for m in msgs])
                np.savez(path, **old)
            continue
        t0 = time.perf_counter()
        ev, right = measure(msgs, backend)
        model_best = ev.scores.argmax(axis=1)
        quad = ngram_scores([m.ciphertext for m in msgs])
        quad_best = quad.argmax(axis=1)
        t1 = time.perf_counter()
        w_model = words_per_letter(msgs, model_best)
        same = quad_best == model_best
        w_quad = w_model.copy()
        w_quad[~same] = words_per_letter(
            [m for m, s in zip(msgs, same, strict=True) if not s], quad_best[~same]
        )
        t2 = time.perf_counter()
        np.savez(
            args.out / f"{name}.npz",
            scores=ev.scores,
            letters=ev.letters,
            scored=ev.scored,
            natural=ev.natural,
            english=ev.english,
            right=right,
            shift=np.array([m.shift for m in msgs]),
            n=np.array([m.n for m in msgs]),
            words_model=w_model,
            words_quad=w_quad,
            quad_best=quad_best,
            chars=np.array([len(m.ciphertext) for m in msgs]),
            quad=quad,
        )
        print(
            f"{name}: {len(msgs)} msgs, {right.mean():.4f} exact, model {t1 - t0:.1f} s, "
            f"words {t2 - t1:.1f} s",
            file=sys.stderr,
            flush=True,
        )


if __name__ == "__main__":
    main()
