"""Round 8: the words check of rounds 3 and 5 (``language._words_or_model``) for a model without a
calibration table (a model users train themselves: ``english`` is null, so the check that needs
the verdict "true" never ran). The shipped model's weights without its calibration.json stand
in for such a model.

    python experiments/non-english/uncalibrated_words_check.py ../shared/corpora/ud-dev \
        ../shared/corpora/{adventures-of-sherlock-holmes,alice-in-wonderland,tale-of-two-cities}.txt

50 messages per language (the 12 UD languages), length (8, 16, 32) and style, seed 0; English
from the three novels. Prints exact and named % per set and length.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import caesar_rnn
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.evaluation.evaluate import STYLES, sample_messages
from caesar_rnn.store import resolve_model_dir

UD = ("cs", "de", "es", "fi", "fr", "id", "it", "nl", "pl", "pt", "sv", "tr")


def main() -> None:
    ud, english = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    with tempfile.TemporaryDirectory() as tmp:
        src = resolve_model_dir("shipped")
        for name in ("config.json", "model.safetensors"):
            shutil.copy(src / name, Path(tmp) / name)
        model = caesar_rnn.load_model(tmp)
        sets = [("ud", [p for p in sorted(ud.glob("*.txt")) if p.stem in UD], None)]
        sets.append(("english", english, "en"))
        for name, files, code in sets:
            msgs = [
                (m, code or p.stem)
                for p in files
                for m in sample_messages(
                    TextCorpus.from_files([p]), 50, [8, 16, 32], STYLES, 0, fold_letters=True
                )
            ]
            got = model.decrypt([m.ciphertext for m, _ in msgs])
            for n in (8, 16, 32):
                rows = [(m, c, d) for (m, c), d in zip(msgs, got, strict=True) if m.n == n]
                exact = sum(d.plaintext == m.plaintext for m, _, d in rows) / len(rows)
                named = sum(d.language == c for _, c, d in rows) / len(rows)
                print(f"{name} {n} letters: exact {100 * exact:.1f} named {100 * named:.1f}")


if __name__ == "__main__":
    main()
