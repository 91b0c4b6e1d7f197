from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError

from partners.models import District, Invitation, Partner

IMAGE_ERROR = "Upload a PNG, JPEG or WebP image. Other files, SVG included, are not accepted."


TARGET_REQUIRED = "Enter your response target, a number of working days from 1 to 60"


class ResponseTargetMixin:
    """The response target is always shown, filled in; a form posted without it at all (an
    older page still open in a browser) keeps the current target rather than failing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "response_target_days" in self.fields:
            self.fields["response_target_days"].required = False

    def clean_response_target_days(self):
        value = self.cleaned_data.get("response_target_days")
        if value is None:
            if self.add_prefix("response_target_days") in self.data:
                raise ValidationError(TARGET_REQUIRED, code="required")
            return self.instance.response_target_days
        return value


class PartnerProfileForm(ResponseTargetMixin, forms.ModelForm):
    """What a partner maintains itself; name, slug, sector and publication stay with the
    programme manager."""

    districts = forms.ModelMultipleChoiceField(
        queryset=District.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Districts you serve",
    )
    website = forms.URLField(
        required=False, max_length=200, assume_scheme="https", help_text="Starting with https://"
    )

    class Meta:
        model = Partner
        fields = Partner.MEMBER_EDITABLE_FIELDS
        labels = {"description": "Full description"}
        help_texts = {
            "short_description": "One or two sentences shown in the partner directory.",
            "description": "Shown on your public page. Markdown: *italic*, **bold**, lists and "
            "links work; other HTML is removed.",
            "contact_email": "Shown to the public. A team mailbox is best.",
            "response_target_days": "How many working days (Monday to Friday, not bank "
            "holidays) you aim to take to give an operator's enquiry its first response: 1 to "
            "60. Shown on your public page; we remind you 2 working days before it runs out.",
        }
        widgets = {
            "short_description": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 12}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
            "agreement_template": forms.ClearableFileInput(
                attrs={
                    "accept": ".pdf,.docx,application/pdf,application/vnd.openxmlformats-"
                    "officedocument.wordprocessingml.document"
                }
            ),
            "response_target_days": forms.NumberInput(
                attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
            ),
        }
        error_messages = {
            "logo": {"invalid_image": IMAGE_ERROR},
            "response_target_days": {
                "required": TARGET_REQUIRED,
                "invalid": "Enter your response target as a whole number of working days, like 10",
                "min_value": "Enter a response target of at least 1 working day",
                "max_value": "Enter a response target of 60 working days or fewer",
            },
        }

    def save(self, commit=True):
        """Save fields and districts as one history record, not one for each. Always commits."""
        partner = super().save(commit=False)
        partner.save_without_historical_record()
        partner.skip_history_when_saving = True
        try:
            self.save_m2m()
        finally:
            del partner.skip_history_when_saving
        partner.save()  # the one history record, with the districts as they now are
        return partner


class InvitationForm(forms.ModelForm):
    """The programme manager's invitation: who, and for which partner."""

    class Meta:
        model = Invitation
        fields = ["email", "partner"]
        help_texts = {
            "email": "The person receives a link to set their password; it works once.",
        }

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "This person already has an account. Add them to the partner in its "
                "Memberships instead.",
                code="exists",
            )
        return email


class AcceptInvitationForm(forms.Form):
    """Set a password, like Django's SetPasswordForm, for an account that does not exist yet."""

    new_password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        # `user` is unsaved: the validators compare the password with its email address.
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_password1(self):
        # A weak password is a fault of the first box, so its error goes there.
        password1 = self.cleaned_data.get("new_password1")
        if password1:
            password_validation.validate_password(password1, self.user)
        return password1

    def clean_new_password2(self):
        password1 = self.cleaned_data.get("new_password1")
        password2 = self.cleaned_data.get("new_password2")
        if password1 and password2 and password1 != password2:
            raise ValidationError(
                "The two passwords do not match. Enter the same password in both boxes.",
                code="password_mismatch",
            )
        return password2
