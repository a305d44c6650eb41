"""Evaluation rows -> summaries: several texts' rows pooled, overall speeds, the accuracy chart.

Rows are ``caesar_rnn.evaluation.evaluate.evaluate``'s: solver, style, letters, messages, exact, char_acc,
msgs_per_s. matplotlib is imported only to draw.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from caesar_rnn.data.generate import STYLES
from caesar_rnn.files import atomic_writer


def pool(row_sets: Sequence[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Rows of several evaluations merged per (solver, style, letters), weighted by messages.
    Per-char accuracy is weighted by messages too: every message of a row has n letters."""
    acc: dict[tuple[str, str, int], dict[str, Any]] = {}
    for rows in row_sets:
        for r in rows:
            a = acc.setdefault(
                (r["solver"], r["style"], r["letters"]),
                {"solver": r["solver"], "style": r["style"], "letters": r["letters"],
                 "messages": 0, "exact": 0.0, "char_acc": 0.0, "seconds": 0.0},
            )  # fmt: skip
            a["messages"] += r["messages"]
            a["exact"] += r["exact"] * r["messages"]
            a["char_acc"] += r["char_acc"] * r["messages"]
            a["seconds"] += r["messages"] / r["msgs_per_s"]
    out = []
    for a in acc.values():
        n = max(a["messages"], 1)
        out.append(
            {
                **{k: a[k] for k in ("solver", "style", "letters", "messages")},
                "exact": a["exact"] / n,
                "char_acc": a["char_acc"] / n,
                "msgs_per_s": a["messages"] / max(a.pop("seconds"), 1e-9),
            }
        )
    return out


def speeds(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Overall messages per second of each solver, over all its rows."""
    msgs: dict[str, float] = {}
    secs: dict[str, float] = {}
    for r in rows:
        msgs[r["solver"]] = msgs.get(r["solver"], 0) + r["messages"]
        secs[r["solver"]] = secs.get(r["solver"], 0) + r["messages"] / r["msgs_per_s"]
    return {s: msgs[s] / max(secs[s], 1e-9) for s in msgs}


#: The lower panels zoom on exact accuracy from this many percent up, where the best solvers differ.
ZOOM_FROM = 90.0
#: Tick labels on the log length axis at least this many octaves apart (10 and 12 would collide).
MIN_LABEL_GAP = 0.3


def wilson(hits: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval (95 % by default) of a proportion: ``hits`` of ``n``."""
    if n <= 0:
        return 0.0, 1.0
    p = hits / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def label_ticks(lengths: Sequence[int]) -> list[int]:
    """The lengths to label, left to right, each at least MIN_LABEL_GAP octaves from the last."""
    out: list[int] = []
    for t in sorted(set(lengths)):
        if not out or math.log2(t / out[-1]) >= MIN_LABEL_GAP:
            out.append(t)
    return out


def plot(rows: list[dict[str, Any]], path: str | Path, title: str = "") -> None:
    """Exact-message accuracy against length (log x), one column per style, one line per solver
    with its 95 % Wilson interval shaded; the lower row zooms on ZOOM_FROM..100 %."""
    from caesar_rnn.extras import require

    require("plot", "drawing charts")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    styles = [s for s in STYLES if any(r["style"] == s for r in rows)]
    solvers = list(dict.fromkeys(r["solver"] for r in rows))
    fig, axes = plt.subplots(
        2, len(styles), figsize=(5.5 * len(styles), 7), squeeze=False, sharex=True,
        sharey="row", gridspec_kw={"height_ratios": [1, 1.2]},
    )  # fmt: skip
    for col, style in enumerate(styles):
        for row in (0, 1):
            _panel(axes[row][col], rows, style, solvers, zoom=row == 1)
        axes[0][col].set_title(f"{style} style")
    _length_axis(axes[1][0], [r["letters"] for r in rows])
    axes[0][0].set_ylabel("exact messages (%)")
    axes[1][0].set_ylabel(f"exact messages (%), {ZOOM_FROM:g}-100 zoomed")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(solvers), fontsize=8, frameon=False)
    fig.suptitle(f"{title}\nshaded: 95 % Wilson interval from the message count", fontsize=9)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    try:
        with atomic_writer(path, mode="wb") as f:
            fig.savefig(f, format="png", dpi=120)
    finally:
        plt.close(fig)


def _panel(ax: Any, rows: list[dict[str, Any]], style: str, solvers: list[str], zoom: bool) -> None:
    """One style's lines, with their intervals; the zoomed panel clips to ZOOM_FROM..100."""
    for solver in solvers:
        pts = sorted(
            (r["letters"], r["exact"], r["messages"])
            for r in rows
            if r["style"] == style and r["solver"] == solver
        )
        if not pts:
            continue
        x = [p[0] for p in pts]
        y = [100 * p[1] for p in pts]
        bands = [wilson(p[1] * p[2], p[2]) for p in pts]
        ls = "-" if solver.startswith("model") else "--"
        (line,) = ax.plot(x, y, ls, marker="o", ms=3, label=solver)
        lo = [100 * b[0] for b in bands]
        hi = [100 * b[1] for b in bands]
        ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.15, linewidth=0)
    ax.set_ylim((ZOOM_FROM, 100.4) if zoom else (0, 102))
    ax.grid(True, alpha=0.3)
    if zoom:
        ax.set_xlabel("message length (letters, log scale)")


def _length_axis(ax: Any, lengths: list[int]) -> None:
    """Log-2 length axis: a tick at every length, a label where it has room."""
    from matplotlib.ticker import FixedLocator, NullFormatter

    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_locator(FixedLocator(label_ticks(lengths)))
    ax.xaxis.set_minor_locator(FixedLocator(sorted(set(lengths))))
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:g}")
    ax.xaxis.set_minor_formatter(NullFormatter())
