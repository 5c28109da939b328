"""Names a voter could take for one another share one key (`names.name_key`); names that look
different keep different keys."""

import pytest

from mutualise.counting.names import look_alike_clause, name_key, what_differs

pytestmark = pytest.mark.pure

LOOK_ALIKES = [
    ("Ann Able", "ANN  ABLE"),  # case and spacing
    ("Ann Able", "Ann\u00a0Able"),  # a non-breaking space
    ("Anna Smith", "\u0410nn\u0430 Smith"),  # Cyrillic capital and small a
    ("Joe Bloggs", "J\u043ee Bl\u043egg\u0455"),  # Cyrillic o and dze
    ("Helen Kemp", "\u0397elen \u039aemp"),  # Greek capital eta and kappa
    ("Pat Cox", "\u0420at \u0421\u043e\u0445"),  # Cyrillic Er, Es, o, ha
    ("Ann Able", "\uff21\uff4e\uff4e \uff21\uff42\uff4c\uff45"),  # fullwidth letters
    ("Ann Able", "\U0001d400nn Able"),  # mathematical bold capital A
    ("Ann Able", "An\u200bn Ab\u00adle"),  # a zero-width space, a soft hyphen
    ("Ann Able", "Ann\u2060 Able\ufeff"),  # a word joiner, a zero-width no-break space
    ("Ann Able", "Ann Able\ufe0f"),  # a variation selector
    ("Zoë Ray", "Zo\u0451 Ray"),  # Cyrillic yo is Latin e with diaeresis
    ("Zoë Ray", "Zoe\u0308 Ray"),  # composed or not
    ("Ruth Fine", "Ruth \ufb01ne"),  # the fi ligature
    ("Lisa Hall", "L\u0131sa Hall"),  # dotless i
]


@pytest.mark.parametrize("name, other", LOOK_ALIKES)
def test_look_alike_names_share_a_key(name, other):
    assert name != other
    assert name_key(name) == name_key(other)


@pytest.mark.parametrize(
    "name, other",
    [
        ("Ann Able", "Ann B. Able"),
        ("Ann Able", "AnnAble"),  # a space is seen; a missing one is too
        ("Zoë Ray", "Zoe Ray"),  # an accent is seen
        ("José", "Jose"),
        ("Ёлкин", "Елкин"),  # two Cyrillic names differing in a letter
        ("Νίκος", "Νικος"),
        ("Ann Able 2", "Ann Able Z"),
    ],
)
def test_names_that_look_different_keep_different_keys(name, other):
    assert name_key(name) != name_key(other)


def test_a_name_in_cyrillic_is_one_name_whatever_its_case():
    assert name_key("ВОВА ПЕТРОВ") == name_key("Вова Петров") == name_key("вова петров")
    assert name_key("ΕΛΕΝΗ") == name_key("Ελένη".replace("έ", "ε"))


def test_a_refusal_names_the_characters_that_look_alike():
    clause = look_alike_clause("\u0410nn Able", "Ann\u200b Able")
    assert "U+0410 CYRILLIC CAPITAL LETTER A" in clause
    assert "U+200B ZERO WIDTH SPACE" in clause
    assert look_alike_clause("ann  able", "Ann Able") == ""  # case and spacing: plain to see
    assert what_differs("Zoë Ray") == []
