"""What the key decode's scores mean for the user: a calibrated confidence (the probability that
the plaintext is exactly right), a verdict on whether any shift reads as English, and the
runners-up with their probabilities.

Both come from two numbers per message and shift, computed from the key decode's summed
log-probabilities (``Evidence``): the log-odds of the shift's softmax share of the 26 (its
margin over the others) and the mean log-probability per scored letter of that reading (how
English the model finds it). A model folder may hold a ``calibration.json`` (``CALIBRATION``),
fitted by ``scripts/calibrate.py`` on held-out text the model never saw:

- per message style (letters only, or with spaces and punctuation) and length bin, a logistic
  map (Platt scaling) from the two numbers to the chance that the plaintext is exactly right;
- per length bin, the lowest quadgram score per quadgram that English of that length reaches (a
  low quantile on the tuning text) for its most English shift: a message none of whose 26 shifts
  reaches it does not read as English (``english`` false; the model's own per-letter
  probabilities separated random letters from English less well), and its confidence is then
  at most ``non_english_cap``.

Without the file (a model you trained yourself) the confidence is the uncalibrated softmax share
and the verdict is unknown (None); ``calibrated`` says which.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from caesar_rnn.cipher import is_letter
from caesar_rnn.errors import CaesarRNNError

CALIBRATION = "calibration.json"
FORMAT = "caesar-rnn-calibration"
FORMAT_VERSION = 1
STYLES = ("letters", "natural")
#: Lower edges of the length bins, in letters: bin i holds EDGES[i] <= n < EDGES[i + 1] (the
#: first also holds shorter messages, the last everything longer).
EDGES = (4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 20, 24, 32, 48, 64)
#: Log-odds beyond this say nothing more (and keep the logistic map finite).
LOGIT_CLIP = 30.0


@dataclass
class Evidence:
    """The key decode's scores for N messages, with what is needed to read them."""

    scores: np.ndarray  # (N, 26) summed log-probabilities per shift
    letters: np.ndarray  # (N,) letters in each message
    scored: np.ndarray  # (N,) letter positions summed into the scores (two readings: ~2n)
    natural: np.ndarray  # (N,) bool: the message has characters other than letters
    #: (N,) how English the most English of the 26 shifts reads: its quadgram log10-likelihood
    #: per quadgram (``english_scores``)
    english: np.ndarray

    def probabilities(self) -> np.ndarray:
        """(N, 26) softmax of the scores."""
        s = self.scores - self.scores.max(axis=1, keepdims=True)
        p = np.exp(s)
        return p / p.sum(axis=1, keepdims=True)

    def features(self, shifts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(log-odds of each message's shift among the 26, clipped; mean log-probability per
        scored letter of that reading), for the given shifts (default: the best)."""
        s = self.scores
        k = s.argmax(axis=1) if shifts is None else np.asarray(shifts)
        rows = np.arange(len(s))
        own = s[rows, k]
        others = s.copy()
        others[rows, k] = -np.inf
        m = others.max(axis=1)
        rest = m + np.log(np.exp(others - m[:, None]).sum(axis=1))
        logit = np.clip(own - rest, -LOGIT_CLIP, LOGIT_CLIP)
        return logit, own / np.maximum(self.scored, 1)


def english_scores(messages: list[str]) -> np.ndarray:
    """(N,) the quadgram log10-likelihood per quadgram (n-gram, under four letters) of each
    message's most English shift: English reads at about -4.3, random letters at -8 to -10."""
    from caesar_rnn.classical.crackers import ngram_scores

    n = np.array([sum(map(is_letter, m)) for m in messages])
    if len(n) == 0:
        return np.zeros(0)
    return ngram_scores(messages).max(axis=1) / np.maximum(n - 3, 1)


def length_bin(letters: np.ndarray) -> np.ndarray:
    """The bin index (see ``EDGES``) of each letter count."""
    return np.maximum(np.searchsorted(EDGES, letters, side="right") - 1, 0)


@dataclass
class Calibration:
    """A fitted calibration table (``calibration.json``)."""

    #: [style][bin] -> (a, b, c): confidence = sigmoid(a * logit + b * per_letter + c)
    platt: dict[str, list[list[float]]]
    #: [bin] -> the per-letter score under which a best reading is not English
    english_floor: list[float]
    #: The most confidence a reading that is not English gets.
    non_english_cap: float = 0.5
    #: [style][bin] -> the most confidence the bin's tuning messages bear out (``ceiling``)
    ceiling: dict[str, list[float]] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)

    def verdict(self, ev: Evidence) -> np.ndarray:
        """(N,) bool: some shift of the message reads like English of its length."""
        floor = np.asarray(self.english_floor)[length_bin(ev.letters)]
        return ev.english >= floor

    def confidence(self, ev: Evidence, shifts: np.ndarray | None = None) -> np.ndarray:
        """(N,) the chance that each message's reading (default: the best) is exactly right."""
        logit, per_letter = ev.features(shifts)
        bins = length_bin(ev.letters)
        out = np.empty(len(logit))
        for si, style in enumerate(STYLES):
            table = np.asarray(self.platt[style])  # (bins, 3)
            rows = ev.natural == bool(si)
            a, b, c = table[bins[rows]].T
            top = np.asarray(self.ceiling.get(style, [1.0] * len(EDGES)))[bins[rows]]
            out[rows] = np.minimum(_sigmoid(a * logit[rows] + b * per_letter[rows] + c), top)
        english = self.verdict(ev)
        return np.where(english, out, np.minimum(out, self.non_english_cap))

    def to_json(self) -> str:
        doc = {"format": FORMAT, "format_version": FORMAT_VERSION, "edges": list(EDGES)}
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
        if doc["format"] != FORMAT or doc["format_version"] != FORMAT_VERSION:
            raise ValueError("format")
        if list(doc["edges"]) != list(EDGES):
            raise ValueError("edges")
        cal = Calibration(
            {s: [[float(x) for x in row] for row in doc["platt"][s]] for s in STYLES},
            [float(x) for x in doc["english_floor"]],
            float(doc["non_english_cap"]),
            {s: [float(x) for x in doc["ceiling"][s]] for s in STYLES},
            dict(doc.get("source", {})),
        )
        if any(len(cal.ceiling[s]) != len(EDGES) for s in STYLES):
            raise ValueError("ceiling")
        if any(len(cal.platt[s]) != len(EDGES) for s in STYLES):
            raise ValueError("platt")
        if len(cal.english_floor) != len(EDGES):
            raise ValueError("english_floor")
    except (KeyError, TypeError, ValueError):
        raise CaesarRNNError(
            f"{path} is not a calibration table of this caesar-rnn (format "
            f"{FORMAT} version {FORMAT_VERSION}); refit it with scripts/calibrate.py"
        ) from None
    return cal


