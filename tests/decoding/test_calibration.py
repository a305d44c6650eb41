"""The calibrated confidence, the English verdict, the runners-up and the argmax decode's account
of itself (caesar_rnn/decoding/calibration.py and the Decryption fields of decode.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from caesar_rnn.cipher import encrypt
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.calibration import (
    CALIBRATION,
    EDGES,
    FEATURES,
    STYLES,
    Calibration,
    Evidence,
    debiased_calibration_error,
    english_scores,
    expected_calibration_error,
    fit_logistic,
    length_bin,
    load_calibration,
    reliability,
)
from caesar_rnn.decoding.decode import decrypt_messages
from caesar_rnn.decoding.verdict import Readings, Verdict
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.store import shipped_model_dir

SHIPPED = shipped_model_dir()


@pytest.fixture(scope="module")
def backend():  # type: ignore[no-untyped-def]
    return load_backend(SHIPPED)


@pytest.fixture(scope="module")
def shipped_cal() -> Calibration:
    cal = load_calibration(SHIPPED)
    assert cal is not None, "the shipped model must carry its calibration table"
    return cal


def _verdict(low: float = -1e9, high: float = -1e9, words: float = -1e9) -> Verdict:
    """A verdict table: quadgram scores at or above ``high`` read as English, under ``low`` do
    not, in between the words floor decides."""
    k = len(EDGES)
    return Verdict("english", [low] * k, [high] * k, [words] * k)


def _table(a: float = 1.0, b: float = 0.0, c: float = 0.0, floor: float = -6.0) -> Calibration:
    rows = [[a, b, 0.0, 0.0, c] for _ in EDGES]
    top = {s: [1.0] * len(EDGES) for s in STYLES}
    return Calibration({s: rows for s in STYLES}, _verdict(floor, floor), top, 0.5)


def _evidence(scores: list[list[float]], letters: list[int], english: list[float]) -> Evidence:
    n = np.array(letters)
    return Evidence(np.array(scores), n, n, np.zeros(len(n), bool), np.array(english))


def _texts(letters: list[int]) -> list[str]:
    return ["thequickbrownfoxjumpsoverthelazydog"[:n] for n in letters]


def test_length_bins_cover_short_and_long() -> None:
    assert length_bin(np.array([1, 4, 5, 9, 11, 12, 64, 10_000])).tolist() == [
        0, 0, 1, 5, 6, 7, len(EDGES) - 1, len(EDGES) - 1,
    ]  # fmt: skip


def test_features_are_log_odds_and_per_letter_score() -> None:
    row = [0.0] * 26
    row[3], row[5] = -2.0, -4.0
    ev = _evidence([[-50.0] * 26, row], [10, 2], [-4, -4])
    ev.scores[0, 7] = -10.0
    logit, per_letter, _ = ev.features()
    assert per_letter[0] == pytest.approx(-1.0)
    assert logit[0] == pytest.approx(40.0 - np.log(25), abs=1e-6) or logit[0] == 30.0
    # Message 1: best is one of the 0.0 shifts; its log-odds against 23 other zeros and two lower.
    rest = np.log(23 + np.exp(-2.0) + np.exp(-4.0))
    assert logit[1] == pytest.approx(-rest)
    logit_k, _, _ = ev.features(np.array([7, 3]))
    assert logit_k[1] < logit[1]


def test_identity_table_reproduces_the_softmax_share() -> None:
    ev = _evidence([[0.0] * 25 + [5.0]], [10], [-4.0])
    p = np.exp(5.0) / (25 + np.exp(5.0))
    assert _table().judge(ev, _texts([10]))[0][0] == pytest.approx(p)


def test_not_english_caps_the_confidence() -> None:
    ev = _evidence([[0.0] * 25 + [40.0]] * 2, [12, 12], [-4.0, -9.0])
    conf, english = _table().judge(ev, _texts([12, 12]))
    assert english.tolist() == [True, False]
    assert conf[0] > 0.99 and conf[1] == 0.5


def test_the_words_floor_decides_inside_the_quadgram_band() -> None:
    english = encrypt("she said that it was nothing", 3)
    rand = encrypt("qxvbzkwjfpgmtd", 3)
    msgs = [english, rand]
    ev = _evidence([[0.0] * 3 + [9.0] + [0.0] * 22] * 2, [23, 14], [-4.0, -4.0])
    ev.english = np.full((2, 26), -9.0)
    ev.english[:, 3] = -4.0  # the quadgram's best shift is the model's: one reading each
    # Both in the band: segmented; the English reading reaches the floor, the random one not.
    readings = Readings(msgs, ev.letters)
    verdict = _verdict(low=-20.0, high=20.0, words=-6.0)
    assert verdict.judge(ev.quadgrams(), np.array([3, 3]), readings).tolist() == [True, False]
    assert readings.segmented == 2
    assert readings.words(0, 3) > -6.0 > readings.words(1, 3)
    # Above the band: English without segmenting; under it: not English without segmenting.
    for low, high, want in ((-20.0, -5.0, [True, True]), (-3.0, 20.0, [False, False])):
        readings = Readings(msgs, ev.letters)
        got = _verdict(low, high, -6.0).judge(ev.quadgrams(), np.array([3, 3]), readings)
        assert got.tolist() == want and readings.segmented == 0


def test_the_words_feature_moves_short_messages_only() -> None:
    cal = _table()
    for style in STYLES:
        cal.maps[style] = [[1.0, 0.0, 0.0, 1.0, 0.0] for _ in EDGES]
    letters = [8, 8, 16]
    ev = _evidence([[0.0] * 25 + [5.0]] * 3, letters, [-4.0] * 3)
    msgs = [encrypt("thecatsat", 25)[:8], "qxvbzkwj", _texts([16])[0]]
    conf, _ = cal.judge(ev, msgs)
    readings = Readings(msgs, ev.letters)
    x = cal.design(ev, readings)
    assert x[0, FEATURES.index("words")] > x[1, FEATURES.index("words")]
    assert x[2, FEATURES.index("words")] == 0.0  # 16 letters >= words_below: not segmented
    assert conf[0] > conf[1]


def test_logistic_fit_recovers_a_known_map() -> None:
    rng = np.random.default_rng(0)
    logit = rng.normal(2.0, 3.0, 20_000)
    per_letter = rng.normal(-0.5, 0.3, 20_000)
    truth = 1 / (1 + np.exp(-(0.5 * logit + 2.0 * per_letter - 1.0)))
    right = rng.random(20_000) < truth
    x = np.stack([logit, per_letter, np.ones_like(logit)], axis=1)
    assert fit_logistic(x, right, ridge=1e-3) == pytest.approx([0.5, 2.0, -1.0], abs=0.15)


def test_logistic_fit_weights_count_messages_as_repeats() -> None:
    rng = np.random.default_rng(1)
    x = np.stack([rng.normal(1.0, 2.0, 400), np.ones(400)], axis=1)
    right = rng.random(400) < 1 / (1 + np.exp(-x[:, 0]))
    twice = np.where(np.arange(400) < 100, 2.0, 1.0)
    repeated = np.concatenate([x, x[:100]]), np.concatenate([right, right[:100]])
    assert fit_logistic(x, right, 1.0, twice) == pytest.approx(fit_logistic(*repeated, 1.0))
    assert fit_logistic(x, right, 1.0, twice) != pytest.approx(fit_logistic(x, right, 1.0))
    assert fit_logistic(x, right, 1.0, np.ones(400)) == pytest.approx(fit_logistic(x, right))


def test_logistic_fit_stays_finite_without_misses() -> None:
    x = np.stack([np.full(300, 20.0), np.zeros(300), np.ones(300)], axis=1)
    a, b, c = fit_logistic(x, np.ones(300, bool))
    p = 1 / (1 + np.exp(-(a * 20.0 + c)))
    assert 0.99 < p < 1.0


def test_ece_and_reliability() -> None:
    conf = np.array([0.9] * 10 + [0.5] * 10)
    right = np.array([True] * 9 + [False] + [True] * 5 + [False] * 5)
    assert expected_calibration_error(conf, right) == pytest.approx(0.0)
    assert expected_calibration_error(np.full(4, 1.0), np.array([1, 1, 0, 0], bool)) == 0.5
    assert reliability(conf, right) == [(0.5, 0.5, 10), (0.9, 0.9, 10)]


def test_debiased_ece_takes_out_sampling_noise_only() -> None:
    rng = np.random.default_rng(3)
    conf = rng.uniform(0.5, 1.0, 2000)
    calibrated = rng.random(2000) < conf  # perfectly calibrated: only sampling noise
    plain = expected_calibration_error(conf, calibrated)
    assert debiased_calibration_error(conf, calibrated) < plain / 2
    off = rng.random(2000) < conf - 0.1  # 0.1 over-confident
    assert debiased_calibration_error(conf, off) == pytest.approx(0.1, abs=0.02)
    assert debiased_calibration_error(conf, off) <= expected_calibration_error(conf, off)
    # a bin of one answer keeps its plain gap (nothing to estimate its noise from)
    assert debiased_calibration_error(np.array([0.9]), np.array([False])) == pytest.approx(0.9)


def test_table_round_trips_and_bad_tables_are_refused(tmp_path: Path) -> None:
    cal = _table(0.7, 1.5, -2.0)
    (tmp_path / CALIBRATION).write_text(cal.to_json())
    back = load_calibration(tmp_path)
    assert back is not None and back.maps == cal.maps and back.verdict_table == cal.verdict_table
    assert back.ceiling == {s: [1.0] * len(EDGES) for s in STYLES}
    assert load_calibration(tmp_path / "nothing-here") is None
    doc = json.loads(cal.to_json())
    for broken in (
        "{not json",
        json.dumps({**doc, "format_version": 99}),
        json.dumps({**doc, "edges": [4, 8]}),
        json.dumps({**doc, "verdict_table": {**doc["verdict_table"], "words_floor": [0.0]}}),
        json.dumps({**doc, "verdict_table": None}),
        json.dumps({k: v for k, v in doc.items() if k != "maps"}),
        json.dumps({**doc, "maps": {s: [[1.0, 0.0]] * len(EDGES) for s in STYLES}}),
        json.dumps({**doc, "features": ["logit", "bias"]}),
        json.dumps({**doc, "ceiling": {"letters": [1.0]}}),
    ):
        (tmp_path / CALIBRATION).write_text(broken)
        with pytest.raises(CaesarRNNError, match="calibration"):
            load_calibration(tmp_path)


def test_english_scores_tell_english_from_random_letters() -> None:
    english = english_scores([encrypt("there was nothing more to be said about it", 5)])
    rand = english_scores(["qxzvjkwpqzxvbnmq"])
    assert english.shape == rand.shape == (1, 26)
    assert english[0, 5] == english.max() > -5.0 > -6.5 > rand.max()


def test_shipped_model_verdicts(backend, shipped_cal: Calibration) -> None:  # type: ignore[no-untyped-def]
    msgs = [encrypt("meet me at the old bridge at midnight", 11), "qwertyuiopzxcvbnm", "xkcd"]
    out = decrypt_messages(msgs, backend, calibration=shipped_cal)
    assert out[0].plaintext == "meet me at the old bridge at midnight"
    assert out[0].english is True and out[0].confidence > 0.99 and out[0].calibrated
    assert out[1].english is False and out[1].confidence <= shipped_cal.non_english_cap
    assert out[2].confidence < 0.99  # four letters: never near-certain


#: English written for this test (none of the evaluation texts), 8 letters and more each.
OWN_ENGLISH = [
    "the garden gate was open",
    "we left before the rain came",
    "please bring two loaves of bread",
    "Mr Hale said he would write soon",
    "Under the old bridge",
    "nobody knew where the key had gone",
    "it was colder than yesterday",
    "Call me when you arrive in Leeds",
]


def test_shipped_verdict_on_english_and_random_letters(backend, shipped_cal) -> None:  # type: ignore[no-untyped-def]
    import random

    english = decrypt_messages(
        [encrypt(t, 7) for t in OWN_ENGLISH], backend, calibration=shipped_cal
    )
    assert [d.english for d in english] == [True] * len(OWN_ENGLISH)
    rng = random.Random(3)
    rand = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(16)) for _ in range(40)]
    flagged = [d.english is False for d in decrypt_messages(rand, backend, calibration=shipped_cal)]
    assert sum(flagged) >= 36  # the report measures >= 99 % at 16 letters


def test_alternatives_rank_as_the_scores_and_share_the_rest(backend, shipped_cal) -> None:  # type: ignore[no-untyped-def]
    from caesar_rnn.classical.crackers import crack

    d = decrypt_messages(["abc"], backend, top=4, calibration=shipped_cal)[0]
    assert len(d.alternatives) == 4
    ranked = crack(["abc"], "model", top=5, backend=backend)[0]
    assert [c.shift for c in ranked] == [d.shift] + [a.shift for a in d.alternatives]
    probs = [a.probability for a in d.alternatives]
    assert probs == sorted(probs, reverse=True)
    assert d.confidence + sum(probs) <= 1.0 + 1e-9
    assert decrypt_messages(["abc"], backend, top=0)[0].alternatives == []


def test_uncalibrated_model_falls_back_to_the_softmax(backend) -> None:  # type: ignore[no-untyped-def]
    d = decrypt_messages(["khoorzruog"], backend)[0]
    assert d.calibrated is False and d.english is None
    assert d.to_dict()["english"] is None and d.confidence > 0.99


def test_argmax_says_whether_it_is_one_shift(backend, shipped_cal) -> None:  # type: ignore[no-untyped-def]
    key, arg = (
        decrypt_messages([encrypt("attack at dawn", 4), "abc"], backend, m, calibration=shipped_cal)
        for m in ("key", "argmax")
    )
    assert arg[0].single_shift is True and arg[0].shift == arg[0].nearest_shift == 4
    assert arg[0].confidence == pytest.approx(key[0].confidence)  # same meaning, same answer
    assert arg[1].plaintext == "rtt" and arg[1].single_shift is False
    assert arg[1].shift is None and arg[1].nearest_shift == 9 and arg[1].confidence == 0.0
    d = arg[1].to_dict()
    assert d["decode"] == "argmax" and 0 < d["letter_confidence"] < 1 and "alternatives" not in d


def test_no_letters() -> None:
    assert english_scores([]).shape == (0, 26)


def test_ceiling_is_what_the_confident_answers_bear_out() -> None:
    from caesar_rnn.decoding.calibration import ceiling

    conf = np.array([0.999] * 98 + [0.5, 0.6])
    right = np.array([True] * 97 + [False, True, False])
    assert ceiling(conf, right) == pytest.approx(98 / 100)
    assert ceiling(np.array([0.2, 0.4, 0.6, 0.8]), np.array([0, 0, 1, 1], bool)) == 0.75


def test_ceiling_caps_the_map() -> None:
    cal = _table()
    cal.ceiling = {s: [0.9] * len(EDGES) for s in STYLES}
    ev = _evidence([[0.0] * 25 + [40.0]], [12], [-4.0])
    assert cal.judge(ev, _texts([12]))[0][0] == pytest.approx(0.9)


def test_notes_for_people() -> None:
    from caesar_rnn.decoding.decode import Alternative, Decryption
    from caesar_rnn.decoding.verdict import notes

    sure = Decryption("khoor", "hello", 3, 0.995, True, [Alternative(4, "gdkkn", 0.001)], True)
    assert notes(sure) == []
    unsure = Decryption("abc", "rst", 9, 0.4, True, [Alternative(8, "stu", 0.3)], True)
    assert notes(unsure) == ["'abc': unsure (0.40); also shift 8 'stu' 0.30"]
    likelier = Decryption(
        "FDWGRJ", "OMFPAS", 17, 0.01, True,
        [Alternative(3, "CATDOG", 0.96), Alternative(2, "DBUEPH", 0.03)], True,
    )  # fmt: skip
    assert notes(likelier) == [
        "'FDWGRJ': unsure (0.01); shift 3 'CATDOG' is likelier (0.96) than this answer; "
        "also shift 2 'DBUEPH' 0.03"
    ]
    alone = Decryption("gnwar", "ubkof", 12, 0.01, True, [Alternative(0, "gnwar", 0.78)], True)
    assert notes(alone) == [
        "'gnwar': unsure (0.01); shift 0 'gnwar' is likelier (0.78) than this answer"
    ]
    gibberish = Decryption("qwerty", "msanpu", 4, 0.5, False, [], True)
    assert notes(gibberish) == ["'qwerty': no shift reads as English"]
    mixed = Decryption("abc", "rtt", None, 0.0, True, [], True, "argmax", False, 9, 0.3)
    assert "mixes shifts (nearest 9)" in notes(mixed)[0]


def test_unsure_without_runners_up_still_says_so() -> None:
    """``--top 0`` asks for no runners-up, not for the doubt to go unsaid (QA round 6)."""
    from caesar_rnn.decoding.decode import Decryption
    from caesar_rnn.decoding.verdict import notes

    assert notes(Decryption("xkcd", "nast", 11, 0.79, True, [], True)) == ["'xkcd': unsure (0.79)"]
