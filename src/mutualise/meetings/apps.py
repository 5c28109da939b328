from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "mutualise.meetings"
    label = "meetings"

    def ready(self) -> None:
        from mutualise.audit import digests

        from .sealed import SEALED_ACTION, published_digest, stored_ballots

        digests.register(SEALED_ACTION, stored_ballots, published_digest)
