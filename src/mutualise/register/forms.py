"""Forms for the register's pages. The join form asks only what the rulebook needs."""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings

from mutualise import clock
from mutualise.constitution.postcodes import is_valid_postcode, normalise_postcode

from .models import Member, StatusChange
from .tabular import whole_number

TEXT = {"class": "govuk-input"}


def _date_from(data, prefix: str, label: str, required: bool) -> date | None:
    parts = [str(data.get(f"{prefix}_{p}") or "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        if required:
            raise forms.ValidationError(f"Enter your {label}")
        return None
    numbers = [whole_number(p, max_digits=4) for p in parts]
    if None in numbers:
        raise forms.ValidationError(f"{label.capitalize()} must be a real date, like 27 3 1985")
    day, month, year = numbers
    if year < 1000:
        raise forms.ValidationError(f"Year of {label} must include 4 numbers")
    try:
        return date(year, month, day)
    except ValueError:
        raise forms.ValidationError(f"{label.capitalize()} must be a real date") from None


class JoinForm(forms.Form):
    """Name, date of birth, address, contact and the questions the rulebook's constituencies
    turn on. Date fields come as three boxes each (GOV.UK date input)."""

    display_name = forms.CharField(label="Full name", max_length=200)
    address = forms.CharField(label="Address", widget=forms.Textarea, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    email = forms.EmailField(label="Email address (optional)", required=False)
    phone = forms.CharField(label="Phone number (optional)", max_length=40, required=False)
    contact_channel = forms.ChoiceField(
        label="How should we contact you?", choices=Member.Channel.choices, initial="post"
    )
    large_print = forms.BooleanField(label="Large print", required=False)
    easy_read = forms.BooleanField(label="Easy read", required=False)
    language = forms.CharField(label="Another language (optional)", max_length=60, required=False)
    consent_news = forms.BooleanField(
        label="Send me news about the organisation, not only what members must receive",
        required=False,
    )

    def __init__(self, *args, constitution, **kwargs):
        super().__init__(*args, **kwargs)
        self.constitution = constitution
        self.date_errors: dict[str, str] = {}
        constituencies = constitution.constituencies
        self.needs_age = any(c.eligibility.minimum_age is not None for c in constituencies)
        self.asks_staff = any(c.eligibility.staff is not None for c in constituencies)
        self.asks_service = any(c.eligibility.service_use is not None for c in constituencies)
        self.classes = [k for c in constituencies for k in c.classes]
        self.attestations = {}
        for c in constituencies:
            for a in c.eligibility.attestations:
                self.attestations[a.id] = a.text
            for k in c.classes:
                for a in k.attestations:
                    self.attestations[a.id] = a.text
        if len(constituencies) > 1:
            self.fields["constituency_id"] = forms.ChoiceField(
                label="Which constituency do you want to join?",
                choices=[("", "Work it out from my answers")]
                + [(c.id, c.name) for c in constituencies],
                required=False,
            )
        if self.asks_staff:
            self.fields["is_staff"] = forms.ChoiceField(
                label="Do you work for us?",
                choices=[("no", "No"), ("yes", "Yes")],
                initial="no",
            )
            self.fields["contract"] = forms.ChoiceField(
                label="If you work for us, what is your contract?",
                choices=[
                    ("", "I do not work for us"),
                    ("open", "Permanent (no fixed end)"),
                    ("fixed", "Fixed term"),
                ],
                required=False,
            )
            self.fields["contract_months"] = forms.IntegerField(
                label="Length of a fixed-term contract, in months",
                required=False,
                min_value=1,
                max_value=999,
            )
        if self.classes:
            self.fields["class_id"] = forms.ChoiceField(
                label="If you work for us, which staff group are you in?",
                choices=[("", "Not applicable")] + [(k.id, k.name) for k in self.classes],
                required=False,
            )
        if self.attestations:
            self.fields["attestations"] = forms.MultipleChoiceField(
                label="Confirm any that apply to you",
                choices=list(self.attestations.items()),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "").strip()
        if value and not is_valid_postcode(value):
            raise forms.ValidationError("Enter a real postcode, like NE1 4ST")
        return normalise_postcode(value) if value else ""

    def clean(self):
        data = super().clean()
        try:
            data["date_of_birth"] = _date_from(
                self.data, "date_of_birth", "date of birth", self.needs_age
            )
            if data["date_of_birth"] and data["date_of_birth"] > clock.localdate():
                raise forms.ValidationError("Date of birth must be in the past")
        except forms.ValidationError as exc:
            self.date_errors["date_of_birth"] = exc.messages[0]
        if self.asks_staff:
            try:
                data["employment_start"] = _date_from(
                    self.data, "employment_start", "date you started work", False
                )
            except forms.ValidationError as exc:
                self.date_errors = {
                    **getattr(self, "date_errors", {}),
                    "employment_start": exc.messages[0],
                }
        if self.asks_service:
            try:
                data["last_service_use"] = _date_from(
                    self.data, "last_service_use", "date you last used our services", False
                )
            except forms.ValidationError as exc:
                self.date_errors = {
                    **getattr(self, "date_errors", {}),
                    "last_service_use": exc.messages[0],
                }
        if data.get("contact_channel") == "email" and not data.get("email"):
            self.add_error(
                "email", "Enter your email address, or choose another way to contact you"
            )
        return data

    def details(self) -> dict:
        """What the form collected, as `services.join` keyword arguments."""
        data = self.cleaned_data
        details = {
            name: data.get(name)
            for name in (
                "display_name",
                "address",
                "postcode",
                "email",
                "phone",
                "contact_channel",
                "large_print",
                "easy_read",
                "language",
            )
        }
        details["date_of_birth"] = data.get("date_of_birth")
        details["consents"] = {"news": bool(data.get("consent_news"))}
        if self.asks_staff and data.get("is_staff") == "yes":
            details["is_staff"] = True
            contract = data.get("contract")
            details["contract_fixed_term"] = {"open": False, "fixed": True}.get(contract)
            details["contract_months"] = data.get("contract_months")
            details["employment_start"] = data.get("employment_start")
        if self.asks_service:
            details["last_service_use"] = data.get("last_service_use")
        if self.attestations:
            details["attestations"] = data.get("attestations") or []
        return details


class SearchForm(forms.Form):
    q = forms.CharField(label="Name, membership number, postcode or email", required=False)


class CeaseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the membership ending?", choices=StatusChange.Reason.choices
    )
    note = forms.CharField(label="Note (optional)", max_length=500, required=False)


class BoundedFileField(forms.FileField):
    """A file upload no larger than settings.MUTUALISE_UPLOAD_MAX_BYTES (or `max_bytes`)."""

    def __init__(self, *args, max_bytes: int | None = None, **kwargs):
        self.max_bytes = max_bytes
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        limit = self.max_bytes or settings.MUTUALISE_UPLOAD_MAX_BYTES
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1e6:,.1f} MB; the most this takes is "
                f"{limit / 1e6:,.0f} MB: split it into smaller files"
            )
        return upload


