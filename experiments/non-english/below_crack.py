"""Where decrypt is below ``crack --lang auto`` (issue 22, round 2), on UD dev + the novels.

    python experiments/non-english/below_crack.py

decrypt's answers (the model, then ``with_language``) against the crack that finds the language
(``langid.best_pairs`` on chain + accents, no English prior), per message of the 12 UD languages
at 4 and 8 letters: how many each gets right that the other does not, what decrypt named there,
and, at 8 letters, each such message with English's lead under its 10^3 head start.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import langid as X  # noqa: E402

from caesar_rnn.classical import langid  # noqa: E402
from caesar_rnn.decoding.language import with_language  # noqa: E402
from caesar_rnn.languages import CODES  # noqa: E402


def main() -> None:
    d = X.load("ud", [])
    msgs = list(d["cipher"])
    path = X.CACHE / "ud-model-results.pkl"
    if not path.exists():
        from caesar_rnn.decoding.backends import load_backend
        from caesar_rnn.decoding.calibration import load_calibration
        from caesar_rnn.decoding.decode import decrypt_messages
        from caesar_rnn.store import resolve_model_dir

        md = resolve_model_dir("shipped")
        res = decrypt_messages(msgs, load_backend(md, "cpu"),
                               calibration=load_calibration(md), top=0)  # fmt: skip
        path.write_bytes(pickle.dumps(res))
    res = pickle.loads(path.read_bytes())  # noqa: S301  (our own cache)
    dec = with_language(res, top=0)
    dshift = np.array([-1 if r.shift is None else r.shift for r in dec])
    dlang = np.array([CODES.index(r.language) if r.language else -1 for r in dec])
    s = d["s"].astype(float) + langid.accent_scores(msgs, list(CODES))[:, :, None]
    alang, ashift = langid.best_pairs(msgs, s, list(CODES))
    t = d["shift"]
    for n in (4, 8):
        m = (d["n"] == n) & (d["lang"] != 0)
        sel = m & (ashift == t) & (dshift != t)
        print(f"{n} letters: crack right, decrypt wrong {sel.sum()}; decrypt right, crack wrong "
              f"{(m & (dshift == t) & (ashift != t)).sum()}; of the first, decrypt named English "
              f"{(sel & (dlang == 0)).sum()}")  # fmt: skip
        if n == 8:
            for b in np.flatnonzero(sel):
                lead = s[0, b].max() + 3 - s[1:, b].max()
                print(f"  {CODES[d['lang'][b]]} {msgs[b]!r}: decrypt {CODES[dlang[b]]}, crack "
                      f"{CODES[alang[b]]}, English's lead with its prior {lead:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
