"""The settings form writes values into the rulebook text in place: comments and every other
line stay; what it cannot write it names by field; the result is checked like any rulebook."""

import pytest
import yaml

from mutualise.constitution import available_models, load_text
from mutualise.constitution import settings as rulebook_settings
from mutualise.constitution.settings import SettingError, apply, settings_for

MODELS = available_models()


@pytest.mark.parametrize("slug", sorted(MODELS))
def test_every_model_has_settings_and_unchanged_values_change_nothing(slug):
    text = MODELS[slug].read_text()
    found = settings_for(text)
    keys = {s.key for s in found}
    assert "organisation.name" in keys and any(k.endswith(".seats") for k in keys)
    assert apply(text, {s.key: s.value for s in found}) == text


@pytest.mark.parametrize("slug", sorted(MODELS))
def test_every_setting_of_every_model_can_be_written(slug):
    text = MODELS[slug].read_text()
    for setting in settings_for(text):
        new_value = {
            "count": "7",
            "pence": "3.50",
            "list": "AB1, AB2",
            "text": "Renamed: one",
            "paragraph": "Renamed: one",
        }[setting.kind]
        changed = apply(text, {setting.key: new_value})
        data = yaml.safe_load(changed)
        for part in setting.path:
            data = data[part]
        expected = {
            "count": 7,
            "pence": 350,
            "list": ["AB1", "AB2"],
            "text": "Renamed: one",
            "paragraph": "Renamed: one",
        }
        assert data == expected[setting.kind], setting.key
        # Every comment stays (the models' lists are flow lists, written in place).
        comments = [line for line in text.splitlines() if line.strip().startswith("#")]
        assert comments == [line for line in changed.splitlines() if line.strip().startswith("#")]
        if setting.kind not in ("list", "paragraph"):  # these may take more or fewer lines
            assert len(changed.splitlines()) == len(text.splitlines())


def test_comments_stay_and_the_result_loads():
    text = MODELS["co-operative-society"].read_text()
    changed = apply(
        text,
        {
            "organisation.name": "Riverside Wholefoods Co-operative Limited",
            "bodies[0].seats[0].seats": "6",
            "bodies[0].total_seats": "8",
            "shares.nominal_value_pence": "£5",
            "shares.minimum_holding_pence": "5",
        },
    )
    assert "nominal_value_pence: 500              # £1 shares [R]" in changed
    constitution = load_text(changed, "co_operative_society.yaml")
    assert constitution.shares.nominal_value_pence == 500
    assert constitution.organisation.name == "Riverside Wholefoods Co-operative Limited"


def test_a_block_list_becomes_a_flow_list_in_place():
    text = MODELS["nhs-foundation-trust"].read_text()
    block = text.replace(
        "        postcode_districts: [NE1, NE2, NE3, NE4, NE5, NE6, NE7, NE15]\n",
        "        postcode_districts:\n          - NE1  # first\n          - NE2  # last\n"
        "        # after the list\n",
    )
    assert block != text
    changed = apply(block, {"constituencies[0].eligibility.area.postcode_districts": "NE9, NE8"})
    assert (
        "        postcode_districts:\n          [NE9, NE8]  # last\n        # after the list\n"
        in (changed)
    )
    assert load_text(changed, "x.yaml").constituencies[0].eligibility.area.postcode_districts == (
        "NE9",
        "NE8",
    )


@pytest.mark.parametrize("slug", sorted(MODELS))
def test_the_purpose_is_a_setting_written_as_a_folded_paragraph(slug):
    """Issue 13: the founding form lacked the organisation's purpose (its objects)."""
    text = MODELS[slug].read_text()
    assert "organisation.purpose" in {s.key for s in settings_for(text)}
    words = "running a community shop: for members # and others, " * 12 + "in Riverside"
    typed = words.replace(", ", ",\r\n  ", 3)  # as a textarea sends it, wrapped
    changed = apply(text, {"organisation.purpose": typed})
    assert load_text(changed, "x.yaml").organisation.purpose == " ".join(words.split())
    longest = max(96, *(len(line) for line in text.splitlines()))
    assert max(len(line) for line in changed.splitlines()) <= longest  # short lines, folded
    with pytest.raises(SettingError) as refused:
        apply(text, {"organisation.purpose": "  \n "})
    assert refused.value.problems == {"organisation.purpose": "Enter a value"}
    with pytest.raises(SettingError):
        apply(text, {"organisation.purpose": "x" * 2001})


def test_values_the_form_cannot_write_are_named_by_field():
    text = MODELS["co-operative-society"].read_text()
    with pytest.raises(SettingError) as refused:
        apply(text, {"shares.nominal_value_pence": "two pounds", "meetings.quorum.absolute": "-1"})
    assert set(refused.value.problems) == {"shares.nominal_value_pence", "meetings.quorum.absolute"}


def test_a_count_isdigit_lets_through_is_refused_in_words():
    """'²' and '١٢' pass str.isdigit(): int() then refused '²' with Python's own words and
    wrote '١٢' as 12; a count is written in figures 0 to 9."""
    text = MODELS["co-operative-society"].read_text()
    for raw in ("²", "١٢"):
        with pytest.raises(SettingError) as refused:
            apply(text, {"meetings.quorum.absolute": raw})
        assert refused.value.problems == {
            "meetings.quorum.absolute": "Enter a whole number, like 14"
        }


def test_seats_that_no_longer_add_up_are_a_problem_at_their_line():
    from mutualise.constitution import RulebookError

    text = MODELS["co-operative-society"].read_text()
    changed = apply(text, {"bodies[0].seats[0].seats": "8"})
    with pytest.raises(RulebookError) as problems:
        load_text(changed, "rules.yaml")
    assert any(p.line and p.field.startswith("bodies[0]") for p in problems.value.problems)


@pytest.mark.parametrize("text,pence", [("1", 100), ("£2.50", 250), ("0.5", 50), ("1,000", 100000)])
def test_pounds_parse_to_pence(text, pence):
    assert rulebook_settings.parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["", "abc", "1.234", "-1", "£"])
def test_bad_pounds_are_none(text):
    assert rulebook_settings.parse_pounds(text) is None
