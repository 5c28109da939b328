"""Forms of the meeting pages. They only shape input; the services decide what is allowed."""

from datetime import date, time

from django import forms

from .ballot_parser import ChoiceInvalid, parse_choice
from .models import Choice
from .services import word_count

PROXY_CHOICES = [*Choice.choices, ("discretion", "Let my proxy decide")]


class ParsedChoiceField(forms.CharField):
    """Radio buttons for, against, abstain, read by the one parser the services use
    (`ballot_parser.parse_choice`), so the page refuses exactly what the service would."""

    widget = forms.RadioSelect(choices=Choice.choices)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("strip", False)
        super().__init__(*args, **kwargs)
        self.widget.choices = Choice.choices

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_choice(value)
        except ChoiceInvalid as exc:
            raise forms.ValidationError(str(exc).removeprefix("choice: ").capitalize()) from None


class VoteForm(forms.Form):
    choice = ParsedChoiceField(error_messages={"required": "Choose for, against or abstain"})


class ProxyForm(forms.Form):
    proxy_number = forms.IntegerField(
        required=False,
        min_value=1,
        label="Your proxy's membership number",
        help_text="Leave blank to appoint the chair of the meeting.",
    )

    proxy_name = forms.CharField(
        required=False,
        max_length=200,
        label="Or the name of someone who is not a member",
        help_text="The rules let you appoint anyone. Leave both blank for the chair.",
    )

    def __init__(self, *args, resolutions=(), non_members_allowed=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not non_members_allowed:
            del self.fields["proxy_name"]
        for resolution in resolutions:
            self.fields[f"r{resolution.number}"] = forms.ChoiceField(
                choices=PROXY_CHOICES,
                initial="discretion",
                widget=forms.RadioSelect,
                label=f"{resolution.number}. {resolution.title}",
            )

    def instructions(self) -> dict:
        return {
            name[1:]: value for name, value in self.cleaned_data.items() if name.startswith("r")
        }


class CheckInForm(forms.Form):
    number = forms.IntegerField(min_value=1, label="Membership number")


class HandsForm(forms.Form):
    hands_for = forms.IntegerField(min_value=0, label="For")
    hands_against = forms.IntegerField(min_value=0, label="Against")
    hands_abstain = forms.IntegerField(min_value=0, label="Abstain", initial=0)
    casting_vote = forms.ChoiceField(
        required=False,
        label="Chair's casting vote (only if the vote is tied)",
        choices=[("", "None"), ("for", "For"), ("against", "Against")],
    )

    def __init__(self, *args, casting: bool = False, **kwargs):
        """`casting`: the rulebook gives the chair a casting vote (meetings.chair_casting_vote);
        without one there is no such choice to make: a tie is lost."""
        super().__init__(*args, **kwargs)
        if not casting:
            del self.fields["casting_vote"]


class MotionForm(forms.Form):
    """A members' motion. The word limit of the supporting statement comes from the rulebook."""

    title = forms.CharField(
        max_length=200,
        label="Title of the motion",
        error_messages={"required": "Enter a title for the motion"},
    )
    text = forms.CharField(
        label="The motion",
        help_text="The words members will vote on.",
        error_messages={"required": "Enter the words of the motion"},
    )
    kind_id = forms.ChoiceField(
        label="Kind of resolution",
        error_messages={"required": "Choose the kind of resolution"},
    )
    statement = forms.CharField(required=False, label="Your supporting statement (optional)")

    def __init__(self, *args, kinds=(), word_limit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.word_limit = word_limit
        self.fields["kind_id"].choices = [(kind.id, kind.name) for kind in kinds]
        if len(self.fields["kind_id"].choices) == 1:
            self.fields["kind_id"].initial = self.fields["kind_id"].choices[0][0]
        if word_limit is not None:
            self.fields["statement"].help_text = f"The rules allow at most {word_limit} words."

    def clean_statement(self):

        statement = self.cleaned_data["statement"]
        if self.word_limit is not None and word_count(statement) > self.word_limit:
            raise forms.ValidationError(
                f"Your supporting statement is {word_count(statement)} words; "
                f"the rules allow at most {self.word_limit}"
            )
        return statement


class PaperBallotForm(forms.Form):
    """One paper poll card, keyed by an officer: whose card it is, and the vote marked on it."""

    number = forms.IntegerField(
        min_value=1,
        label="Membership number on the poll card",
        error_messages={
            "required": "Enter the membership number on the poll card",
            "invalid": "Enter the membership number as digits, like 123",
            "min_value": "Enter the membership number as digits, like 123",
        },
    )
    choice = ParsedChoiceField(
        label="Vote marked on the card",
        error_messages={"required": "Choose the vote marked on the card: for, against or abstain"},
    )


def _when(data, prefix: str, label: str):
    """A GOV.UK date (three boxes) and an HH:MM time, as (date, time) or a ValidationError."""
    parts = [str(data.get(f"{prefix}_{p}") or "").strip() for p in ("day", "month", "year")]
    if not all(parts):
        raise forms.ValidationError(f"Enter the {label}'s date, like 15 9 2026")
    try:
        day = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        raise forms.ValidationError(f"The {label}'s date must be a real date") from None
    if day.year < 2000:
        raise forms.ValidationError(f"The year of the {label} must include 4 numbers")
    hour = str(data.get(f"{prefix}_time") or "").strip()
    try:
        hours, minutes = (int(x) for x in hour.replace(".", ":").split(":"))
        return day, time(hours, minutes)
    except ValueError:
        raise forms.ValidationError(
            f"Enter the {label}'s time as hours and minutes, like 19:00"
        ) from None


def parse_time(text: str, label: str):
    """'19:30' (or '19.30') as a time; empty is None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        hours, minutes = (int(x) for x in text.replace(".", ":").split(":"))
        return time(hours, minutes)
    except ValueError:
        raise forms.ValidationError(f"Enter {label} as hours and minutes, like 19:30") from None


class MeetingForm(forms.Form):
    """A new general meeting: the kinds are those the rulebook provides for."""

    kind = forms.ChoiceField(label="What kind of meeting?")
    title = forms.CharField(label="Title", max_length=200)
    place = forms.CharField(label="Where (optional for a meeting held only online)", max_length=300,
                            required=False)  # fmt: skip
    online = forms.BooleanField(label="Members may attend and vote online", required=False)
    remote_url = forms.URLField(
        assume_scheme="https",
        label="Video call address (optional)",
        help_text="For members attending remotely, for example https://meet.example.org/agm",
        required=False,
        max_length=500,
    )
    financial_year = forms.IntegerField(
        label="For an annual meeting: the year its financial year ends in",
        required=False,
        min_value=2000,
        max_value=2100,
    )
    takes_motions = forms.BooleanField(
        label="Members may propose motions until notice is given", required=False
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.starts = None
        self.date_error = ""

    def clean(self):
        data = super().clean()
        try:
            self.starts = _when(self.data, "starts", "meeting")
        except forms.ValidationError as exc:
            self.date_error = exc.messages[0]
        url = data.get("remote_url") or ""
        if url and not url.startswith("https://"):
            self.add_error("remote_url", "The video call address must start with https://")
        return data


class ResolutionForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    text = forms.CharField(label="The resolution's text", widget=forms.Textarea)
    kind_id = forms.ChoiceField(label="Kind of resolution")
    method = forms.ChoiceField(label="How it is voted on")
    proposed_by = forms.CharField(label="Proposed by (optional)", max_length=200, required=False)

    def __init__(self, *args, kinds, methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind_id"].choices = kinds
        self.fields["method"].choices = methods
