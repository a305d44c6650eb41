"""Cache the key decode's evidence on the held-out English sets of scripts/trust_report.py (the
same sets, lengths and sampling) at a larger sample, so that a calibration table can be judged on
them many times without running the model again (heldout_ece.py). Nothing is fitted on these.

    nice -n 10 .venv/bin/python experiments/trust/heldout_cache.py --shared /work/shared \
        --out /tmp/trustheld --per-length 2000 --seed 7 --only novels-letters-mid
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from calibrate import measure  # noqa: E402
from trust_report import LENGTHS  # noqa: E402

from caesar_rnn.data.corpus import TextCorpus  # noqa: E402
from caesar_rnn.decoding.backends import load_backend  # noqa: E402
from caesar_rnn.evaluation.evaluate import sample_messages  # noqa: E402
from caesar_rnn.store import shipped_model_dir  # noqa: E402


def english_sets(shared: Path) -> dict[str, list[Path]]:
    return {
        "novels": sorted((shared / "corpora").glob("*.txt")),
        "licenses": sorted(p for p in Path("/usr/share/common-licenses").glob("*") if p.is_file()),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--per-length", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--only", nargs="*", default=[], help="set names (e.g. novels-letters-mid)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    backend = load_backend(shipped_model_dir())
    for name, files in english_sets(args.shared).items():
        text = TextCorpus.from_files(files)
        for cut, mid in (("ws", 0.0), ("mid", 1.0)):
            for style in ("letters", "natural"):
                key = f"{name}-{style}-{cut}"
                path = args.out / f"{key}-{args.per_length}-s{args.seed}.npz"
                if (args.only and key not in args.only) or path.exists():
                    continue
                t0 = time.perf_counter()
                msgs = sample_messages(text, args.per_length, LENGTHS, (style,), args.seed, mid)
                ev, right = measure(msgs, backend)
                np.savez(
                    path,
                    scores=ev.scores,
                    letters=ev.letters,
                    scored=ev.scored,
                    natural=ev.natural,
                    english=ev.english,
                    right=right,
                    texts=np.array([m.ciphertext for m in msgs]),
                )
                print(f"{key}: {len(msgs)} msgs, {right.mean():.4f} exact, "
                      f"{time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
