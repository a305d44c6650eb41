"""How often the language solvers name the messages' language, and which wrong ones."""

from types import SimpleNamespace

from caesar_rnn.evaluation.languages import language_columns


def test_language_columns_count_the_wrong_names() -> None:
    answers = [SimpleNamespace(language=c) for c in ("id", "ms", "id", "ms", "fil")]
    cols = language_columns(answers, "id")
    assert cols == {"language_acc": 0.4, "language_wrong": {"ms": 2, "fil": 1}}
    assert language_columns(answers, None) == {}
    assert language_columns([SimpleNamespace(language=None)], "id") == {}
