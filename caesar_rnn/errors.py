"""The one exception users see: the CLI prints its message on stderr and exits 1."""


class CaesarRNNError(Exception):
    """A user-facing error: bad input, a missing or broken model file, a bad option."""
