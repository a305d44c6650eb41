"""``caesar-rnn encrypt``: shift every letter of each message forward by K."""

from __future__ import annotations

from typing import Annotated

from caesar_rnn.cli.common import handled, read_input
from caesar_rnn.cli.options import FileOpt, QuietOpt, TextArg, shift_option


def encrypt(
    text: TextArg = None,
    file: FileOpt = None,
    shift: Annotated[
        int, shift_option("Key: shift letters forward by K (any integer, taken modulo 26).")
    ] = 3,
    quiet: QuietOpt = False,
) -> None:
    """Caesar-encrypt TEXT (or each line of --file or stdin): letters shift by K, case kept,
    everything else unchanged."""
    from caesar_rnn.api import encrypt as shift_forward

    with handled():
        for line in read_input(text, file):
            print(shift_forward(line, shift))
