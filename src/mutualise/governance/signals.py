"""Elections write elected terms (`OfficeTerm`) when a result is declared; each one enters the
register of office holders in the same transaction. A signal, so the elections app (lower in
the house plan) need not know governance exists."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from mutualise.elections.models import OfficeTerm

from .services.holders import sync_elected_term


@receiver(post_save, sender=OfficeTerm, dispatch_uid="governance-elected-term")
def elected_term_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loading fixtures
        return
    sync_elected_term(instance)
