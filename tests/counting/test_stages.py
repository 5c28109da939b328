"""The result as a member reads it: every stage column adds up to the valid poll, every stage is
said in words with its rule, methods by name, and a chart that fits a phone."""

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from counting_strategies import profiles
from hypothesis import given, settings

from mutualise.counting import report
from mutualise.counting.ballots import from_lists
from mutualise.counting.blt import read_blt
from mutualise.counting.methods import INDEX, get_method
from mutualise.counting.stages import explain, sheet

pytestmark = pytest.mark.pure

WARDS = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "scottish-stv" / "ballots"
RANKED = sorted(slug for slug, info in INDEX.items() if info.is_ranked)
SVG = "{http://www.w3.org/2000/svg}"


def check_columns(result):
    data = report.to_dict(result)
    rows = sheet(data)
    total = rows[-1]
    assert total.label == "Total"
    for k, stage in enumerate(result.stages):
        # The exact column total is the valid poll (transferable votes neither appear nor vanish).
        assert report.column_totals(result)[k] == result.valid_poll, (result.method, k)
        assert Decimal(total.cells[k].total) == result.valid_poll
        if k:
            moved = sum(stage.transfers) + stage.non_transferable + stage.loss
            assert moved == 0, (result.method, k)
    return data


@settings(max_examples=60, deadline=None)
@given(profiles(min_candidates=2, max_candidates=6, max_groups=12))
def test_every_column_adds_up_to_the_valid_poll(profile):
    for slug in RANKED:
        check_columns(get_method(slug)(profile, 1 if slug == "irv" else None, seed=3))


@pytest.mark.parametrize("slug", RANKED)
def test_every_column_adds_up_on_real_wards(slug):
    for path in sorted(WARDS.glob("*.blt"))[::110]:
        data = check_columns(get_method(slug)(read_blt(path), 1 if slug == "irv" else None, seed=0))
        assert len(explain(data)) == len(data["stages"])


def scottish_case():
    names = ["Aisha Rahman", "Ben Okafor", "Cara Lind", "Derek Usher"]
    ballots = [(19, [0, 2]), (10, [3]), (3, [1]), (2, [2])]
    return get_method("scottish-stv")(from_lists(names, ballots, seats=2), seed=1)


def test_each_stage_says_why_with_its_rule():
    data = report.to_dict(scottish_case())
    views = explain(data)
    assert [v.title for v in views] == [
        "First preferences",
        "Surplus of Aisha Rahman",
        "Exclusion of Ben Okafor",
        "Exclusion of Cara Lind",
    ]
    assert views[0].reasons == [
        "First preferences counted: 34 valid votes; the quota is 12",
        "Aisha Rahman elected: reached the quota of 12 (rule 47)",
    ]
    # 7 / 19 = 0.368421..., cut to five places (rule 48(3)).
    assert views[1].reasons[0] == (
        "Aisha Rahman's surplus of 7.00000 transferred at 0.36842 per paper (rule 48)"
    )
    assert views[1].reasons[1:] == ["0.00002 lost to rounding"]
    assert views[2].reasons == [
        "Ben Okafor excluded with the fewest votes (3.00000) (rule 50)",
        "3.00000 non-transferable: no further preference",
    ]
    assert views[3].reasons[-2] == (
        "Derek Usher elected: the continuing candidates equal the vacancies left (rule 52(1))"
    )


def test_the_sheet_shows_transfers_non_transferable_and_the_total():
    rows = {row.label: row for row in sheet(report.to_dict(scottish_case()))}
    cara = rows["Cara Lind"].cells
    assert [(c.transfer, c.total) for c in cara] == [
        (None, "2.00000"),
        ("+6.99998", "8.99998"),
        ("-", "8.99998"),
        ("-8.99998", "0.00000"),
    ]
    assert [c.total for c in rows["Non-transferable"].cells] == [
        "0.00000", "0.00000", "3.00000", "11.99998",
    ]  # fmt: skip
    assert [c.total for c in rows["Lost to rounding"].cells][-1] == "0.00002"
    assert [c.total for c in rows["Total"].cells] == ["34.00000"] * 4
    assert rows["Derek Usher"].status == "elected at stage 4"


def test_the_last_vacancy_rule_is_named():
    from test_nhs_mer import HELD_VOTES_BALLOTS

    result = get_method("nhs-mer-stv")(from_lists("WXYZ", HELD_VOTES_BALLOTS, seats=1), seed=1)
    views = explain(report.to_dict(result))
    assert views[3].reasons[0].startswith("Exclusion of X continued: ")
    assert (
        "Z elected: at least the votes of all the other continuing candidates together with any "
        "surplus not transferred (rule 52(2))"
    ) in views[3].reasons


