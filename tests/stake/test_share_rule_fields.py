"""Issue 20, item 5: the rulebook's `shares` fields `withdrawable`, `moratorium` and
`certificates`, each changed in the community energy co-op's rules, change what the stake app
does: whether a member may withdraw, when a withdrawal falls due, whether a certificate issues."""

import re
from datetime import date

import pytest
from stake_helpers import make_members

from mutualise.constitution import model_path
from mutualise.register import services as register
from mutualise.stake import services
from mutualise.stake.documents import certificate_pdf
from mutualise.stake.models import Movement
from mutualise.stake.services import StakeError

pytestmark = pytest.mark.django_db
OPENED = date(2024, 1, 10)


def _energy(slug, **shares):
    text = model_path("community-energy-coop").read_text(encoding="utf-8")
    for field, value in shares.items():  # None: the line goes
        line = f"  {field}: {value}" if value is not None else ""
        text, changed = re.subn(
            rf"(?m)^  {field}: [^#\n]*[^#\s].*\n?", line + "\n" * bool(line), text
        )
        assert changed == 1, field
    org = register.create_organisation(
        name=f"Energy {slug}", constitution_text=text, source_name=f"{slug}.yaml", slug=slug,
        actor="t",
    )  # fmt: skip
    (member,) = make_members(org, 1)
    services.record_movement(org, member, "allotment", 100_000, on=OPENED)
    return org, member


def test_withdrawable():
    org, member = _energy(
        "no-withdrawals", withdrawable="false", withdrawal_notice=None, moratorium=None,
        withdrawal_yearly_limit=None, board_may_suspend_withdrawals=None,
    )  # fmt: skip
    with pytest.raises(StakeError, match=r"shares are not withdrawable \(shares.withdrawable\)"):
        services.request_withdrawal(org, member, 50_000, on=date(2028, 3, 1))
    org, member = _energy("withdrawals")
    assert services.request_withdrawal(org, member, 50_000, on=date(2028, 3, 1))


def test_moratorium():
    asked = date(2024, 3, 1)  # 13 weeks' notice: due 31 May 2024, but for the moratorium
    org, member = _energy("three-years")
    assert services.request_withdrawal(org, member, 50_000, on=asked).due_on == date(2027, 1, 10)
    org, member = _energy("one-year", moratorium="1 year")
    assert services.request_withdrawal(org, member, 50_000, on=asked).due_on == date(2025, 1, 10)


def test_certificates():
    for certificates in ("true", "false"):
        org, _ = _energy(f"certificates-{certificates}", certificates=certificates)
        allotment = Movement.objects.get(organisation=org, kind=Movement.Kind.ALLOTMENT)
        if certificates == "true":
            assert certificate_pdf(org, allotment).startswith(b"%PDF")
        else:
            with pytest.raises(StakeError, match=r"issue no share certificates"):
                certificate_pdf(org, allotment)
