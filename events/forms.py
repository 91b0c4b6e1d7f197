from django import forms
from django.utils.text import slugify

from events.models import Event, Registration

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RegistrationForm(forms.ModelForm):
    consent = forms.BooleanField(
        label="I agree that the DIZ may keep these details to run this event",
        help_text=(
            "We use them only for this event and remove them within a year of it. "
            "See our privacy notice."
        ),
        error_messages={"required": "Tick the box to agree, or we cannot register you."},
    )

    class Meta:
        model = Registration
        fields = ["name", "email", "organisation", "needs", "consent"]
        labels = {"name": "Your name", "email": "Email address", "organisation": "Organisation"}
        help_texts = {
            "email": "We send your confirmation and joining details here.",
            "organisation": "Optional.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "needs": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": "Enter your name."},
            "email": {
                "required": "Enter your email address.",
                "invalid": "Enter an email address in the right format, like name@example.org.",
            },
        }

    def clean_email(self):
        return self.cleaned_data["email"].strip()


class ProposalForm(forms.ModelForm):
    """A partner user proposes an event for one of their organisations."""

    partner = forms.ModelChoiceField(
        queryset=None, label="Host organisation", empty_label=None, help_text=None
    )

    joining_link = forms.URLField(
        label="Online joining link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For online and hybrid events. Only registrants ever see it.",
    )

    class Meta:
        model = Event
        fields = [
            "partner", "title", "series", "summary", "description", "start", "end", "format",
            "venue_name", "address", "postcode", "joining_link", "capacity", "waitlist_enabled",
            "registration_closes",
        ]  # fmt: skip
        widgets = {
            "start": DATETIME_WIDGET,
            "end": DATETIME_WIDGET,
            "registration_closes": DATETIME_WIDGET,
            "summary": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "start": "UK time, for example 18/03/2027 10:00.",
            "end": "UK time.",
            "description": "Optional. Markdown: blank lines between paragraphs, ## for headings.",
            "venue_name": "Needed unless the event is online.",
            "address": "Needed unless the event is online.",
            "postcode": "Needed unless the event is online.",
            "registration_closes": "Optional. Empty: registration closes when the event starts.",
        }
        error_messages = {
            "title": {"required": "Enter a title."},
            "summary": {"required": "Enter a short summary."},
            "start": {"required": "Enter the start date and time.", "invalid": "Enter a date "
                      "and time, like 18/03/2027 10:00."},
            "end": {"required": "Enter the end date and time.", "invalid": "Enter a date and "
                    "time, like 18/03/2027 12:00."},
        }  # fmt: skip

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["series"].empty_label = "None"
        self.fields["series"].required = False

    def save(self, commit=True, *, user=None):
        """A new proposal gets its address and proposer; a corrected one keeps them."""
        event = super().save(commit=False)
        event.published = False
        if event.pk is None:
            event.proposed_by = user
            event.slug = unique_slug(event.title, event.start)
        if commit:
            event.save()
            event.hosts.set([self.cleaned_data["partner"]])
        return event


def unique_slug(title, start):
    base = slugify(title)[:80].strip("-") or "event"
    if start:
        base = f"{base}-{start:%Y-%m-%d}"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