def test_meek_first_stage_states_the_quota_then_not_the_last():
    # Meek's quota falls as papers exhaust; stage 1 said "the quota is 3.000000001" (the last
    # stage's) for 12 votes and one seat, whose quota then was 6.000000001.
    profile = from_lists("ABCD", [(6, [0]), (3, [1]), (2, [2, 1]), (1, [3, 2, 1])], seats=1)
    data = report.to_dict(get_method("meek-stv")(profile, seed=1))
    assert data["quota"] == "3.000000001"
    first = explain(data)[0].reasons[0]
    assert first == "First preferences counted: 12 valid votes; the quota is 6.000000001"


def test_names_never_method_ids():
    text = report.to_text(get_method("nhs-mer")(from_lists("AB", [(3, [0]), (1, [1])]), seed=1))
    assert "Method: NHS Model Election Rules STV" in text and "nhs-mer" not in text
    page = report.to_html(scottish_case())
    assert "Method: Scottish STV." in page and "scottish-stv" not in page


def test_a_result_stored_before_the_new_fields_still_reads():
    data = report.to_dict(scottish_case())
    for stage in data["stages"]:
        for key in ("total", "note", "transfer_value"):
            stage.pop(key)
    data.pop("method_name")
    assert [c.total for c in sheet(data)[-1].cells] == ["34.00000"] * 4
    assert "transferred at the value it arrived at" in explain(data)[1].reasons[0]
    assert "Method: Scottish STV" in report.to_text(data)  # by name, never the id


def test_the_chart_fits_a_phone_with_labelled_axes():
    profile = read_blt(WARDS / "aberdeen_2017_ward1.blt")
    svg = report.svg_chart(get_method("scottish-stv")(profile, seed=0), table_id="below")
    tree = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in tree.get("viewBox").split())
    assert width <= 390 and tree.get("width") == "100%" and tree.get("height") is None
    texts = [t.text for t in tree.iter(f"{SVG}text")]
    assert "Stage" in texts and "Votes" in texts and "quota" in texts
    assert tree.get("role") == "img" and "table" in tree.find(f"{SVG}desc").text
    for line in tree.iter(f"{SVG}polyline"):
        for point in line.get("points").split():
            x, y = (float(v) for v in point.split(","))
            assert 0 <= x <= width and 0 <= y <= height
    legend = [t.text for t in tree.iter(f"{SVG}text") if t.text in profile.candidates]
    assert legend == profile.candidates


def test_single_stage_methods_read_plainly():
    profile = from_lists(["Yes", "No"], [(5, [0]), (3, [1])])
    fptp = explain(report.to_dict(get_method("fptp")(profile, seed=1)))
    assert fptp[0].title == "Votes counted"
    assert fptp[0].reasons == ["Votes counted: 8 valid votes", "Yes elected: the most votes"]
    vote = explain(report.to_dict(get_method("referendum")(profile, seed=1)))
    assert vote[0].reasons[-1].startswith("The motion is carried: Yes had 5/8 of the valid votes")


def test_the_sheet_adds_up_as_printed_for_a_rule_in_exact_fractions():
    # WIGM's values are exact fractions shown cut to 9 places: each row's transfer was its own
    # cut-off figure (a total of 347.952889398 passed on as -347.952889399 left 0), and the
    # cut-off totals of a column fell short of the total by a few 10^-9. A member adds what is
    # printed: each total is the one before plus the transfer, and each column adds up.
    result = get_method("wigm-stv")(read_blt(WARDS / "glasgow_2012_ward2.blt"), seed=0)
    rows = sheet(report.to_dict(result))
    assert rows[-2].label == "Fractions past 9 decimal places"
    for k in range(len(result.stages)):
        column = sum(Decimal(row.cells[k].total) for row in rows[:-1])
        assert column == Decimal(rows[-1].cells[k].total) == result.valid_poll, k
        for row in rows[:-1]:
            if k:
                moved = (
                    Decimal(0) if row.cells[k].transfer == "-" else Decimal(row.cells[k].transfer)
                )
                assert Decimal(row.cells[k - 1].total) + moved == Decimal(row.cells[k].total)


def test_a_meek_stage_where_no_vote_moved_does_not_say_surpluses_passed_on():
    # After an exclusion Meek's iteration can stop at once (sure losers, or someone already at
    # the recomputed quota): every transfer "-", yet the stage was titled "Surpluses passed on"
    # and said "The elected candidates' surpluses passed on" (found by the attack review of
    # issue 12).
    result = get_method("meek-stv")(read_blt(WARDS / "glasgow_2012_ward2.blt"), seed=0)
    data = report.to_dict(result)
    views = {view.number: view for view in explain(data)}
    still = [s for s in result.stages if s.action == "count" and not any(s.transfers)]
    assert still and not any(s.non_transferable for s in still)
    for stage in still:
        view = views[stage.number]
        assert view.title == "No transfer" == report.describe_stage(result, stage.number)
        assert view.reasons[0].startswith("No votes moved: no surplus was passed on (")
        assert "surpluses passed on" not in " ".join(view.reasons)
    moved = [s for s in result.stages if s.action == "count" and any(s.transfers)]
    assert all(views[s.number].title == "Surpluses passed on" for s in moved)
    assert report.describe_stage(result, moved[0].number) == "Surpluses passed on"
