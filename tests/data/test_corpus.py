"""The default English source: real prose's letter and word statistics, no blocked word, and the
shipped blocklist derived from its sources."""

from pathlib import Path

import pytest

from caesar_rnn.data.generate import generate


def test_default_source_has_what_real_prose_has() -> None:
    """Names, titles and contractions: a spelling dictionary lacks them, running text is full of
    them. Contractions keep their apostrophe in the natural style, lose it in the letters style."""
    import random

    from caesar_rnn.data.corpus import default_chain, dress

    chain = default_chain()
    vocab = set(chain.words)
    assert {"mr", "holmes", "lucie", "don't", "i'm", "the"} <= vocab
    natural = [r["plaintext"] for r in generate(2000, 20, 40, style="natural", seed=3)]
    assert sum("'" in str(p) for p in natural) > 20
    letters = [r["plaintext"] for r in generate(2000, 20, 40, style="letters", seed=3)]
    assert all(str(p).isalpha() and len(str(p)) >= 20 for p in letters)
    assert dress(["i'm", "sure", "i'd", "go"], random.Random(0)).split()[2].startswith("I'd")


def test_default_source_holds_no_blocked_word() -> None:
    """The chain leaves out the shipped list's words and word pairs; a cut word that makes one
    ("assistant" -> "ass" at a message's end, "classes" -> "asses" at its start) is drawn again."""
    from caesar_rnn.data.corpus import blocklist, default_chain, is_clean

    words, pairs = blocklist()
    assert len(words) > 300 and ("blow", "job") in pairs
    chain = default_chain()
    assert not words & set(chain.words)
    assert not any(words & set(succ) for succ, _ in chain.successors.values())
    for seed in (0, 1):
        recs = generate(3000, 4, 32, style="natural", seed=seed, mid_word=0.3)
        assert all(is_clean(str(r["plaintext"])) for r in recs)


@pytest.mark.parametrize(
    ("text", "clean"),
    [("The cat sat on the mat", True), ("Please call the ass", False),
     ("a blow job", False), ("a blow to the job", True), ("Assistant, class", True)],
)  # fmt: skip
def test_is_clean(text: str, clean: bool) -> None:
    from caesar_rnn.data.corpus import is_clean

    assert is_clean(text) is clean


def test_shipped_blocklist_is_derived_from_its_sources() -> None:
    """caesar_rnn/data/blocklist.txt is what scripts/build_blocklist.py derives today."""
    pytest.importorskip("glin_profanity")
    pytest.importorskip("better_profanity")
    import importlib.util
    from importlib import resources

    path = Path(__file__).parents[2] / "scripts" / "build_blocklist.py"
    spec = importlib.util.spec_from_file_location("build_blocklist", path)
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    shipped = resources.files("caesar_rnn.data").joinpath("blocklist.txt").read_text()
    assert shipped == build.header() + "\n".join(build.derive()) + "\n"
