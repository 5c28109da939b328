import pytest

from mutualise.constitution.eligibility import (
    in_areas,
    is_valid_postcode,
    normalise_postcode,
    postcode_district,
    postcode_sector,
)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("  SW1A   1AA ", "SW1A 1AA"),
        ("ne1 4lp", "NE1 4LP"),
        ("m11ae", "M1 1AE"),
        ("EC1A1BB", "EC1A 1BB"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_normalise(raw, normal):
    assert normalise_postcode(raw) == normal
    assert is_valid_postcode(raw)


@pytest.mark.parametrize(
    "bad", ["", "SW1A", "1AA SW1", "SW1A 1CA", "SW1A 1A", "NE1 4LPX", "Q1 1AA1"]
)
def test_invalid_postcodes(bad):
    assert not is_valid_postcode(bad)
    with pytest.raises(ValueError, match="is not a UK postcode"):
        postcode_district(bad)


def test_district_and_sector():
    assert postcode_district("sw1a 1aa") == "SW1A"
    assert postcode_sector("sw1a 1aa") == "SW1A 1"
    assert postcode_district("NE15 8NY") == "NE15"
    assert postcode_sector("NE15 8NY") == "NE15 8"


def test_in_areas_matches_whole_districts_and_sectors_only():
    assert in_areas("NE1 4LP", ["NE1"])
    assert not in_areas("NE15 8NY", ["NE1"])  # NE15 is not inside NE1
    assert in_areas("NE15 8NY", ["NE15 8"])
    assert not in_areas("NE15 7AA", ["NE15 8"])
    assert not in_areas("not a postcode", ["NE1"])
