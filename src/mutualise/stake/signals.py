"""Opening balances from the register import's "Shares" column: the register sends
`members_imported` inside the import's transaction and stake writes them, so the register
(lower in the house plan) need not know stake exists."""

from django.dispatch import receiver

from mutualise.register.signals import members_imported

from .services.opening import record_opening_balances


@receiver(members_imported, dispatch_uid="stake-opening-balances")
def opening_balances(sender, organisation, batch, opening_shares, on, actor=None, **kwargs):
    record_opening_balances(organisation, batch, opening_shares, on=on, actor=actor)
