"""How often the language solvers name the messages' language, and which wrong ones."""

from types import SimpleNamespace

from caesar_rnn.evaluation.languages import language_columns


def test_language_columns_count_the_wrong_names() -> None:
    answers = [SimpleNamespace(language=c) for c in ("id", "ms", "id", "ms", "fil")]
    cols = language_columns(answers, "id")
    assert cols == {"language_acc": 0.4, "language_wrong": {"ms": 2, "fil": 1}}
    assert language_columns(answers, None) == {}
    assert language_columns([SimpleNamespace(language=None)], "id") == {}


def test_the_decrypt_solver_answers_as_decrypt_does() -> None:
    # eval's `decrypt` column is the command's default: the calibrated choice included
    # (lffqrvjfu: keepquiet), the language step, the flags rule.
    from caesar_rnn.api import load_model
    from caesar_rnn.decoding.backends import load_backend
    from caesar_rnn.evaluation.languages import language_solver
    from caesar_rnn.store import shipped_model_dir

    msgs = ["lffqrvjfu", "Erqmrxu, prq dpl!", "synt{e0g13_1f_a0g_rapelcg10a}", "khoorzruog"]
    solve = language_solver("decrypt", None, shipped_model_dir(), load_backend(shipped_model_dir()))
    want = [d.plaintext for d in load_model().decrypt(msgs)]
    assert [d.plaintext for d in solve(msgs)] == want
    assert want[0] == "keepquiet" and want[2].startswith("flag{")
