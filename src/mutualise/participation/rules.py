"""Who may do what in participation (django-rules predicates; the object is the organisation).

Proposals, budgets' projects and results, and the delivery page are public. Members propose,
support and vote (the budget's own eligibility is checked by the voting service). The board and
the membership secretary run budgets, review projects and moderate; whoever runs budgets also
keeps the delivery records.
"""

import rules

from mutualise.register.rules import is_administrator, is_board, is_chair, is_member, is_officer

runs_participation = is_board | is_officer | is_chair | is_administrator

rules.add_perm("participation.view", rules.always_allow)
rules.add_perm("participation.propose", is_member)
rules.add_perm("participation.support", is_member)
rules.add_perm("participation.vote", is_member)
rules.add_perm("participation.moderate", runs_participation)
rules.add_perm("participation.run_budget", runs_participation)
rules.add_perm("participation.keep_delivery", runs_participation)
