from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "mutualise.participation"
    label = "participation"

    def ready(self) -> None:
        # why: the app registry is ready only in ready()
        from mutualise.audit import batch_sums
        from mutualise.meetings import decisions

        from .mixing import MIXED_ACTION, stored_ballots
        from .services import to_meeting
        from .services.delivery import record_carried_resolution

        batch_sums.register(MIXED_ACTION, stored_ballots)
        # A carried resolution's delivery record, made in the declaration's transaction.
        decisions.on_carried(record_carried_resolution)
        # Proposals waiting for a general meeting, on the meetings pages.
        decisions.on_waiting(
            decisions.WaitingSource(
                to_meeting.PREFIX, to_meeting.waiting_items, to_meeting.place_item
            )
        )
