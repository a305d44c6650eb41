import pytest

from caesar_rnn.cipher import (
    BOUNDARY,
    decrypt,
    encrypt,
    fill_letters,
    find_shift,
    letters_of,
    shift_text,
    tokenize,
)

EDGE = [
    "",
    "   ",
    "1234 !?",
    "héllo wörld",
    "日本語 text",
    "Hello, World!",
    "ZzAa",
    "a\tb\nc",
    "🙂x🙂",
]


@pytest.mark.parametrize("k", range(26))
@pytest.mark.parametrize(
    "text", EDGE + ["helloworld", "The quick brown fox jumps over the lazy dog."]
)
def test_round_trip(text: str, k: int) -> None:
    assert decrypt(encrypt(text, k), k) == text
    assert len(encrypt(text, k)) == len(text)


def test_known_values() -> None:
    assert encrypt("helloworld", 3) == "khoorzruog"
    assert decrypt("Khoor, Zruog!", 3) == "Hello, World!"
    assert encrypt("xyz XYZ", 3) == "abc ABC"
    assert shift_text("abc", 29) == shift_text("abc", 3) == "def"
    assert shift_text("abc", -1) == "zab"


@pytest.mark.parametrize("text", ["1234 !?", "héllo", "日本語", ""])
def test_non_ascii_letters_unchanged(text: str) -> None:
    non_ascii = [ch for ch in text if not ch.isascii()]
    assert [ch for ch in encrypt(text, 7) if not ch.isascii()] == non_ascii


def test_tokenize_boundaries() -> None:
    assert tokenize("Hi, Bob!", boundaries=True) == [7, 8, BOUNDARY, 1, 14, 1]
    assert tokenize("Hi, Bob!", boundaries=False) == [7, 8, 1, 14, 1]
    assert tokenize("  ...  ", boundaries=True) == []
    assert tokenize("é a", boundaries=True) == [0]


def test_fill_letters_keeps_case_and_others() -> None:
    assert fill_letters("Khoor, Zruog!", "helloworld") == "Hello, World!"
    assert fill_letters("ÀB-c", "xy") == "ÀX-y"
    assert letters_of("ÀB-c 1") == "bc"


@pytest.mark.parametrize("k", [0, 1, 13, 25])
def test_find_shift(k: int) -> None:
    assert find_shift(encrypt("Some text, here.", k), "Some text, here.") == k


def test_find_shift_rejects() -> None:
    assert find_shift("abc", "abd") is None
    assert find_shift("abc", "ab") is None
    assert find_shift("!!", "!!") == 0


def test_count_letters_and_letters_of_count_ascii_letters_only() -> None:
    import random

    from caesar_rnn.cipher import count_letters, is_letter, letters_of

    rng = random.Random(0)
    alphabet = "abcXYZ éßÅ 12!?\n\tzZaA'"
    for _ in range(2000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        assert count_letters(t) == sum(map(is_letter, t))
        assert letters_of(t) == "".join(c for c in t if is_letter(c)).lower()
    assert count_letters("Héllo, Wörld!") == 8
