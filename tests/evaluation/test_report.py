"""The accuracy chart's pieces: Wilson intervals, tick labels that do not collide, the PNG."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from caesar_rnn.evaluation.report import MIN_LABEL_GAP, label_ticks, plot, wilson


def test_wilson_interval() -> None:
    lo, hi = wilson(1194, 1200)  # 99.5 % of 1,200 messages
    assert lo == pytest.approx(0.98914, abs=1e-4) and hi == pytest.approx(0.99771, abs=1e-4)
    assert wilson(0, 200)[0] == 0.0 and 0.0 < wilson(0, 200)[1] < 0.02
    assert wilson(200, 200)[1] == 1.0 and 0.98 < wilson(200, 200)[0] < 1.0
    assert wilson(0, 0) == (0.0, 1.0)


def test_tick_labels_keep_their_distance() -> None:
    buckets = [4, 6, 8, 10, 12, 16, 24, 32, 64, 128, 256]
    labels = label_ticks(buckets)
    assert labels[0] == 4 and labels[-1] == 256
    assert not {10, 12} <= set(labels)  # the pair that collided
    assert all(math.log2(b / a) >= MIN_LABEL_GAP for a, b in zip(labels, labels[1:], strict=False))


def test_plot_writes_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    rows = [
        {"solver": s, "style": st, "letters": n, "messages": 200, "exact": e, "char_acc": e,
         "msgs_per_s": 100.0}
        for s, base in (("model key", 0.9), ("chi2", 0.3))
        for st in ("letters", "natural")
        for n, e in ((4, base), (8, min(1.0, base + 0.08)), (16, 1.0))
    ]  # fmt: skip
    out = tmp_path / "a.png"
    plot(rows, out, title="test")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_accuracy_script_redraws_from_saved_rows(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    import importlib.util
    import json

    script = Path(__file__).parents[2] / "scripts" / "plot_accuracy.py"
    spec = importlib.util.spec_from_file_location("plot_accuracy", script)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    row = {"solver": "ngram", "style": "letters", "letters": 4, "messages": 10, "exact": 0.5,
           "char_acc": 0.5, "msgs_per_s": 1.0}  # fmt: skip
    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps({"pooled": [row, {**row, "letters": 8}], "a.txt": []}))
    png = tmp_path / "a.png"
    mod.main([str(rows), str(png)])
    assert png.stat().st_size > 1000
