"""The evaluation library: shared forward passes, pooled rows, the accuracy report script,
mid-word sampling. The `crack` and `eval` commands are tested in tests/cli/."""

from pathlib import Path

import pytest

# Written for these tests (no corpus text).
PROSE = (
    "The weather was cold, and the children stayed inside all afternoon. Please send the "
    "report to the office before the meeting on Friday. Every morning she walked along the "
    "river to the old stone bridge, where the fishermen were already waiting for the boats. "
    "We found a small house near the station and moved in last spring; the garden was full "
    "of roses, and the neighbours brought us bread and apples on the first evening.\n"
)


def test_model_solvers_share_forward_passes(tiny_model: str) -> None:
    from caesar_rnn.decoding.backends import load_backend
    from caesar_rnn.evaluation import evaluate as ev

    inner = load_backend(tiny_model)
    calls = []
    forward = inner.logits
    inner.logits = lambda t, lengths=None: calls.append(t.shape) or forward(t, lengths)  # type: ignore[method-assign]
    shared = ev.SharedForward(inner)
    solvers = {
        "key": ev.model_solver(tiny_model, "key", backend=shared),
        "argmax": ev.model_solver(tiny_model, "argmax", backend=shared),
        "hybrid": ev.hybrid_solver(tiny_model, backend=shared),
    }
    msgs = ["khoor zruog", "wkh zhdwkhu zdv frog", "dorqj wkh ulyhu"]
    got = {name: solve(msgs) for name, solve in solvers.items()}
    n_first = len(calls)
    assert n_first > 0
    for name, solve in solvers.items():
        assert solve(msgs) == got[name]
    assert len(calls) == n_first  # the second round ran no forward pass
    assert ev.CHARGED[0] > 0
    assert ev.model_solver(tiny_model, "argmax")(msgs) == got["argmax"]


def test_pool_weights_by_messages() -> None:
    from caesar_rnn.evaluation.report import pool, speeds

    a = [
        dict(
            solver="s",
            style="letters",
            letters=4,
            messages=10,
            exact=1.0,
            char_acc=1.0,
            msgs_per_s=10.0,
        )
    ]
    b = [
        dict(
            solver="s",
            style="letters",
            letters=4,
            messages=30,
            exact=0.0,
            char_acc=0.5,
            msgs_per_s=30.0,
        )
    ]
    (row,) = pool([a, b])
    assert row["messages"] == 40
    assert row["exact"] == pytest.approx(0.25)
    assert row["char_acc"] == pytest.approx(0.625)
    assert row["msgs_per_s"] == pytest.approx(20.0)  # 40 messages in 1 s + 1 s
    assert speeds([row]) == {"s": pytest.approx(20.0)}


def test_accuracy_report_script(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    import importlib.util

    script = Path(__file__).parents[2] / "scripts" / "accuracy_report.py"
    spec = importlib.util.spec_from_file_location("accuracy_report", script)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    texts = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for t in texts:
        t.write_text(PROSE)
    md, png = tmp_path / "acc.md", tmp_path / "acc.png"
    args = [*map(str, texts), "--solvers", "chi2,ngram", "--per-bucket", "3", "--buckets", "4,16"]
    mod.main([*args, "--md", str(md), "--png", str(png), "--note", "a test run"])
    text = md.read_text()
    assert text.startswith("# Accuracy on held-out English\n\n> a test run")
    assert "python scripts/accuracy_report.py" in text and "a.txt" in text
    assert "| letters | 16 | 6 |" in text  # pooled: 3 messages from each of the two texts
    assert "## Exact-message accuracy (%): `b.txt`" in text
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_sample_messages_mid_word(tmp_path: Path) -> None:
    """--mid-word: the share of evaluation messages that start inside a word; 0 keeps the
    messages of earlier reports (no extra random draws)."""
    from caesar_rnn.cipher import letters_of
    from caesar_rnn.data.corpus import TextCorpus
    from caesar_rnn.evaluation.evaluate import sample_messages

    (tmp_path / "prose.txt").write_text(PROSE)
    corpus = TextCorpus.from_files([tmp_path / "prose.txt"])
    stream = "".join(letters_of(t).lower() for t in corpus.tokens)  # the corpus's letters
    starts = set(corpus.cum_letters)  # where each word's letters begin in the stream

    def at_word_start(letters: str) -> bool:
        i = stream.find(letters)
        while i >= 0 and i not in starts:
            i = stream.find(letters, i + 1)
        return i >= 0

    styles = ("letters", "natural")
    default = sample_messages(corpus, 60, (6, 10), styles, seed=2)
    assert default == sample_messages(corpus, 60, (6, 10), styles, 2, 0.0)
    for share, lo, hi in ((0.0, 1.0, 1.0), (0.5, 0.3, 0.7), (1.0, 0.0, 0.1)):
        msgs = sample_messages(corpus, 60, (6, 10), styles, 2, share)
        assert len(msgs) == 240
        assert all(len(letters_of(m.plaintext)) == m.n for m in msgs)
        share_at_start = sum(at_word_start(letters_of(m.plaintext).lower()) for m in msgs) / 240
        assert lo <= share_at_start <= hi
