"""What the language step of ``decrypt`` costs with and without the word evidence
(``classical.langid``): 4,800 generated messages of 8-40 letters (French, German, Polish,
English, Indonesian, Spanish; both styles), the model's answers stubbed (this times the step
only). Second of two runs (the first loads the tables).

    python experiments/non-english/langid_cost.py
"""

from __future__ import annotations

import time

from caesar_rnn.classical import langid
from caesar_rnn.data.generate import generate
from caesar_rnn.decoding import language
from caesar_rnn.decoding.decode import Decryption

msgs = []
for code in ("fr", "de", "pl", "en", "id", "es"):
    for style in ("letters", "natural"):
        langs = [code] if code != "en" else []
        for r in generate(400, 8, 40, style=style, seed=1, langs=langs):
            msgs.append(Decryption(str(r["ciphertext"]), str(r["ciphertext"]), 0, 0.9))
for label, top in (("with the words", langid.TOP), ("without (TOP = 1)", 1)):
    langid.TOP = top
    language.with_language(msgs)
    t = time.perf_counter()
    language.with_language(msgs)
    print(f"{len(msgs)} messages, {label}: {time.perf_counter() - t:.2f} s")
