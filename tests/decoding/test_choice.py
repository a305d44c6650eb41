"""The calibrated choice: a runner-up the calibration rates likelier than the model's best shift
is the default's answer, from FROM_LETTERS letters."""

from dataclasses import replace

from typer.testing import CliRunner

from caesar_rnn.cli.app import app
from caesar_rnn.decoding import choice, language
from caesar_rnn.decoding.decode import Alternative, Decryption


def _answer(cipher: str, plain: str, conf: float, alts: list[Alternative]) -> Decryption:
    return Decryption(cipher, plain, 13, conf, True, alts, calibrated=True)


def test_the_likeliest_answer_is_taken() -> None:
    alts = [Alternative(1, "keepquiet", 0.99983), Alternative(9, "cwwhimawl", 0.0)]
    d = _answer("lffqrvjfu", "yssdeiwsh", 0.00017, alts)
    [got] = choice.likeliest([d])
    assert (got.plaintext, got.shift, got.confidence) == ("keepquiet", 1, 0.99983)
    assert [(a.shift, a.probability) for a in got.alternatives] == [(13, 0.00017), (9, 0.0)]
    assert got.calibrated and got.decode == "key" and got.english is True
    foreign = replace(d, english=False, confidence=0.5)  # capped: the verdict says not English
    assert choice.likeliest([foreign])[0] is foreign


def test_the_model_answer_stands_otherwise() -> None:
    alts = [Alternative(1, "keepquiet", 0.99983)]
    sure = _answer("lffqrvjfu", "yssdeiwsh", 0.9, [Alternative(1, "keepquiet", 0.1)])
    short = _answer("lffq", "yssd", 0.00017, alts)  # under FROM_LETTERS letters
    uncalibrated = replace(_answer("lffqrvjfu", "yssdeiwsh", 0.00017, alts), calibrated=False)
    hybrid = replace(_answer("lffqrvjfu", "yssdeiwsh", 0.00017, alts), decode="hybrid")
    none = _answer("lffqrvjfu", "yssdeiwsh", 0.00017, [])
    flag = _answer("lffq{rvj}f0u", "yssd{eiw}s0h", 0.00017, alts)  # digits in words: flags' rule
    answers = [sure, short, uncalibrated, hybrid, none, flag]
    assert all(a is b for a, b in zip(choice.likeliest(answers), answers, strict=True))


def test_only_the_default_language_step_chooses() -> None:
    alts = [Alternative(1, "keepquiet", 0.99983)]
    d = _answer("lffqrvjfu", "yssdeiwsh", 0.00017, alts)
    assert language.with_language([d])[0].plaintext == "keepquiet"
    assert language.with_language([d], "en")[0].plaintext == "yssdeiwsh"  # the model alone
    assert language.with_language([d], top=0)[0].alternatives == []


def test_decrypt_answers_with_the_likeliest() -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["decrypt", "lffqrvjfu", "-q"])
    assert r.exit_code == 0 and r.stdout == "keepquiet\n"
    r = runner.invoke(app, ["decrypt", "lffqrvjfu", "--lang", "en", "-q"])
    assert r.exit_code == 0 and r.stdout == "yssdeiwsh\n"
    r = runner.invoke(app, ["decrypt", "FDWGRJ", "--top", "0", "-q"])
    assert r.exit_code == 0 and r.stdout == "CATDOG\n"
