"""Elections: timetable, nominations, electoral roll, voting codes, secret ballots, the count
(through `mutualise.counting`) and the declared result.

Where to look: `lifecycle.py` (states and the one table of guarded transitions), `services.py`
(every verb; one transaction and one audit event each), `seats.py` (vacancies from the rulebook
and the register of office-holders), `codes.py` (voting codes and receipts), `tally.py` (ballots
to a profile, the count, the published BLT/CSV), `rules.py` (who may act), `pdf.py` (poll cards,
the notice of result), `views.py` and `templates/elections/` (pages), `cli.py`
(`mutualise election ...`). Who may do what: docs/roles.md.
"""
