"""Properties over arbitrary text (hypothesis): the cipher round-trips, decryption never crashes,
keeps every non-letter in place and gives one output line per input line."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from caesar_rnn.cipher import decrypt, encrypt, is_letter
from caesar_rnn.cli.app import app
from caesar_rnn.decoding.backends import load_backend
from caesar_rnn.decoding.decode import decrypt_messages

runner = CliRunner()
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Any code point, surrogates included (as undecodable argv bytes arrive on Linux).
ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=80)
# What a line of a text file can hold: anything but line ends and NUL (NUL means binary).
LINE = st.text(st.characters(blacklist_characters="\n\r\x00", blacklist_categories=("Cs",)))


def _same_shape(cipher: str, plain: str) -> bool:
    """Letters stay letters of the same case; everything else is unchanged, in place."""
    return len(cipher) == len(plain) and all(
        (is_letter(c) and is_letter(p) and c.isupper() == p.isupper()) or c == p
        for c, p in zip(cipher, plain, strict=True)
    )


@given(ANY_TEXT, st.integers(-1000, 1000))
def test_encrypt_then_decrypt_is_identity(text: str, k: int) -> None:
    assert decrypt(encrypt(text, k), k) == text
    assert _same_shape(text, encrypt(text, k))


@FEW
@given(st.lists(ANY_TEXT, max_size=6))
def test_decrypt_messages_never_crashes(tiny_model: str, messages: list[str]) -> None:
    backend = load_backend(tiny_model, "cpu")
    for mode in ("key", "argmax"):
        out = decrypt_messages(messages, backend, mode)
        assert len(out) == len(messages)
        for m, d in zip(messages, out, strict=True):
            assert _same_shape(m, d.plaintext)
            assert (d.shift is None) == (not any(is_letter(c) for c in m))


@FEW
@given(ANY_TEXT)
def test_decrypt_argument_never_crashes(tiny_model: str, text: str) -> None:
    assume(text != "-")  # the documented "read standard input" (its own tests: tests/cli)
    r = runner.invoke(app, ["decrypt", "--model", tiny_model, "--", text])  # "--": text may be "-x"
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.stderr
    if r.exit_code == 1:  # only text that cannot be UTF-8 is refused, with one error line
        assert r.stdout == "" and "is not valid UTF-8" in r.stderr
    else:
        # Raw bytes: click's Result.stdout turns "\r\n" into "\n".
        assert r.exit_code == 0 and _same_shape(text, r.stdout_bytes.decode()[:-1])


@FEW
@given(st.lists(LINE, max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_decrypt_file_gives_one_line_per_line(
    tiny_model: str, tmp_path_factory: object, lines: list[str], eol: str, last_eol: bool
) -> None:
    src: Path = tmp_path_factory.mktemp("prop") / "in.txt"  # type: ignore[attr-defined]
    body = eol.join(lines) + (eol if lines and last_eol else "")
    src.write_bytes(body.encode("utf-8"))
    r = runner.invoke(app, ["decrypt", "--file", str(src), "--model", tiny_model])
    assert r.exit_code == 0, r.stderr
    got = r.stdout.split("\n")
    assert got[-1] == ""  # every output line ends with a newline
    got = got[:-1]
    want = body.split(eol)
    if want[-1] == "":
        want = want[:-1]  # a final line end ends the last line; it does not start another
    assert len(got) == len(want)
    for line, out in zip(want, got, strict=True):
        assert _same_shape(line, out)
