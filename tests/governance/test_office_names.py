"""Issue 20 item 5: an office's name in the rulebook (`bodies.*.offices.*.name`) is what the
record-an-appointment form and the words for who chose a holder call it; renamed in the
rulebook, renamed there."""

from mutualise.constitution import load_text, model_path
from mutualise.governance.forms import seat_choices

CHAIR = """\
    offices:
      - id: chair
        name: Chair of the board
"""


def test_an_offices_name_is_what_the_form_and_the_chooser_words_call_it():
    text = model_path("co-operative-society").read_text(encoding="utf-8")
    assert text.count(CHAIR) == 1
    usual = load_text(text, "coop.yaml")
    renamed = CHAIR.replace("Chair of the board", "Presiding director")
    presiding = load_text(text.replace(CHAIR, renamed), "renamed.yaml")
    for constitution, name in ((usual, "Chair of the board"), (presiding, "Presiding director")):
        label = f"Board of Directors: {name} (elected)"
        assert ("board|office|chair", label) in seat_choices(constitution)
        assert constitution.chooser_name("chair") == f"the {name} of the Board of Directors"
    assert "Chair of the board" not in str(seat_choices(presiding))
