"""The administrator's form for recording an appointment, co-option or ex-officio seat."""

from django import forms


def seat_choices(constitution) -> list[tuple[str, str]]:
    choices = []
    for body in constitution.bodies:
        for group in body.seats:
            choices.append(
                (
                    f"{body.id}|seat|{group.id}",
                    f"{body.name}: {group.label} ({group.filled_by})",
                )
            )
        for office in body.offices:
            choices.append(
                (
                    f"{body.id}|office|{office.id}",
                    f"{body.name}: {office.name} ({office.filled_by})",
                )
            )
    return choices


class AppointForm(forms.Form):
    seat = forms.ChoiceField(label="Seat or office")
    how = forms.ChoiceField(
        label="How",
        choices=[
            ("appointed", "Appointed"),
            ("co-opted", "Co-opted"),
            ("ex-officio", "Ex officio"),
        ],
    )
    chosen_by = forms.CharField(
        label="Appointed by", max_length=200, help_text="The appointing body or person"
    )
    decided_on = forms.DateField(label="Date of the decision", help_text="For example, 2026-04-01")
    member = forms.IntegerField(
        label="Membership number",
        required=False,
        min_value=1,
        max_value=10**12 - 1,  # a database integer; 5,000 digits overflowed it (a 500)
        help_text="Leave blank if they are not a member",
    )
    holder_name = forms.CharField(
        label="Name",
        max_length=200,
        required=False,
        help_text="Needed when there is no membership number",
    )
    address = forms.CharField(
        label="Address",
        required=False,
        widget=forms.Textarea,
        help_text="For the officers' register",
    )

    def __init__(self, constitution, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].choices = seat_choices(constitution)

    def clean(self):
        data = super().clean()
        if not data.get("member") and not (data.get("holder_name") or "").strip():
            self.add_error("holder_name", "Enter a membership number or the holder's name")
        return data


class EndForm(forms.Form):
    ended_on = forms.DateField(label="First day no longer held")
    reason = forms.CharField(label="Why", max_length=200)
