"""Could a cheap gate skip decrypt's language step? For each generated message (the training
source's text of twelve languages and English, as decrypt_rule.py --generated), the model's
shift's English letter-chain score per letter beyond three (q), and whether the full rule picks
another language. Prints, per length, the highest q of a message the rule moves to another
language and the share of the messages it leaves English whose q is above that (what a gate at
that q, with no margin, would skip).

    python experiments/non-english/gate.py
"""

import sys

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from decrypt_rule import generated

from caesar_rnn.cipher import letters_of
from caesar_rnn.classical.multilang import language_scores
from caesar_rnn.data.generate import _trim_letters
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.calibration import load_calibration
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.decoding.language import ENGLISH_PRIOR, LONG
from caesar_rnn.languages import CODES
from caesar_rnn.store import resolve_model_dir

md = resolve_model_dir("shipped")
be = load_backend(md, "cpu")
cal = load_calibration(md)
codes = ["cs", "de", "es", "fi", "fr", "id", "it", "nl", "pl", "pt", "sv", "tr", "en"]
rows = []
for c in codes:
    ms = generated(c)
    cts = [m.ciphertext for m in ms]
    ds = decrypt_messages(cts, be, calibration=cal)
    heads = [_trim_letters(t, LONG) for t in cts]
    s = language_scores(heads, CODES)
    s[0] += ENGLISH_PRIOR
    for j, (m, d) in enumerate(zip(ms, ds, strict=True)):
        n = len(letters_of(heads[j]))
        k = d.shift
        if k is None:
            continue
        best = int(s[:, j].max(axis=1).argmax())
        q = (s[0, j, k] - ENGLISH_PRIOR) / max(1, n - 3)
        rows.append((c, m.n, q, CODES[best] != "en"))

for n in (4, 8, 16, 32, 64):
    sw = [q for c, mn, q, o in rows if mn == n and o]
    en = [q for c, mn, q, o in rows if mn == n and c == "en"]
    stay = [q for c, mn, q, o in rows if mn == n and not o]
    mx = max(sw) if sw else float("nan")
    print(
        n,
        f"switch max q {mx:.2f}",
        "english q quantiles",
        np.round(np.quantile(en, [0.1, 0.5, 0.9]), 2),
        f"stay-share above max: {np.mean(np.array(stay) > mx):.2f}",
    )
