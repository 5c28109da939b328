"""Who may do what with members' shares (django-rules; the object is the organisation).

The membership secretary keeps the share register; the board may see it and declare interest.
A member sees only their own account (checked in the view by the linked membership)."""

import rules

from mutualise.register.rules import is_administrator, is_board, is_officer

keeps_register = is_officer | is_administrator

rules.add_perm("stake.keep_register", keeps_register)
rules.add_perm("stake.view_register", keeps_register | is_board)
rules.add_perm("stake.declare_interest", is_board | is_officer)
rules.add_perm("stake.transfer_assets", is_board | is_officer)
rules.add_perm("stake.suspend_withdrawals", is_board)
rules.add_perm("stake.pay_withdrawals", is_board | is_officer)
rules.add_perm("stake.allocate_surplus", is_board | is_officer)
rules.add_perm("stake.approve_surplus_as_board", is_board)
