"""Hexadecimal and base64 said to be encodings, not shifted letters (caesar_rnn.decoding.encoded)."""

import base64

import pytest

import caesar_rnn
from caesar_rnn.cipher import encrypt
from caesar_rnn.decoding import encoded, verdict
from caesar_rnn.decoding.decode import Alternative, Decryption

B64 = base64.b64encode(b"Hello World! This is base64.").decode()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("deadbeefcafebabe0123456789abcdef", "hexadecimal"),
        ("0x41414141deadbeef12", "hexadecimal"),
        (B64, "base64"),
        (encrypt(B64, 13), "base64"),
        ("deadbeefcafebabe", None),  # no digit: could be words
        ("khoorzruogwkhtxlfneurzq", None),  # letters only
        ("Wkh txlfn eurzq ira mxpsv", None),  # words
        ("ThisIsCamelCaseText", None),
        ("abc123", None),  # too short
        ("SGVsbG8gV29ybGQ", None),  # 15 characters: too short
        ("aGVsbG8_d29ybGQ-", "base64"),  # URL-safe, unpadded
        ("KhoorZruog123456", None),  # QA round 7: Caesar text, no shift decodes it to text
        ("LoryhQhzBrun2024", None),
        ("", None),
        ("zzzzzzzzzzzzzzzz", "one letter"),
        ("Zzz...", "one letter"),
        ("zz", None),  # two letters: too few to say
        ("noon", None),
    ],
)
def test_kind(text: str, kind: str | None) -> None:
    assert encoded.kind(text) == kind


def _answer(text: str) -> Decryption:
    return Decryption(text, encrypt(text, 9), 17, 0.99, True, [Alternative(1, "x", 0.01)], True)


def test_hex_answered_as_written_and_base64_at_the_shift_that_decodes_it() -> None:
    d = encoded.marked(_answer("deadbeefcafebabe0123456789abcdef"))
    assert d.plaintext == d.ciphertext and d.shift == 0 and d.confidence == encoded.CAP
    assert d.english is False and d.alternatives == []
    d = encoded.marked(_answer(encrypt(B64, 13)))  # rot13 of base64
    assert d.plaintext == B64 and d.shift == 13 and d.confidence == encoded.CAP
    plain = _answer("Wkh txlfn eurzq ira")
    assert encoded.marked(plain) is plain
    lines = verdict.notes(encoded.marked(_answer(B64)))
    assert lines == [
        f"{B64!r}: looks like base64, not shifted letters: decode it first (base64 -d)"
    ]


def test_decrypt_says_so_through_every_decode() -> None:
    for decode in ("key", "hybrid"):
        [d] = caesar_rnn.decrypt(["deadbeefcafebabe0123456789abcdef"], decode=decode)
        assert d.shift == 0 and d.confidence <= encoded.CAP and d.english is False


def test_hybrid_takes_the_english_verdict() -> None:
    """QA round 6: the hybrid decode answered random letters at 1.0."""
    right, junk = caesar_rnn.decrypt([encrypt("the quick brown fox jumps", 3), "jtsatvwkcj"],
                                     decode="hybrid", lang="en")  # fmt: skip
    assert right.english is True and right.confidence > 0.9
    assert junk.english is False and junk.confidence <= 0.5
    assert all(a.probability <= 0.5 for a in junk.alternatives)


def test_one_letter_repeated_is_never_sure() -> None:
    """QA round 6: ``zzzzzzzzzzzzzzzz`` was "kkkkkkkkkkkkkkkk", Portuguese, at 0.999."""
    [d] = caesar_rnn.decrypt(["zzzzzzzzzzzzzzzz"])
    assert d.confidence <= encoded.CAP and d.language is None and d.english is None
    assert all(a.probability <= d.confidence for a in d.alternatives)
    assert verdict.notes(d)[0].endswith("one letter repeated: no shift can be told from another")
