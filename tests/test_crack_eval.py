"""`crack` and `eval` through CliRunner: exit code, stdout and stderr checked apart."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caesar_rnn.cipher import encrypt
from caesar_rnn.cli.app import app
from caesar_rnn.data.generate import generate, write_jsonl

runner = CliRunner()

# Written for these tests (no corpus text).
PROSE = (
    "The weather was cold, and the children stayed inside all afternoon. Please send the "
    "report to the office before the meeting on Friday. Every morning she walked along the "
    "river to the old stone bridge, where the fishermen were already waiting for the boats. "
    "We found a small house near the station and moved in last spring; the garden was full "
    "of roses, and the neighbours brought us bread and apples on the first evening.\n"
)


def test_crack_table() -> None:
    r = runner.invoke(app, ["crack", encrypt("the meeting is on friday", 5), "--top", "3"])
    assert r.exit_code == 0, r.stderr
    assert "the meeting is on friday" in r.stdout
    assert "higher is better" in r.stdout
    assert r.stderr == ""


@pytest.mark.parametrize("method", ["chi2", "ngram"])
def test_crack_json(method: str) -> None:
    text = encrypt("Please send the report to the office", 11)
    r = runner.invoke(app, ["crack", text, "--method", method, "--json", "--top", "4"])
    assert r.exit_code == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["ciphertext"] == text and obj["method"] == method
    cands = obj["candidates"]
    assert [c["rank"] for c in cands] == [1, 2, 3, 4]
    assert set(cands[0]) == {"rank", "shift", "score", "plaintext"}
    assert cands[0]["shift"] == 11
    assert cands[0]["plaintext"] == "Please send the report to the office"
    scores = [c["score"] for c in cands]
    assert scores == sorted(scores, reverse=method != "chi2")


def test_crack_file_per_line(tmp_path: Path) -> None:
    f = tmp_path / "c.txt"
    f.write_text(
        encrypt("the weather was cold", 2) + "\n123\n" + encrypt("along the river", 20) + "\n"
    )
    r = runner.invoke(app, ["crack", "--file", str(f), "--json", "--top", "1"])
    assert r.exit_code == 0, r.stderr
    objs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["candidates"][0]["shift"] if o["candidates"] else None for o in objs] == [2, None, 20]


def test_crack_model(tiny_model: str) -> None:
    r = runner.invoke(
        app, ["crack", "khoor zruog", "--method", "model", "--model", tiny_model, "--json"]
    )
    assert r.exit_code == 0, r.stderr
    assert len(json.loads(r.stdout)["candidates"]) == 5
    assert "using model" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crack"], "either TEXT or --file"),
        (["crack", "abc", "--method", "rot"], "unknown method"),
        (["crack", "abc", "--top", "0"], "--top"),
        (["eval"], "either --data FILE or --corpus FILE"),
        (["eval", "--corpus", "x.txt", "--solvers", "chi2,nope"], "unknown solver"),
        (["eval", "--corpus", "x.txt", "--buckets", "4,x"], "--buckets"),
    ],
)
def test_errors(args: list[str], message: str, tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text(PROSE)
    args = [str(tmp_path / a) if a == "x.txt" else a for a in args]
    r = runner.invoke(app, args)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_eval_corpus_table_and_plot(tmp_path: Path, tiny_model: str) -> None:
    pytest.importorskip("matplotlib")
    corpus = tmp_path / "prose.txt"
    corpus.write_text(PROSE)
    png = tmp_path / "acc.png"
    args = ["eval", "--corpus", str(corpus), "--model", tiny_model, "--per-bucket", "5"]
    args += ["--buckets", "4,8,16", "--solvers", "key,argmax,chi2,ngram,hybrid", "--plot", str(png)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.stderr
    for word in ("letters", "natural", "model key", "model argmax", "chi2", "ngram", "hybrid"):
        assert word in r.stdout
    assert "msgs/s" in r.stdout and "not the model alone" in r.stdout
    assert "evaluating 30 messages" in r.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_eval_json_rows(tmp_path: Path) -> None:
    corpus = tmp_path / "prose.txt"
    corpus.write_text(PROSE)
    args = ["eval", "--corpus", str(corpus), "--solvers", "chi2,ngram", "--per-bucket", "4"]
    r = runner.invoke(app, [*args, "--buckets", "6,12,24", "--seed", "3", "--json"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["messages"] == 24
    keys = {(row["solver"], row["style"], row["letters"]) for row in out["rows"]}
    assert keys == {
        (s, st, n) for s in ("chi2", "ngram") for st in ("letters", "natural") for n in (6, 12, 24)
    }
    for row in out["rows"]:
        assert row["messages"] == 4 and 0 <= row["exact"] <= row["char_acc"] <= 1
        assert row["msgs_per_s"] > 0
    # At 24 letters of plain English the quadgram cracker gets every message.
    assert all(
        row["exact"] == 1
        for row in out["rows"]
        if row["solver"] == "ngram" and row["letters"] == 24
    )


def test_eval_data_file_buckets(tmp_path: Path) -> None:
    data = tmp_path / "pairs.jsonl"
    write_jsonl(generate(60, 4, 40, style="natural", seed=2), data)
    r = runner.invoke(app, ["eval", "--data", str(data), "--solvers", "ngram", "--json"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["messages"] == 60
    assert {row["letters"] for row in out["rows"]} <= {4, 6, 8, 10, 12, 16, 24, 32}
    assert {row["style"] for row in out["rows"]} == {"natural"}
    assert sum(row["messages"] for row in out["rows"]) == 60


def test_eval_bad_data_file(tmp_path: Path) -> None:
    data = tmp_path / "pairs.jsonl"
    data.write_text('{"ciphertext": "abc"}\n')
    r = runner.invoke(app, ["eval", "--data", str(data), "--solvers", "ngram"])
    assert r.exit_code == 1
    assert "line 1 is not a gen-data pair" in r.stderr


def test_model_solvers_share_forward_passes(tiny_model: str) -> None:
    from caesar_rnn.decoding.decode import load_backend
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

    script = Path(__file__).parent.parent / "scripts" / "accuracy_report.py"
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


def test_eval_mid_word_option(tmp_path: Path) -> None:
    corpus = tmp_path / "prose.txt"
    corpus.write_text(PROSE)
    args = ["eval", "--corpus", str(corpus), "--solvers", "ngram", "--per-bucket", "3", "--json"]
    r = runner.invoke(app, [*args, "--mid-word", "0.5"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["messages"] > 0
    r = runner.invoke(app, [*args, "--mid-word", "2"])
    assert r.exit_code == 1
    assert "--mid-word must be in [0, 1]" in r.stderr
    assert r.stdout == ""
