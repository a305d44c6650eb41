"""Language codes and the folding of accented letters onto the 26 the cipher shifts."""

import pytest

from caesar_rnn import languages
from caesar_rnn.errors import CaesarRNNError


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Łódź, straße", "Lodz, strasse"),
        ("Ça coûte très cher", "Ca coute tres cher"),
        ("Příliš žluťoučký kůň", "Prilis zlutoucky kun"),
        ("ığüşöç İ", "igusoc I"),
        ("Ærø œuvre þorn", "Aero oeuvre thorn"),
        ("plain ASCII 123!", "plain ASCII 123!"),
        ("日本", "日本"),  # another alphabet is kept: not letters the cipher shifts
    ],
)
def test_fold(text: str, want: str) -> None:
    assert languages.fold(text) == want


def test_codes() -> None:
    assert languages.check_code(" PL ") == "pl"
    assert languages.check_code("auto", allow_auto=True) == "auto"
    assert languages.name("fr") == "French"
    assert languages.check_codes(["de", "fr", "de"]) == ["de", "fr"]
    assert len(languages.CODES) >= 25 and languages.CODES[0] == "en"
    with pytest.raises(CaesarRNNError, match="unknown language 'auto'.*en, ca, cs"):
        languages.check_code("auto")
    with pytest.raises(CaesarRNNError, match="unknown language 'xx'.* or auto"):
        languages.check_code("xx", allow_auto=True)
