from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "mutualise.elections"
    label = "elections"

    def ready(self) -> None:
        from mutualise.audit import digests

        from .sealed import SEALED_ACTION, stored_ballots

        digests.register(SEALED_ACTION, stored_ballots)
