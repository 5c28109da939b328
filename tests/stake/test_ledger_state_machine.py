"""The share ledger driven through its services in any order with arbitrary amounts (hypothesis
stateful): allot, pay, transfer, withdraw, credit interest, forfeit, death and cessation, each
accepted or refused exactly as a plain model of the rules says. After every step: each balance
is the sum of its entries and the model's, never negative nor above the maximum holding; every
refusal is a StakeError that wrote nothing; interest is the exact per-day rule (money.interest,
computed here from the model's own history), its parts summing to the run's total to the penny
and each credited or recorded as paid out. Withdrawal requests are asked for and paid between
the movements: whatever lowers a holding, a member's waiting requests never ask for more than
they hold, and a payment round never fails for it."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from stake_helpers import make_members

from mutualise.constitution import model_path
from mutualise.constitution.money import Movement as Held
from mutualise.constitution.money import interest
from mutualise.register import services as register
from mutualise.stake import services
from mutualise.stake.models import InterestPayment, Movement, ShareAccount, WithdrawalRequest
from mutualise.stake.services import StakeError

MEMBERS = 3
FIRST_DAY = date(2001, 1, 1)
DECREASES = ("withdrawal", "forfeit", "death", "cessation")

# Arbitrary pence (zero, negative, not whole shares, past the cap) and, as often, whole shares.
pence = st.one_of(
    st.integers(-1_000, 12_000_000),
    st.integers(1, 1_200).map(lambda n: n * 10_000),
    st.sampled_from([0, 1, 99, 100, 25_000, 9_999_999, 10_000_000, 10_000_001]),
)
who = st.integers(0, MEMBERS - 1)


class Ledger(RuleBasedStateMachine):
    org = None  # set by the test: one organisation and its members for every run
    members: list = []

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()  # each run is rolled back in teardown
        self.ceiling = services.maximum_holding(self.org)
        self.nominal = self.org.constitution.shares.nominal_value_pence
        self.cap = Fraction(self.org.constitution.shares.interest_cap)
        self.balance = [0] * MEMBERS
        self.history: list[list[Held]] = [[] for _ in range(MEMBERS)]
        self.day = FIRST_DAY
        self.interest_from = FIRST_DAY

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # The model of the rules: what must be accepted, and what it leaves.

    def _allowed(self, kind: str, index: int, amount: int) -> bool:
        if kind == "withdrawal":  # only the request and the payment round pay one
            return False
        if amount <= 0 or (kind == "allotment" and amount % self.nominal):
            return False
        after = self.balance[index] + (-amount if kind in DECREASES else amount)
        return 0 <= after <= self.ceiling

    def _moved(self, index: int, signed: int) -> None:
        self.balance[index] += signed
        self.history[index].append(Held(self.day, signed))

    def _refused(self, call) -> None:
        before = list(
            ShareAccount.objects.filter(organisation=self.org).values_list("pk", "balance_pence")
        )
        with pytest.raises(StakeError) as refused:
            call()
        assert str(refused.value)  # says why
        after = list(
            ShareAccount.objects.filter(organisation=self.org).values_list("pk", "balance_pence")
        )
        assert after == before  # nothing written
        event(f"refused: {refused.value}"[:40])

    # The steps.

    @rule(days=st.integers(0, 400))
    def time_passes(self, days):
        self.day += timedelta(days=days)

    @rule(index=who, amount=pence, kind=st.sampled_from(["allotment", "payment", *DECREASES]))
    def movement(self, index, amount, kind):
        def call():
            return services.record_movement(
                self.org, self.members[index], kind, amount, on=self.day
            )

        if not self._allowed(kind, index, amount):
            return self._refused(call)
        call()
        event(f"accepted: {kind}")
        self._moved(index, -amount if kind in DECREASES else amount)

    @rule(index=who, shares=st.integers(1, 20_000))
    def allot_whole_shares(self, index, shares):
        self.movement(index, shares * self.nominal, "allotment")

    @precondition(lambda self: any(self.balance))
    @rule(
        index=who,
        part=st.fractions(Fraction(1, 97), 1, max_denominator=97),
        kind=st.sampled_from([*DECREASES, "transfer"]),
    )
    def take_part_of_a_holding(self, index, part, kind):
        amount = int(self.balance[index] * part)
        if kind == "transfer":
            self.transfer(index, (index + 1) % MEMBERS, amount)
        else:
            self.movement(index, amount, kind)

    @precondition(lambda self: any(self.balance))
    @rule(index=who)
    def cessation_of_everything(self, index):
        held = self.balance[index]
        call = lambda: services.record_movement(  # noqa: E731
            self.org, self.members[index], "cessation", held, on=self.day
        )
        if held == 0:
            return self._refused(call)
        call()
        self._moved(index, -held)

    @rule(giver=who, receiver=who, amount=pence)
    def transfer(self, giver, receiver, amount):
        def call():
            return services.transfer(
                self.org, self.members[giver], self.members[receiver], amount, on=self.day
            )

        fits = (
            giver != receiver
            and amount > 0
            and self.balance[giver] >= amount
            and self.balance[receiver] + amount <= self.ceiling
        )
        if not fits:
            return self._refused(call)
        call()
        event("accepted: transfer")
        self._moved(giver, -amount)
        self._moved(receiver, amount)

    @precondition(lambda self: self.day >= self.interest_from and any(self.history))
    @rule(rate=st.fractions(Fraction(1, 1000), Fraction(1, 10), max_denominator=1000))
    def interest(self, rate):
        start, end = self.interest_from, self.day
        call = lambda: services.post_interest(self.org, rate, start, end)  # noqa: E731
        if rate > self.cap:
            return self._refused(call)
        holdings = {
            self.members[i].number: self.history[i] for i in range(MEMBERS) if self.history[i]
        }
        total, parts = interest(holdings, rate, start, end)
        run, preview = call()
        assert (run.total_pence, preview.by_member) == (total, parts)
        credited = dict(
            Movement.objects.filter(reference=f"interest-run-{run.pk}").values_list(
                "account__member__number", "amount_pence"
            )
        )
        paid = dict(
            InterestPayment.objects.filter(run=run).values_list("member__number", "amount_pence")
        )
        event(
            f"interest: {'credited' if credited else 'none credited'}, {'some' if paid else 'none'} paid out"
        )
        assert sum(credited.values()) + sum(paid.values()) == total  # not a penny made or lost
        assert credited.keys().isdisjoint(paid) and {**credited, **paid} == parts
        for i, member in enumerate(self.members):
            part = parts.get(member.number, 0)
            fits = self.balance[i] > 0 and self.balance[i] + part <= self.ceiling
            assert (member.number in credited) == (part > 0 and fits)
            if member.number in credited:
                self.history[i].append(Held(end, part))
                self.balance[i] += part
        self.interest_from = end + timedelta(days=1)

    @rule(index=who, amount=pence)
    def ask_to_withdraw(self, index, amount):
        asked = WithdrawalRequest.objects.filter(organisation=self.org).count()
        try:
            services.request_withdrawal(self.org, self.members[index], amount, on=self.day)
            event("accepted: withdrawal request")
        except StakeError as refused:
            assert str(refused)
            assert WithdrawalRequest.objects.filter(organisation=self.org).count() == asked
            event("refused: withdrawal request")

    @rule()
    def pay_withdrawals(self):
        paid = services.pay_withdrawals(self.org, on=self.day)
        by_request = dict(
            WithdrawalRequest.objects.filter(pk__in=paid.paid).values_list("pk", "member_id")
        )
        index = {m.pk: i for i, m in enumerate(self.members)}
        for pk, pence in paid.paid.items():
            self._moved(index[by_request[pk]], -pence)
        event(f"withdrawals: {'some' if paid.paid else 'none'} paid")

    @invariant()
    def waiting_requests_never_ask_for_more_than_is_held(self):
        for i, member in enumerate(self.members):
            waiting = WithdrawalRequest.objects.filter(member=member, state="waiting")
            assert sum(r.outstanding_pence for r in waiting) <= self.balance[i]
            assert all(r.outstanding_pence > 0 for r in waiting)

    @invariant()
    def the_ledger_balances_and_matches_the_model(self):
        assert services.verify_ledger(self.org) == []
        held = dict(
            ShareAccount.objects.filter(organisation=self.org).values_list(
                "member_id", "balance_pence"
            )
        )
        assert [held.get(m.pk, 0) for m in self.members] == self.balance
        assert all(0 <= b <= self.ceiling for b in self.balance)
        assert not Movement.objects.filter(
            organisation=self.org, balance_after_pence__gt=self.ceiling
        ).exists()


@pytest.mark.django_db
def test_the_ledger_through_its_services_in_any_order():
    text = model_path("community-energy-coop").read_text()
    org = register.create_organisation(
        name="Machine", constitution_text=text.replace("transferable: false", "transferable: true"),
        source_name="x.yaml", actor="t", slug="machine",
    )  # fmt: skip
    Ledger.org, Ledger.members = org, make_members(org, MEMBERS)
    run_state_machine_as_test(
        Ledger,
        settings=settings(
            max_examples=15,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),  # fmt: skip
    )
