"""`python -m caesar_rnn` runs the command-line interface."""

from caesar_rnn.cli.app import app

app(prog_name="caesar-rnn")