# --- fitting (scripts/calibrate.py) ----------------------------------------------------------


def fit_platt(
    logit: np.ndarray, per_letter: np.ndarray, right: np.ndarray, ridge: float = 1.0
) -> list[float]:
    """(a, b, c) of a logistic map from (logit, per_letter) to P(right): damped Newton steps on
    the log-loss plus an L2 pull of weight ``ridge`` towards (1, 0, 0) (the raw softmax), which
    keeps the map finite where the tuning text had no miss."""
    x = np.stack([logit, per_letter, np.ones_like(logit)], axis=1)  # (N, 3)
    y = right.astype(np.float64)
    prior = np.array([1.0, 0.0, 0.0])

    def loss(w: np.ndarray) -> float:
        z = x @ w
        nll = np.logaddexp(0.0, z) - y * z
        return float(nll.sum() + 0.5 * ridge * ((w - prior) ** 2).sum())

    w = prior.copy()
    for _ in range(200):
        p = _sigmoid(x @ w)
        grad = x.T @ (p - y) + ridge * (w - prior)
        hess = (x * (p * (1 - p))[:, None]).T @ x + ridge * np.eye(3)
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


def english_floor(per_letter: np.ndarray, quantile: float) -> float:
    """The ``quantile`` of English per-letter scores (lowest first): readings below it are not
    English. No tuning messages in the bin: no floor."""
    if len(per_letter) == 0:
        return -math.inf
    return float(np.quantile(per_letter, quantile))


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
