"""The tuning prose, now in the package (``caesar_rnn.decoding.tuning_text``); kept here for the
scripts and experiments that import it as a neighbour."""

from caesar_rnn.decoding.tuning_text import (  # noqa: F401
    LICENCE,
    SOURCES,
    WORD,
    docstring_words,
    man_words,
    prose_words,
    pydoc_words,
    roff_lines,
    tuning_words,
)
