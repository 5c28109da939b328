"""A small valid rulebook for tests to break, one edit at a time."""

BASE = """\
schema_version: 1
organisation:
  name: Test Society
  legal_form: community-benefit-society
  financial_year_end: 31 March
  purpose: testing the rulebook loader
constituencies:
  - id: public-north
    name: Public North
    kind: public
    eligibility:
      minimum_age: 16
      excludes_staff: true
      area:
        postcode_districts: [NE1, NE2]
        local_authority_codes: [E08000021]
  - id: staff
    name: Staff
    kind: staff
    eligibility:
      staff:
        minimum_fixed_term_months: 12
appointers:
  - id: council
    name: The Council
    kind: local-authority
bodies:
  - id: board
    name: Board
    kind: board
    total_seats: 9
    term:
      years: 3
    seats:
      - id: public
        seats: 5
        filled_by: elected
        electorate: public-north
      - id: staff
        seats: 3
        filled_by: elected
        electorate: staff
      - id: council
        seats: 1
        filled_by: appointed
        appointer: council
    composition:
      - description: Public seats are more than half
        seats: {constituency_kind: public}
        share: {fraction: 1/2, inclusive: false}
elections:
  method: scottish-stv
  timetable:
    day_kind: working
    notice_of_election: 40
    nominations_close: 28
    poll_closes_at: "17:00"
  when_uncontested: declare-elected
meetings:
  agm:
    within_months_of_year_end: 6
    notice_clear_days: 14
  general:
    notice_clear_days: 10
  quorum:
    absolute: 3
    fraction: 25%
    combine: greater
  resolutions:
    - id: ordinary
      name: Ordinary resolution
      threshold: {fraction: 1/2, inclusive: false}
      base: votes-cast
shares:
  nominal_value_pence: 100
  minimum_holding_pence: 100
  maximum_holding_pence: 10000
  withdrawable: true
  transferable: false
surplus:
  allocation:
    - use: reserves
    - use: interest-on-shares
asset_lock:
  kind: cbs-statutory
  permitted_recipients: [charity]
  removable: false
"""


def line_of(snippet: str, text: str = BASE) -> int:
    """1-based line on which `snippet` (which must occur exactly once) starts."""
    assert text.count(snippet) == 1, f"{snippet!r} occurs {text.count(snippet)} times"
    return text[: text.index(snippet)].count("\n") + 1


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)
