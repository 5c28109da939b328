"""General meetings: notice, agenda, resolutions, attendance, proxies, votes and minutes.

Ballot secrecy by construction (docs/secrecy-meeting-polls.md): `VoteRecord` says a member has
voted on a resolution; the vote goes in, sealed, as a `SealedBallot` in the same transaction; the
mixer opens sealed ballots in shuffled batches of at least K into `Ballot` (what was voted) and
`PollReceipt` (that a receipt's ballot is counted). Every id is random (`RandomIdField`), nothing
carries a time, and the declaration rewrites all of them in random order. A ballot names its
member only when the resolution is not secret.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from mutualise.constitution.schema import MeetingKindRule, NotFound
from mutualise.register.models import Member, Organisation
from mutualise.secrecy.sealing import SealBroken, Sealer

from .lifecycle import MeetingState, MotionState, RequisitionState, ResolutionState
from .questions import MeetingQuestions, MotionQuestions, RequisitionQuestions, ResolutionQuestions

# A proxy's instructions, sealed to one length (room for about a hundred resolutions).
INSTRUCTIONS_SEAL = Sealer("meetings.proxy-instructions", 2048)


def random_id() -> int:
    return secrets.randbits(63)


class RandomIdField(models.BigIntegerField):
    """A random 63-bit primary key. On SQLite the column is declared INTEGER, so it is the
    table's rowid itself: rows are stored, read and dumped in the order of random keys, not in
    the order they were written (a table keyed any other way keeps a hidden insertion rowid)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("default", random_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class Meeting(MeetingQuestions, models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # One of the rulebook's `meetings.kinds` (Constitution.meeting_kinds), not a fixed list.
    kind = models.CharField(max_length=24)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    online = models.BooleanField(default=False, help_text="Members may attend and vote online")
    remote_url = models.URLField(
        max_length=500, blank=True, help_text="The video call members join to attend remotely"
    )
    takes_motions = models.BooleanField(
        default=False, help_text="Members may propose motions until notice is given"
    )
    state = models.CharField(max_length=16, choices=MeetingState.choices, default="draft")
    financial_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For an AGM: the calendar year the financial year ends in"
    )
    notice_given_on = models.DateField(null=True, blank=True)
    short_notice_consents = models.PositiveIntegerField(
        default=0, help_text="Members who agreed in writing to shorter notice"
    )
    # The rulebook sets no number of supporters for a members' motion; the board may.
    motion_supporters_required = models.PositiveSmallIntegerField(default=0)
    adjourned_for_quorum = models.BooleanField(default=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    state__in=["draft", "called", "in-session", "adjourned", "closed", "cancelled"]
                ),
                name="meeting_state_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%d %B %Y})"

    @property
    def date(self):
        return timezone.localtime(self.starts_at).date()

    def kind_rule(self):
        """The rulebook's rule for this kind of meeting; for a kind the rules no longer name
        (they were amended since), a plain rule named after its id."""
        try:
            return self.organisation.constitution.meeting_kind(self.kind)
        except NotFound:
            return MeetingKindRule(id=self.kind, name=self.kind.replace("-", " ").capitalize())

    def get_kind_display(self) -> str:
        return self.kind_rule().name

    @property
    def is_annual(self) -> bool:
        return self.kind_rule().annual


class Paper(models.Model):
    """A meeting paper (annual report, accounts, a proposal) published with the notice."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "added_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Resolution(ResolutionQuestions, models.Model):
    class Method(models.TextChoices):
        HANDS = "hands", "Show of hands"
        POLL = "poll", "Poll"

    class Effect(models.TextChoices):
        NONE = "", "None"
        ADOPT_CONSTITUTION = "adopt-constitution", "Adopt the amended rules"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    kind_id = models.CharField(max_length=63, help_text="A resolution kind of the rulebook")
    proposed_by = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.HANDS)
    secret = models.BooleanField(default=True)
    advance_voting = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=ResolutionState.choices, default="proposed")
    effect = models.CharField(max_length=24, choices=Effect.choices, blank=True, default="")
    new_constitution_text = models.TextField(blank=True)
    confirms = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="confirmed_by"
    )
    # Quorum when the vote opened (the minutes record it).
    quorum_present = models.PositiveIntegerField(null=True, blank=True)
    quorum_required = models.PositiveIntegerField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    # Declared figures.
    hands_for = models.PositiveIntegerField(null=True, blank=True)
    hands_against = models.PositiveIntegerField(null=True, blank=True)
    hands_abstain = models.PositiveIntegerField(null=True, blank=True)
    proxy_for = models.PositiveIntegerField(null=True, blank=True)
    proxy_against = models.PositiveIntegerField(null=True, blank=True)
    proxy_abstain = models.PositiveIntegerField(null=True, blank=True)
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    abstentions = models.PositiveIntegerField(null=True, blank=True)
    members_present = models.PositiveIntegerField(null=True, blank=True)
    members_total = models.PositiveIntegerField(null=True, blank=True)
    casting_vote = models.CharField(max_length=8, blank=True)
    carried = models.BooleanField(null=True, blank=True)
    result_reason = models.TextField(blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="resolution_unique_number"),
            models.CheckConstraint(
                condition=~models.Q(advance_voting=True, method="hands"),
                name="resolution_advance_votes_need_poll",
            ),
            models.CheckConstraint(
                condition=models.Q(casting_vote__in=["", "for", "against"]),
                name="resolution_casting_vote_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Resolution {self.number}: {self.title}"


class Choice(models.TextChoices):
    FOR = "for", "For"
    AGAINST = "against", "Against"
    ABSTAIN = "abstain", "Abstain"


class VoteRecord(models.Model):
    """That a member has voted on a resolution (and how: online, paper, proxy). Not the vote."""

    class Channel(models.TextChoices):
        ADVANCE = "advance", "Online, in advance"
        ONLINE = "online", "Online, at the meeting"
        PAPER = "paper", "Paper poll card"
        PROXY = "proxy", "By proxy"

    id = RandomIdField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resolution", "member"], name="vote_once_per_member")
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} voted on resolution {self.resolution_id} ({self.channel})"


class SealedBallot(models.Model):
    """A vote as cast, sealed (`mutualise/secrecy/sealing.py`): written with its `VoteRecord` in one transaction,
    opened only by the mixer, which moves it into `Ballot` among at least K others."""

    id = RandomIdField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="+")
    sealed = models.TextField()

    def __str__(self) -> str:
        return f"a sealed ballot on resolution {self.resolution_id}"


class PollReceipt(models.Model):
    """That the ballot whose receipt hashes to `receipt` is counted. Written by the mixer apart
    from (and in another order than) the ballots, so no key or order relates the two lists."""

    id = RandomIdField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="+")
    receipt = models.CharField(max_length=64, help_text="SHA-256 of the voter's receipt code")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resolution", "receipt"], name="poll_receipt_once")
        ]

    def __str__(self) -> str:
        return f"a receipt on resolution {self.resolution_id}"


class Ballot(models.Model):
    """What was voted. A random id, no time; `member` only when the resolution is not secret;
    `receipt` only when the rulebook chooses receipts that show a ballot's contents."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    receipt = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the voter's receipt code, or empty"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["resolution", "choice", "receipt"]  # never insertion order
        constraints = [
            models.CheckConstraint(
                condition=models.Q(choice__in=["for", "against", "abstain"]),
                name="ballot_choice_known",
            )
        ]
        indexes = [models.Index(fields=["resolution", "choice"], name="ballot_tally")]

    def __str__(self) -> str:
        return f"ballot {self.pk} on resolution {self.resolution_id}"


class Attendance(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in-person", "In person"
        ONLINE = "online", "Online"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    registered_at = models.DateTimeField()
    checked_in_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attend_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} at meeting {self.meeting_id} ({self.mode})"


class OnlineHand(models.Model):
    """A hand raised online on a show of hands by a member attending remotely: one each,
    counted with the hall's hands when the chair declares the result. A show of hands is open,
    so the choice is kept with the member."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    raised_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resolution", "member"], name="one_online_hand_each")
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} {self.choice} on resolution {self.resolution_id} online"


class ProxyAppointment(models.Model):
    """A member appoints a proxy (another member, a named person, or the chair by default),
    with an instruction per resolution number: for, against, abstain or discretion.

    On a secret poll an instruction is the appointer's vote (cast for them at the declaration),
    so it is kept sealed like a waiting ballot (`instructions_sealed`: padded to one length,
    under the key outside the database; docs/secrecy-meeting-polls.md): `instructions` reads and
    writes it as a dict."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="proxies")
    appointer = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    proxy_member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proxy_name = models.CharField(max_length=200, blank=True)
    is_chair = models.BooleanField(default=False)
    instructions_sealed = models.TextField(blank=True, default="")
    lodged_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "appointer"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_proxy_per_member",
            ),
            models.CheckConstraint(
                condition=models.Q(is_chair=True)
                | models.Q(proxy_member__isnull=False)
                | ~models.Q(proxy_name=""),
                name="proxy_names_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"proxy for member {self.appointer_id} at meeting {self.meeting_id}"

    @property
    def instructions(self) -> dict:
        if not self.instructions_sealed:
            return {}
        try:
            return INSTRUCTIONS_SEAL.unseal(self.instructions_sealed)
        except SealBroken:
            raise SealBroken(
                f"the instructions of member {self.appointer.number}'s proxy were sealed under "
                "another seal key (MUTUALISE_BALLOT_SEAL_KEY, else MUTUALISE_CREDENTIAL_KEY): "
                "set the key back to the one in use when they were lodged"
            ) from None

    @instructions.setter
    def instructions(self, value: dict) -> None:
        try:
            self.instructions_sealed = INSTRUCTIONS_SEAL.seal(dict(value or {}))
        except ValueError:
            raise ValueError(
                f"instructions: at most {INSTRUCTIONS_SEAL.size} characters of instructions "
                "fit on one proxy form; leave the resolutions the proxy decides as discretion"
            ) from None

    @property
    def holder(self) -> str:
        if self.is_chair:
            return "the chair of the meeting"
        if self.proxy_member_id:
            return self.proxy_member.display_name
        return self.proxy_name

    @property
    def holder_for_appointer(self) -> str:
        """The proxy as the appointing member sees it: a member by number, never by name, so
        typing membership numbers into the proxy form does not reveal who holds them."""
        if self.proxy_member_id and not self.is_chair:
            return f"member {self.proxy_member.number}"
        return self.holder


class Requisition(RequisitionQuestions, models.Model):
    State = RequisitionState  # its transitions: lifecycle.REQUISITION_TRANSITIONS

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.COLLECTING)
    started_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)
    members_at_submission = models.PositiveIntegerField(null=True, blank=True)
    signatures_needed = models.PositiveIntegerField(null=True, blank=True)
    valid_signatures = models.PositiveIntegerField(null=True, blank=True)
    board_deadline = models.DateField(null=True, blank=True)
    meeting_deadline = models.DateField(null=True, blank=True)
    meeting = models.OneToOneField(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="requisition"
    )

    def __str__(self) -> str:
        return f"requisition {self.pk}: {self.get_state_display()}"


class RequisitionSignature(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, related_name="signatures"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requisition", "member"], name="sign_requisition_once")
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} signed requisition {self.requisition_id}"


class Motion(MotionQuestions, models.Model):
    State = MotionState  # its transitions: lifecycle.MOTION_TRANSITIONS

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="motions")
    proposer = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    text = models.TextField()
    statement = models.TextField(blank=True, help_text="The proposer's supporting statement")
    kind_id = models.CharField(max_length=63)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField()
    resolution = models.OneToOneField(
        Resolution, on_delete=models.SET_NULL, null=True, blank=True, related_name="motion"
    )

    def __str__(self) -> str:
        return f"motion: {self.title}"


class MotionSupporter(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="supporters")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["motion", "member"], name="support_motion_once")
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} supports motion {self.motion_id}"


# The minutes live in minutes_record.py (their own subject); imported here so Django finds them.
from .minutes_record import Minutes  # noqa: E402, F401
