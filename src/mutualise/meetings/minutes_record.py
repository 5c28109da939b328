"""A meeting's minutes: drafted from the record the chair or secretary keeps, approved at a
later meeting as a true record, then published. Meetings are named by their label, so this
module needs nothing from models.py (which imports it, for Django to find the model)."""

from django.db import models

from mutualise.register.models import Organisation

from .lifecycle import MinutesState
from .questions import MinutesQuestions


class Minutes(MinutesQuestions, models.Model):
    State = MinutesState  # its transitions: lifecycle.MINUTES_TRANSITIONS

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="minutes"
    )
    text = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    drafted_at = models.DateTimeField()
    approved_at_meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_minutes",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The record the chair or secretary keeps (services/record.py); `text` is made from it.
    chair_name = models.CharField(max_length=200, blank=True)
    started_at = models.TimeField(null=True, blank=True, help_text="When the meeting began")
    ended_at = models.TimeField(null=True, blank=True, help_text="When it ended")
    attendance = models.TextField(blank=True, help_text="Who attended, and apologies")
    discussion = models.JSONField(
        default=dict, blank=True, help_text="Agenda item number -> what was discussed"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.CharField(
        max_length=150, blank=True, help_text="Who signed them as a true record"
    )

    def __str__(self) -> str:
        return f"minutes of meeting {self.meeting_id} ({self.state})"
