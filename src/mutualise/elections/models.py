"""Data and database constraints of the elections app.

Secrecy by construction (docs/secrecy.md): `VoteRecord` (this voter has voted) and `Ballot` (what
a ballot says) share no key, no sequence, no time and no transaction. A cast writes the vote
record and a `SealedBallot` (the ballot encrypted under a key outside the database) together;
the mixer (mixing.py) later opens sealed ballots in shuffled batches of at least K, writes them
as `Ballot` rows and `Receipt` rows (in two independent orders), and rewrites the batch's vote
records, so all three share only the batch. On SQLite these tables are WITHOUT ROWID tables,
stored in the order of their random keys (migration 0002).
"""

import uuid

from django.conf import settings
from django.db import models

from mutualise.counting.methods import describe
from mutualise.counting.result import CountError
from mutualise.register.models import Member, Organisation

from .lifecycle import State
from .questions import CandidateQuestions, ElectionQuestions


class Election(ElectionQuestions, models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="elections"
    )
    title = models.CharField(max_length=200)
    body_id = models.CharField(max_length=80)
    seat_group_id = models.CharField(max_length=80)
    constituency_id = models.CharField(max_length=80)
    class_id = models.CharField(max_length=80, blank=True)
    vacancies = models.PositiveIntegerField()
    vacancies_explained = models.JSONField(default=dict, blank=True)
    method = models.CharField(max_length=40)
    method_options = models.JSONField(default=dict, blank=True)
    close_of_poll = models.DateField()
    state = models.CharField(max_length=24, choices=State.choices, default=State.DRAFT)
    roll_frozen_on = models.DateField(null=True, blank=True)
    # Facts of the count: the seed decides any lot, so a recount with it gives the same result.
    seed = models.BigIntegerField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    report_text = models.TextField(blank=True)
    turnout = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)
    poll_opened_at = models.DateTimeField(null=True, blank=True)
    poll_closed_at = models.DateTimeField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["organisation", "-close_of_poll", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=State.values), name="election_state_known"
            ),
            models.CheckConstraint(condition=models.Q(vacancies__gt=0), name="election_has_seats"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def state_enum(self) -> State:
        return State(self.state)

    @property
    def method_info(self):
        """The counting method's own account of itself (name, ballot kind, parameters), or
        None for a method this install does not have."""
        try:
            return describe(self.method)
        except CountError:
            return None

    @property
    def is_ranked(self) -> bool:
        info = self.method_info
        return info is not None and info.is_ranked

    @property
    def method_name(self) -> str:
        info = self.method_info
        return info.name if info else self.method


class Candidate(CandidateQuestions, models.Model):
    class Status(models.TextChoices):
        NOMINATED = "nominated", "Validly nominated"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REJECTED = "rejected", "Nomination rejected"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="candidacies")
    ballot_name = models.CharField(max_length=200)
    statement = models.TextField(blank=True)
    proposers = models.ManyToManyField(
        Member, related_name="proposed", blank=True, through="CandidateProposer"
    )
    seconders = models.ManyToManyField(
        Member, related_name="seconded", blank=True, through="CandidateSeconder"
    )
    declarations = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOMINATED)
    rejection_reason = models.CharField(max_length=500, blank=True)
    nominated_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Set where the returning officer entered a nomination form received on paper: the day
    # the form reached them (within the nomination period).
    received_on = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True)  # 1-based, on the ballot
    elected = models.BooleanField(default=False)
    elected_unopposed = models.BooleanField(default=False)

    class Meta:
        ordering = ["election", "position", "ballot_name"]
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="candidate_once"),
            models.UniqueConstraint(
                fields=["election", "position"], name="candidate_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.ballot_name


class _NominationLink(models.Model):
    """One member proposing or seconding a candidate: a through table, so that it carries
    `organisation` (add with through_defaults={"organisation": ...})."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE)
    member = models.ForeignKey(Member, on_delete=models.CASCADE)
    does = ""  # what the member does for the candidate, for __str__

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.member_id} {self.does} {self.candidate_id}"


class CandidateProposer(_NominationLink):
    does = "proposes"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "member"], name="candidate_proposer_once")
        ]


class CandidateSeconder(_NominationLink):
    does = "seconds"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "member"], name="candidate_seconder_once")
        ]


class RollEntry(models.Model):
    """One voter on an election's roll, frozen from the register at the cut-off."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="roll_entries")
    member_number = models.PositiveBigIntegerField()
    added_late = models.BooleanField(default=False)
    removed = models.BooleanField(default=False)
    correction_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["election", "member_number"]
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="roll_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.election_id}: member {self.member_number}"


class Credential(models.Model):
    """A voting code: stored only as a keyed hash. Replacing one voids it."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        POST = "post", "Poll card by post"
        IN_PERSON = "in-person", "Handed over in person"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="credentials")
    roll_entry = models.ForeignKey(RollEntry, on_delete=models.CASCADE, related_name="credentials")
    code_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    issued_at = models.DateTimeField()
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["roll_entry"],
                condition=models.Q(voided_at__isnull=True),
                name="credential_one_live_per_voter",
            )
        ]

    def __str__(self) -> str:
        return f"credential for {self.roll_entry}"


class VoteRecord(models.Model):
    """The marked register: this voter has voted. No time, no sequence, no link to the ballot.

    The unique roll entry is what makes a second ballot from the same voter impossible, whatever
    the channel and whichever of their credentials is used.
    """

    class Channel(models.TextChoices):
        INTERNET = "internet", "Internet"
        POST = "post", "Post (entered by officers)"
        PAPER = "paper", "Paper in person (entered by officers)"
        TELEPHONE = "telephone", "Telephone"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    roll_entry = models.OneToOneField(
        RollEntry, on_delete=models.PROTECT, related_name="vote_record"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)

    def __str__(self) -> str:
        return "a vote record"


# How a ballot arrives (VoteRecord.Channel) -> the rulebook's name for it (`elections.channels`).
CHANNEL_RULES = {
    "internet": ("internet",),
    "telephone": ("telephone", "text"),
    "post": ("postal",),
    "paper": ("in-person",),
}


class SealedBallot(models.Model):
    """A cast ballot waiting for the mixer: its marks, receipt and vote record's key, sealed
    (mutualise/secrecy/sealing.py). Written in the cast's transaction; deleted when mixed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    sealed = models.TextField()

    def __str__(self) -> str:
        return "a sealed ballot"


class Ballot(models.Model):
    """One ballot's contents, anonymous, written by the mixer. `marks` are 1-based ballot
    positions, most preferred first (for a cross vote: the candidates marked, in ballot order).
    `receipt` is empty unless the rulebook chose receipts that show a ballot's contents."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    receipt = models.CharField(max_length=16, blank=True)
    marks = models.CharField(max_length=400)

    class Meta:
        # Not unique: a receipt is drawn at the cast and cannot be redrawn once acknowledged;
        # two voters sharing one (odds of 1 in 10^11 among a million) each still find theirs.
        indexes = [models.Index(fields=["election", "receipt"], name="ballot_receipt")]

    def __str__(self) -> str:
        return "a ballot"


class Receipt(models.Model):
    """The published list of receipts: proof that a ballot is in the count, not of what it says.
    Written by the mixer in an order independent of the ballots'."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    receipt = models.CharField(max_length=16)

    class Meta:
        indexes = [models.Index(fields=["election", "receipt"], name="receipt_lookup")]

    def __str__(self) -> str:
        return f"receipt {self.receipt}"


class PaperEntry(models.Model):
    """One keying of a postal or paper ballot, waiting for the second. It holds a keyed digest
    of the code and the marks, never the marks: a matching second keying is recognised, but no
    row ties the credential to what the paper says. Deleted when the ballot is cast."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    marks_digest = models.CharField(max_length=64, default="")
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    keyed_by_name = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "code_hash"], name="paper_entry_once")
        ]

    def __str__(self) -> str:
        return "a pending paper keying"


class TurnoutTally(models.Model):
    """Live turnout for the returning officer's console: votes in the batches the mixer has
    mixed, by the day it mixed them and the channel they came by. Written only by the mixer, in
    its transaction, so each row moves in whole batches of at least K (docs/secrecy.md: a
    figure that moved with every cast would tell whoever watched it when a voter voted). Not a
    secret table: a batch's vote records already show their channels."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel = models.CharField(max_length=16, choices=VoteRecord.Channel.choices)
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["election", "day", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "day", "channel"], name="turnout_tally_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.votes} votes by {self.channel} on {self.day}"


class EntryThrottle(models.Model):
    """Wrong codes entered from one client (a keyed hash of its address) in one time window."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    client = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "client", "window_start"], name="throttle_window_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.failures} wrong codes"


class OfficeTerm(models.Model):
    """The register of office-holders: who holds an elected seat, from when until when.

    `ended_on` is set when a term ends early (resignation, death, disqualification): a casual
    vacancy. Declared results add rows here.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body_id = models.CharField(max_length=80)
    seat_group_id = models.CharField(max_length=80)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="office_terms"
    )
    holder_name = models.CharField(max_length=200)
    started_on = models.DateField()
    ends_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    election = models.ForeignKey(
        Election, on_delete=models.SET_NULL, null=True, blank=True, related_name="terms"
    )

    class Meta:
        ordering = ["organisation", "body_id", "seat_group_id", "started_on"]

    def __str__(self) -> str:
        return f"{self.holder_name} ({self.body_id}/{self.seat_group_id})"
