"""Evaluation rows -> summaries: several texts' rows pooled, overall speeds, the accuracy chart.

Rows are ``caesar_rnn.evaluation.evaluate.evaluate``'s: solver, style, letters, messages, exact, char_acc,
msgs_per_s. matplotlib is imported only to draw.
"""

from __future__ import annotations

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


def plot(rows: list[dict[str, Any]], path: str | Path, title: str = "") -> None:
    """Exact-message accuracy against length (log x), one panel per style, one line per solver."""
    from caesar_rnn.extras import require

    require("plot", "drawing charts")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    styles = [s for s in STYLES if any(r["style"] == s for r in rows)]
    solvers = list(dict.fromkeys(r["solver"] for r in rows))
    fig, axes = plt.subplots(1, len(styles), figsize=(5.5 * len(styles), 4), squeeze=False)
    for ax, style in zip(axes[0], styles, strict=True):
        for solver in solvers:
            pts = sorted(
                (r["letters"], 100 * r["exact"])
                for r in rows
                if r["style"] == style and r["solver"] == solver
            )
            ls = "-" if solver.startswith("model") else "--"
            ax.plot(*zip(*pts, strict=True), ls, marker="o", ms=3, label=solver)
        ax.set_xscale("log", base=2)
        ticks = sorted({r["letters"] for r in rows})
        ax.set_xticks(ticks, [str(t) for t in ticks])
        ax.minorticks_off()
        ax.set_xlabel("message length (letters)")
        ax.set_ylabel("exact messages (%)")
        ax.set_title(f"{style} style")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    try:
        with atomic_writer(path, mode="wb") as f:
            fig.savefig(f, format="png", dpi=120)
    finally:
        plt.close(fig)
