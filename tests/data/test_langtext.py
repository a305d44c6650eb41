"""Training text in other languages: wordfreq's words drawn by frequency, one language per
message."""

import random

import pytest

from caesar_rnn.data import langtext
from caesar_rnn.data.generate import generate
from caesar_rnn.errors import CaesarRNNError
from caesar_rnn.languages import fold

pytest.importorskip("wordfreq")


def test_walk_reaches_the_letters_and_keeps_accents() -> None:
    walk = langtext.word_walk("pl")
    rng = random.Random(0)
    words = [w for _ in range(200) for w in walk.walk(rng, 12)]
    assert all(w == w.lower() for w in words)
    assert any(set(w) & set("ąęłśżźćńó") for w in words)
    assert all(fold(w).replace("-", "").replace("'", "").isascii() for w in words)
    assert sum(len(fold(w)) for w in walk.walk(random.Random(1), 30)) >= 30
    common = {"nie", "w", "i", "na", "się", "z"}
    assert len(common & set(words)) >= 4  # drawn by frequency


def test_language_walk_mixes_per_message() -> None:
    walk = langtext.language_walk(["de", "en"])
    rng = random.Random(3)
    walks = [walk(rng, 20) for _ in range(40)]
    assert any("der" in w or "die" in w for w in walks) and any("the" in w for w in walks)
    with pytest.raises(CaesarRNNError, match="no language given"):
        langtext.language_walk([])
    with pytest.raises(CaesarRNNError, match="unknown language 'xx'"):
        langtext.language_walk(["xx"])


def test_generate_by_language_is_seeded() -> None:
    a = list(generate(20, 8, 16, style="natural", seed=5, langs=["fr", "es"]))
    b = list(generate(20, 8, 16, style="natural", seed=5, langs=["fr", "es"]))
    assert a == b and a != list(generate(20, 8, 16, style="natural", seed=6, langs=["fr"]))
    with pytest.raises(CaesarRNNError, match="either languages or corpus files"):
        next(generate(2, 8, 16, corpus_files=["x.txt"], langs=["fr"]))
