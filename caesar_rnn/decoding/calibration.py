"""What the key decode's scores mean for the user: a calibrated confidence (the probability that
the plaintext is exactly right) and a verdict on whether any shift reads as English
(``caesar_rnn.decoding.verdict``).

A model folder may hold a ``calibration.json`` (``CALIBRATION``), fitted by ``train`` or
``scripts/calibrate.py`` (``caesar_rnn.decoding.fitting``) on held-out prose the model never saw. Per message style (letters only,
or with spaces and punctuation) and length bin it holds a logistic map from a few numbers about
the answer (``FEATURES``) to the chance that it is exactly right:

- ``logit``: the log-odds of the shift's softmax share of the 26 (its margin over the others);
- ``per_letter``: the mean log-probability per scored letter of that reading (how English the
  model finds it);
- ``quadgram_margin``: how far the reading's quadgram score per quadgram is above the best other
  shift's (negative: the classical statistics prefer another shift);
- ``words``: the words cracker's log-probability per letter of the reading (``Segmenter``), which
  tells a message that starts or ends inside a word from one that does not; only for messages
  under ``words_below`` letters (segmenting is pure Python; longer messages do not need it);

plus a ceiling per bin (the most certainty the tuning text bore out there), the English
verdict's table, and the most confidence a reading that is not English gets.

``train`` fits the table of the model it saves (``caesar_rnn.decoding.fitting``). Without the file
(``train --no-calibrate``, or a model trained on one key) the confidence is the uncalibrated
softmax share and the verdict is unknown (None); ``calibrated`` says which.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from caesar_rnn.cipher import N_LETTERS, count_letters
from caesar_rnn.decoding.verdict import Readings, Verdict
from caesar_rnn.errors import CaesarRNNError

CALIBRATION = "calibration.json"
FORMAT = "caesar-rnn-calibration"
FORMAT_VERSION = 2
STYLES = ("letters", "natural")
#: Lower edges of the length bins, in letters: bin i holds EDGES[i] <= n < EDGES[i + 1] (the
#: first also holds shorter messages, the last everything longer).
EDGES = (4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 20, 24, 32, 48, 64)
#: The logistic map's inputs, in order (its last weight is the bias).
FEATURES = ("logit", "per_letter", "quadgram_margin", "words")
#: Log-odds beyond this say nothing more (and keep the logistic map finite).
LOGIT_CLIP = 30.0
#: The quadgram margin (log10 per quadgram) and words score (ln per letter) are clipped to these.
MARGIN_CLIP = 3.0
WORDS_CLIP = -15.0


@dataclass
class Evidence:
    """The key decode's scores for N messages, with what is needed to read them."""

    scores: np.ndarray  # (N, 26) summed log-probabilities per shift
    letters: np.ndarray  # (N,) letters in each message
    scored: np.ndarray  # (N,) letter positions summed into the scores (two readings: ~2n)
    natural: np.ndarray  # (N,) bool: the message has characters other than letters
    #: (N, 26) each shift's quadgram log10-likelihood per quadgram (``english_scores``): English
    #: reads at about -4.3, random letters at -8 to -10. (N,) zeros when skipped (uncalibrated).
    english: np.ndarray

    def probabilities(self) -> np.ndarray:
        """(N, 26) softmax of the scores."""
        s = self.scores - self.scores.max(axis=1, keepdims=True)
        p = np.exp(s)
        return p / p.sum(axis=1, keepdims=True)

    def quadgrams(self) -> np.ndarray:
        """(N, 26) the quadgram scores per quadgram (zeros when they were skipped)."""
        q = self.english
        return q if q.ndim == 2 else np.repeat(q[:, None], N_LETTERS, axis=1)

    def features(self, shifts: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        """(log-odds of each message's shift among the 26, clipped; mean log-probability per
        scored letter of that reading; its quadgram margin over the best other shift, clipped),
        for the given shifts (default: the best)."""
        s = self.scores
        k = s.argmax(axis=1) if shifts is None else np.asarray(shifts)
        rows = np.arange(len(s))
        own = s[rows, k]
        logit = np.clip(own - _logsumexp_others(s, rows, k), -LOGIT_CLIP, LOGIT_CLIP)
        q = self.quadgrams().astype(np.float64)  # a copy
        q_own = q[rows, k]
        q[rows, k] = -np.inf
        margin = np.clip(q_own - q.max(axis=1), -MARGIN_CLIP, MARGIN_CLIP)
        return logit, own / np.maximum(self.scored, 1), margin


def _logsumexp_others(s: np.ndarray, rows: np.ndarray, k: np.ndarray) -> np.ndarray:
    others = s.copy()
    others[rows, k] = -np.inf
    m = others.max(axis=1)
    return m + np.log(np.exp(others - m[:, None]).sum(axis=1))


def english_scores(messages: Sequence[str]) -> np.ndarray:
    """(N, 26) the quadgram log10-likelihood per quadgram (n-gram, under four letters) of each
    message under each shift: English reads at about -4.3, random letters at -8 to -10."""
    from caesar_rnn.classical.crackers import ngram_scores

    if len(messages) == 0:
        return np.zeros((0, N_LETTERS))
    n = np.array([count_letters(m) for m in messages])
    return ngram_scores(list(messages)) / np.maximum(n - 3, 1)[:, None]


def length_bin(letters: np.ndarray) -> np.ndarray:
    """The bin index (see ``EDGES``) of each letter count."""
    return np.maximum(np.searchsorted(EDGES, letters, side="right") - 1, 0)


@dataclass
class Calibration:
    """A fitted calibration table (``calibration.json``)."""

    #: [style][bin] -> weights of FEATURES then the bias: confidence = sigmoid(w . x + bias)
    maps: dict[str, list[list[float]]]
    #: the English verdict's table (``Verdict``)
    verdict_table: Verdict
    #: [style][bin] -> the most confidence the bin's tuning messages bear out (``ceiling``)
    ceiling: dict[str, list[float]] = field(default_factory=dict)
    #: The most confidence a reading that is not English gets.
    non_english_cap: float = 0.5
    #: Messages under this many letters use the ``words`` feature (longer: 0).
    words_below: int = 12
    source: dict[str, Any] = field(default_factory=dict)

    def design(
        self, ev: Evidence, readings: Readings, shifts: np.ndarray | None = None
    ) -> np.ndarray:
        """(N, len(FEATURES) + 1) the maps' inputs for each message's shift, and a 1."""
        k = ev.scores.argmax(axis=1) if shifts is None else np.asarray(shifts)
        logit, per_letter, margin = ev.features(k)
        words = np.zeros(len(k))
        rows = np.flatnonzero(ev.letters < self.words_below).tolist()
        readings.fill((i, int(k[i])) for i in rows)
        for i in rows:
            words[i] = max(readings.words(i, int(k[i])), WORDS_CLIP)
        return np.stack([logit, per_letter, margin, words, np.ones(len(k))], axis=1)

    def judge(
        self, ev: Evidence, messages: Sequence[str], shifts: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(N,) the chance that each message's reading (default: the best) is exactly right,
        and (N,) bool whether some shift of the message reads as English."""
        readings = Readings(messages, ev.letters)
        english = self.verdict_table.judge(ev.quadgrams(), ev.scores.argmax(axis=1), readings)
        x = self.design(ev, readings, shifts)
        bins = length_bin(ev.letters)
        out = np.empty(len(x))
        for si, style in enumerate(STYLES):
            rows = ev.natural == bool(si)
            w = np.asarray(self.maps[style])[bins[rows]]  # (n, F + 1)
            top = np.asarray(self.ceiling[style])[bins[rows]]
            out[rows] = np.minimum(_sigmoid((w * x[rows]).sum(axis=1)), top)
        return np.where(english, out, np.minimum(out, self.non_english_cap)), english

    def to_json(self) -> str:
        doc = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "edges": list(EDGES),
            "features": [*FEATURES, "bias"],
        }
        return json.dumps({**doc, **asdict(self)}, indent=1) + "\n"


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def load_calibration(model_dir: str | Path) -> Calibration | None:
    """The model folder's calibration table, or None when it has none."""
    path = Path(model_dir) / CALIBRATION
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CaesarRNNError(f"{path} is not a valid calibration table: {exc}") from None
    try:
        cal = _from_doc(doc)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise CaesarRNNError(
            f"{path} is not a calibration table of this caesar-rnn (format "
            f"{FORMAT} version {FORMAT_VERSION}); refit it with "
            f"`python -m caesar_rnn.decoding.fitting {model_dir}`"
        ) from None
    _check_weights(cal, Path(model_dir), path)
    return cal


def _check_weights(cal: Calibration, model_dir: Path, path: Path) -> None:
    """A table records the weights it was fitted for (``source["weights_sha256"]``, from their
    config.json): another model's table would report another model's confidence."""
    fitted = cal.source.get("weights_sha256")
    if fitted is None:
        return
    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return  # the model's own load says what is wrong with its config
    if isinstance(config, dict) and config.get("weights_sha256") not in (None, fitted):
        raise CaesarRNNError(
            f"{path} was fitted for other weights than {model_dir}'s: refit it with "
            f"`python -m caesar_rnn.decoding.fitting {model_dir}`, or remove it"
        )


def _from_doc(doc: dict[str, Any]) -> Calibration:
    if doc["format"] != FORMAT or doc["format_version"] != FORMAT_VERSION:
        raise ValueError("format")
    if list(doc["edges"]) != list(EDGES) or doc["features"] != [*FEATURES, "bias"]:
        raise ValueError("edges or features")
    maps = {s: [[float(x) for x in row] for row in doc["maps"][s]] for s in STYLES}
    ceil = {s: [float(x) for x in doc["ceiling"][s]] for s in STYLES}
    for s in STYLES:
        if len(maps[s]) != len(EDGES) or any(len(r) != len(FEATURES) + 1 for r in maps[s]):
            raise ValueError("maps")
        if len(ceil[s]) != len(EDGES):
            raise ValueError("ceiling")
    return Calibration(
        maps,
        Verdict.from_dict(doc["verdict_table"], len(EDGES)),
        ceil,
        float(doc["non_english_cap"]),
        int(doc["words_below"]),
        dict(doc.get("source", {})),
    )


# --- fitting (scripts/calibrate.py) ----------------------------------------------------------


def fit_logistic(
    x: np.ndarray, right: np.ndarray, ridge: float = 1.0, weights: np.ndarray | None = None
) -> list[float]:
    """Weights of a logistic map from the columns of ``x`` (N, F; the last column the bias's 1s)
    to P(right): damped Newton steps on the log-loss (each message counted ``weights`` times,
    default once) plus an L2 pull of weight ``ridge`` towards (1, 0, ..., 0) (the raw softmax
    when the first column is the log-odds), which keeps the map finite where the tuning text had
    no miss."""
    y = right.astype(np.float64)
    c = np.ones(len(y)) if weights is None else np.asarray(weights, np.float64)
    prior = np.zeros(x.shape[1])
    prior[0] = 1.0

    def loss(w: np.ndarray) -> float:
        z = x @ w
        nll = c * (np.logaddexp(0.0, z) - y * z)
        return float(nll.sum() + 0.5 * ridge * ((w - prior) ** 2).sum())

    w = prior.copy()
    for _ in range(200):
        p = _sigmoid(x @ w)
        grad = x.T @ (c * (p - y)) + ridge * (w - prior)
        hess = (x * (c * p * (1 - p))[:, None]).T @ x + ridge * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        t, before = 1.0, loss(w)
        while loss(w - t * step) > before and t > 1e-6:
            t /= 2
        w = w - t * step
        if np.abs(t * step).max() < 1e-8:
            break
    return [float(v) for v in w]


def ceiling(confidence: np.ndarray, right: np.ndarray, high: float = 0.99) -> float:
    """The most confidence a bin may claim: among its answers at ``high`` or more (none: its
    more confident half), the share right by the rule of succession, (right + 1) / (n + 2)."""
    sel = confidence >= high
    if not sel.any():
        sel = confidence >= np.median(confidence) if len(confidence) else sel
    return float((right[sel].sum() + 1) / (sel.sum() + 2))


def expected_calibration_error(
    confidence: np.ndarray, right: np.ndarray, n_bins: int = 20
) -> float:
    """ECE: the mean gap between confidence and accuracy over equal-width confidence bins,
    weighted by the share of answers in each."""
    idx = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        sel = idx == b
        if sel.any():
            total += sel.sum() * abs(confidence[sel].mean() - right[sel].mean())
    return total / max(len(confidence), 1)


def debiased_calibration_error(
    confidence: np.ndarray, right: np.ndarray, n_bins: int = 20
) -> float:
    """The ECE with each bin's sampling noise taken out: a bin's squared gap between mean
    confidence and accuracy overstates the true one by the variance of its accuracy; the
    estimate ``gap**2 - acc * (1 - acc) / (n - 1)`` is unbiased (Kumar, Liang and Ma 2019,
    "Verified uncertainty calibration", their debiased estimator), and its square root (0 when
    negative) stands for the bin's gap, weighted by the bin's share as in the ECE. A bin of one
    answer keeps its plain gap. Never above the plain ECE."""
    idx = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        sel = idx == b
        n = int(sel.sum())
        if n:
            acc = float(right[sel].mean())
            gap2 = (float(confidence[sel].mean()) - acc) ** 2
            if n > 1:
                gap2 = max(gap2 - acc * (1 - acc) / (n - 1), 0.0)
            total += n * gap2**0.5
    return total / max(len(confidence), 1)


def reliability(
    confidence: np.ndarray, right: np.ndarray, n_bins: int = 20
) -> list[tuple[float, float, int]]:
    """(mean confidence, accuracy, answers) for each non-empty equal-width confidence bin."""
    idx = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    return [
        (float(confidence[idx == b].mean()), float(right[idx == b].mean()), int((idx == b).sum()))
        for b in range(n_bins)
        if (idx == b).any()
    ]
