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
        error_messages={
            "required": "Tick the box to agree that we may keep your details, "
            "or we cannot register you"
        },
    )

    class Meta:
        model = Registration
        fields = ["name", "email", "organisation", "needs", "consent"]
        labels = {
            "name": "Your name",
            "email": "Email address",
            "organisation": "Organisation (optional)",
            "needs": "Accessibility or dietary needs (optional)",
        }
        help_texts = {
            "email": "We send your confirmation and joining details here.",
            "organisation": "",
            "needs": "Tell us anything that would help you take part.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "needs": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {
                "required": "Enter your name",
                "max_length": "Your name must be 200 characters or fewer",
            },
            "email": {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.org",
                "max_length": "Email address must be 254 characters or fewer",
            },
            "organisation": {"max_length": "Organisation must be 200 characters or fewer"},
            "needs": {
                "max_length": "Accessibility or dietary needs must be 1,000 characters or fewer"
            },
        }

    def clean_email(self):
        return self.cleaned_data["email"].strip()


class ProposalForm(forms.ModelForm):
    """A partner user proposes an event for one of their organisations."""

    partner = forms.ModelChoiceField(
        queryset=None,
        label="Host organisation",
        empty_label=None,
        help_text=None,
        error_messages={
            "required": "Select the organisation that hosts the event",
            "invalid_choice": "Select one of your organisations from the list",
        },
    )

    joining_link = forms.URLField(
        label="Online joining link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For online and hybrid events. Only registrants ever see it.",
        error_messages={
            "invalid": "Enter the joining link as a web address, "
            "like https://meet.example.org/room",
            "max_length": "Joining link must be 500 characters or fewer",
        },
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
            "postcode": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "capacity": forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}
            ),
        }
        labels = {
            "title": "Title",
            "series": "Series (optional)",
            "summary": "Summary",
            "description": "Description (optional)",
            "start": "Starts",
            "end": "Ends",
            "format": "Format",
            "venue_name": "Venue name",
            "address": "Address",
            "postcode": "Postcode",
            "capacity": "Number of places (optional)",
            "waitlist_enabled": "Offer a waiting list when the event is full",
            "registration_closes": "Registration closes (optional)",
        }
        help_texts = {
            "summary": "One or two sentences for listings, 300 characters or fewer.",
            "start": "UK time, for example 18/03/2027 10:00.",
            "end": "UK time, for example 18/03/2027 12:00.",
            "description": "Markdown: blank lines between paragraphs, ## for headings.",
            "venue_name": "Needed unless the event is online.",
            "address": "Needed unless the event is online.",
            "postcode": "Needed unless the event is online.",
            "capacity": "Leave empty for no limit.",
            "waitlist_enabled": "When every place is taken, new registrations join a waiting list.",
            "registration_closes": "UK time. Leave empty to close registration when the event "
            "starts.",
        }
        error_messages = {
            "title": {
                "required": "Enter a title",
                "max_length": "Title must be 200 characters or fewer",
            },
            "series": {"invalid_choice": "Select a series from the list, or None"},
            "summary": {
                "required": "Enter a short summary",
                "max_length": "Summary must be 300 characters or fewer",
            },
            "start": {
                "required": "Enter the date and time the event starts",
                "invalid": "Start must be a real date and time, for example 18/03/2027 10:00",
            },
            "end": {
                "required": "Enter the date and time the event ends",
                "invalid": "End must be a real date and time, for example 18/03/2027 12:00",
            },
            "format": {
                "required": "Select the format of the event",
                "invalid_choice": "Select in person, online or hybrid",
            },
            "venue_name": {"max_length": "Venue name must be 200 characters or fewer"},
            "postcode": {"max_length": "Postcode must be 20 characters or fewer"},
            "capacity": {
                "invalid": "Enter the number of places as a whole number, for example 40",
                "min_value": "Number of places must be 1 or more, or leave it empty for no limit",
                "max_value": "Enter a smaller number of places",
            },
            "registration_closes": {
                "invalid": "Registration closes must be a real date and time, "
                "for example 17/03/2027 17:00",
            },
        }

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
