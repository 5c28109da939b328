"""The append-only, hash-chained event log.

Each organisation has its own chain: event n stores the hash of event n-1, so editing or deleting
any row breaks every hash after it. The event's data is chained through a salted digest, so that
personal data in it can later be erased (data blanked, `redacted_at` set) while the chain still
verifies: the digest stays, and the salt stops anyone guessing the erased data from it.

The hash alone would let whoever can write the database rewrite an event and recompute every hash
after it; so each event and the head also carry a seal, an HMAC under a key held outside the
database (keys.py), and the id of the key that made it. Erasure reseals the event it blanks.
"""

from django.db import models


class AuditHead(models.Model):
    """The tip of one organisation's chain; locked while an event is appended."""

    organisation = models.OneToOneField(
        "register.Organisation", on_delete=models.PROTECT, related_name="audit_head"
    )
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    key_id = models.CharField(max_length=16, blank=True, help_text="Which audit key sealed it")
    seal = models.CharField(max_length=64, blank=True, help_text="HMAC of the head's position")

    def __str__(self) -> str:
        return f"audit head of {self.organisation_id} at #{self.last_sequence}"


class AuditEvent(models.Model):
    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.PROTECT, related_name="audit_events"
    )
    sequence = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=150, help_text="Username, or 'system' / 'cli:<user>'")
    action = models.CharField(max_length=80, help_text="Dotted verb, e.g. 'member.admitted'")
    subject_type = models.CharField(max_length=80, blank=True)
    subject_id = models.CharField(max_length=80, blank=True)
    data = models.JSONField(default=dict, blank=True)
    data_salt = models.CharField(max_length=32)
    data_digest = models.CharField(max_length=64)
    redacted_at = models.DateTimeField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16, blank=True, help_text="Which audit key sealed it")
    seal = models.CharField(max_length=64, blank=True, help_text="HMAC of the hash, under the key")

    class Meta:
        ordering = ["organisation", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sequence"], name="audit_event_unique_sequence"
            )
        ]
        indexes = [models.Index(fields=["organisation", "subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} by {self.actor}"


class SealedBallots(models.Model):
    """The ballots as they stood when an event sealed them (at the count): each ballot's id and
    content, sorted by id, compressed (audit/digests.py). `verify` compares the stored ballots
    with it and names each one changed. Its SHA-256 is in the event's data, so it is sealed."""

    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="ballots")
    listing = models.BinaryField()

    def __str__(self) -> str:
        return f"ballots sealed by event #{self.event_id}"
