"""An offer says whether it takes applications on a day, as the offer page decided from its
state string and dates before (issue 20, item 2)."""

from datetime import date

from mutualise.stake.models import ShareOffer


def test_an_offer_takes_applications_only_while_open_and_within_its_dates():
    opens, closes = date(2026, 3, 1), date(2026, 3, 31)
    for state in ShareOffer.State.values:
        offer = ShareOffer(state=state, opens_on=opens, closes_on=closes)
        assert offer.not_yet_closed is (state == "open")
        for day in (date(2026, 2, 28), opens, date(2026, 3, 15), closes, date(2026, 4, 1)):
            expected = state == "open" and opens <= day <= closes
            assert offer.takes_applications_on(day) is expected, (state, day)
