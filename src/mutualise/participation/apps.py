from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "mutualise.participation"
    label = "participation"

    def ready(self) -> None:
        from mutualise.audit import batch_sums

        from .mixing import MIXED_ACTION, stored_ballots

        batch_sums.register(MIXED_ACTION, stored_ballots)
