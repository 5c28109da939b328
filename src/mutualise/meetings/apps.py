from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "mutualise.meetings"
    label = "meetings"

    def ready(self) -> None:
        # why: the app registry is ready only in ready()
        from mutualise.audit import batch_sums, digests

        from .sealed import MIXED_ACTION, SEALED_ACTION, published_digest, stored_ballots

        digests.register(SEALED_ACTION, stored_ballots, published_digest)
        batch_sums.register(MIXED_ACTION, stored_ballots, sealed_action=SEALED_ACTION)
