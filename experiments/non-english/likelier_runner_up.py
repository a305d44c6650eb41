"""Answers that list a runner-up as likelier than themselves (QA round 6, 2026-12-01: ``decrypt
dlphmrds`` answered "owasxcod" at 0.0013, read as Polish, with "aimejoap" listed at 0.9987).

    python experiments/non-english/likelier_runner_up.py [UD_DIR] [ENGLISH_FILE]

On the 12 UD dev texts (evaluation text: counted here, never tuned on) and one English novel,
60 messages per length (8, 10, 12, 16, 24) and style, seed 0: how many of ``decrypt``'s default
answers list a likelier runner-up, by decode, and whether the answer, that runner-up, or neither
was right; and the exact-message accuracy of all answers.
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

import caesar_rnn
from caesar_rnn.cipher import letters_of
from caesar_rnn.data.corpus import TextCorpus
from caesar_rnn.evaluation.evaluate import sample_messages


def main() -> None:
    ud = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora/ud-dev")
    english = sys.argv[2] if len(sys.argv) > 2 else "../shared/corpora/alice-in-wonderland.txt"
    files = [*sorted(ud.glob("*.txt")), Path(english)]
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    right = total = 0
    for f in files:
        corpus = TextCorpus.from_files([f])
        msgs = sample_messages(corpus, 60, [8, 10, 12, 16, 24], ("letters", "natural"), 0,
                               fold_letters=True)  # fmt: skip
        for m, d in zip(msgs, caesar_rnn.decrypt([m.ciphertext for m in msgs]), strict=True):
            ok = letters_of(d.plaintext) == letters_of(m.plaintext)
            right += ok
            total += 1
            likelier = [a for a in d.alternatives if a.probability > d.confidence]
            if likelier:
                best = max(likelier, key=lambda a: a.probability)
                alt_ok = letters_of(best.plaintext) == letters_of(m.plaintext)
                counts[(d.decode, "answer" if ok else "runner-up" if alt_ok else "neither")] += 1
    print(f"{total} messages, exact {100 * right / total:.2f} %")
    print(f"answers listing a likelier runner-up: {sum(counts.values())}")
    for (decode, who), n in sorted(counts.items()):
        print(f"  decode {decode}: {who} right in {n}")


if __name__ == "__main__":
    main()
