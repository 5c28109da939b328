from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "mutualise.elections"
    label = "elections"

    def ready(self) -> None:
        # why: the app registry is ready only in ready()
        from mutualise.accounts.independence import register_check
        from mutualise.audit import batch_sums, digests

        from .grant_checks import returning_officer_in_a_race, returning_officer_not_independent
        from .sealed import MIXED_ACTION, SEALED_ACTION, stored_ballots

        digests.register(SEALED_ACTION, stored_ballots)
        batch_sums.register(MIXED_ACTION, stored_ballots, sealed_action=SEALED_ACTION)
        register_check(returning_officer_in_a_race)
        register_check(returning_officer_not_independent)
