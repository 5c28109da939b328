"""Issue 11.5 for the surplus's file readers (the payroll file for an equal percentage of pay,
the trade file for a patronage dividend): any text gives the amounts or a StakeError naming the
row and column, never another exception."""

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from mutualise.stake.services.errors import StakeError
from mutualise.stake.services.surplus import read_amounts

CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["²", "١٢", "9" * 5000, "1,234.56", "£12.00", "-1", "1e3", "12.345", ""]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(CELLS, CELLS), max_size=6), st.text(max_size=200))
def test_the_payroll_reader_gives_amounts_or_a_stake_error(rows, noise):
    body = "\n".join(f'"{a.replace(chr(34), "")}","{b.replace(chr(34), "")}"' for a, b in rows)
    for text in ("Membership number,Gross pay\n" + body, noise):
        with contextlib.suppress(StakeError):
            found = read_amounts(text, "Gross pay", "payroll")
            assert all(isinstance(k, int) and v >= 0 for k, v in found.items())


def test_a_5000_digit_membership_number_is_named_at_its_row():
    text = "Membership number,Gross pay\n" + "9" * 5000 + ",100.00\n"
    with contextlib.suppress(StakeError) as _:
        read_amounts(text, "Gross pay", "payroll")
        raise AssertionError("a 5,000-digit membership number was read")
