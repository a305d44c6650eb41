"""The model's key prior calibrated per language (round 3; measured, not kept).

    git apply experiments/non-english/per_language_key.diff   # on the commit that adds this
    python experiments/non-english/per_language_key.py        # per_language_key.txt
    git checkout caesar_rnn/decoding/language.py

Each language's readings off the model's key pay KEY_WEIGHT x the log10 odds that the key is
right in that language (the model's calibrated confidence refitted per language on ``gen``,
english_first.fit_calibration), against the shipped uniform prior (W 0.5); both with English's
+1 at 6-7 letters and the words check.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import english_first as E  # noqa: E402

from caesar_rnn.decoding import language  # noqa: E402

language.KEY_CALIBRATION = E.fit_calibration("gen")
uniform = {c: (0.0, 1.0) for c in language.KEY_CALIBRATION}
for name, w, cal in (("uniform W=0.5", 0.5, uniform), ("per language W=1", 1.0, None),
                     ("per language W=1.5", 1.5, None)):  # fmt: skip
    language.KEY_WEIGHT = w
    language.KEY_CALIBRATION = cal or E.fit_calibration("gen")
    E.report(name)
