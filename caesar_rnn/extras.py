"""The optional parts of the install: which extra brings which modules, and one check for them.

The base install (``pip install caesar-rnn``) decrypts, cracks and encrypts with NumPy alone.
Training, data generation from the default English source, evaluation and GPUs need the
``train`` extra (torch and the text sources); charts need the ``plot`` extra (matplotlib).
"""

from __future__ import annotations

import importlib.util

from caesar_rnn.errors import CaesarRNNError

#: The default English source's packages (caesar_rnn.data.corpus).
TEXT_SOURCES = ("symspellpy", "wordfreq")
#: Extra -> (its name in words, the modules it installs).
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "train": ("training extra", ("torch", "tqdm", *TEXT_SOURCES)),
    "plot": ("plot extra", ("matplotlib",)),
}


def missing(extra: str, modules: tuple[str, ...] = ()) -> list[str]:
    """Those of ``modules`` (default: all of ``extra``'s) that cannot be found; nothing is
    imported to look."""
    out = []
    for name in modules or EXTRAS[extra][1]:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a module set to None in sys.modules, a broken parent
            found = False
        if not found:
            out.append(name)
    return out


def require(extra: str, purpose: str, *modules: str) -> None:
    """Raise one clear error when ``purpose`` (what needs it: "train", "the default English
    source") cannot run because ``extra``, or those of its ``modules`` it needs, is missing."""
    if missing(extra, modules):
        words = EXTRAS[extra][0]
        raise CaesarRNNError(f"{purpose} needs the {words}: pip install 'caesar-rnn[{extra}]'")