class ImportForm(forms.Form):
    file = BoundedFileField(label="Upload a CSV or Excel (XLSX) file")
    mapping = forms.CharField(
        label="Column mapping (optional)",
        help_text="Only if a column is not recognised, for example: display_name=Full name",
        required=False,
    )


class PopulationForm(forms.Form):
    file = BoundedFileField(
        max_bytes=2_000_000,
        label="Upload a population table (CSV)",
        help_text="Columns: dimension, category, people. Dimensions: constituency, age_band, "
        "sex, ethnicity.",
    )


class DetailsForm(forms.Form):
    """An officer corrects or updates a member's details (moved house, contract ended, ...)."""

    display_name = forms.CharField(label="Full name", max_length=200)
    address = forms.CharField(label="Address", widget=forms.Textarea, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.date_errors: dict[str, str] = {}

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "").strip()
        if value and not is_valid_postcode(value):
            raise forms.ValidationError("Enter a real postcode, like NE1 4ST")
        return normalise_postcode(value) if value else ""

    def clean(self):
        data = super().clean()
        try:
            data["employment_end"] = _date_from(
                self.data, "employment_end", "last day of employment", False
            )
        except forms.ValidationError as exc:
            self.date_errors["employment_end"] = exc.messages[0]
        return data


class BrowseForm(forms.Form):
    """Filters for the officers' register: choices are the rulebook's names."""

    status = forms.ChoiceField(label="Status", required=False)
    constituency = forms.ChoiceField(label="Constituency", required=False)
    member_class = forms.ChoiceField(label="Class", required=False)

    def __init__(self, *args, constitution, **kwargs):
        super().__init__(*args, **kwargs)
        self.date_errors: dict[str, str] = {}
        self.fields["status"].choices = [("", "Any status"), *Member.Status.choices]
        self.fields["constituency"].choices = [("", "Every constituency")] + [
            (c.id, c.name) for c in constitution.constituencies
        ]
        classes = [(k.id, f"{c.name}: {k.name}") for c in constitution.constituencies
                   for k in c.classes]  # fmt: skip
        if classes:
            self.fields["member_class"].choices = [("", "Every class"), *classes]
        else:
            del self.fields["member_class"]

    def clean(self):
        data = super().clean()
        for name, label in (("joined_from", "joining date from"), ("joined_to", "joining date to")):
            try:
                data[name] = _date_from(self.data, name, label, False)
            except forms.ValidationError as exc:
                self.date_errors[name] = exc.messages[0]
        return data


class AddMemberForm(JoinForm):
    """The membership secretary adds a member directly (the register's own form, not Join)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wording = {
            "contact_channel": "How should we contact them?",
            "consent_news": "They agreed to news about the organisation, not only what members "
            "must receive",
            "constituency_id": "Which constituency?",
            "is_staff": "Do they work for us?",
            "contract": "If they work for us, what is their contract?",
            "class_id": "If they work for us, which staff group are they in?",
            "attestations": "They confirmed",
            "email": "Email address (optional)",
        }
        for name, label in wording.items():
            if name in self.fields:
                self.fields[name].label = label
        if "constituency_id" in self.fields:
            self.fields["constituency_id"].choices = [
                ("", "Work it out from the answers"),
                *self.fields["constituency_id"].choices[1:],
            ]

    def clean(self):
        data = super().clean()
        try:
            data["joined_on"] = _date_from(self.data, "joined_on", "date they joined", False)
            if data["joined_on"] and data["joined_on"] > clock.localdate():
                raise forms.ValidationError("The date they joined must not be in the future")
        except forms.ValidationError as exc:
            self.date_errors["joined_on"] = exc.messages[0]
        return data
