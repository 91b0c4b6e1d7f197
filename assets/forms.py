from django import forms
from django.conf import settings
from django.utils import timezone

from assets import importer
from assets.models import (
    PLANNING_SEPARATOR,
    Agreement,
    Asset,
    AssetImport,
    EnquiryRequest,
    split_codes,
    validate_no_nul,
)
from partners.models import Partner


class EnquiryForm(forms.ModelForm):
    """An operator's enquiry about the assets in their basket (the public enquiry page)."""

    # Honeypot: hidden from people by a CSS class (display: none), so only bots fill it in.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = EnquiryRequest
        fields = ["name", "organisation", "email", "install", "wanted_by", "message"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "install": forms.Textarea(attrs={"rows": 3}),
            "wanted_by": forms.DateInput(attrs={"type": "date"}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "email": "We send you a link to a page where you can follow your enquiry and "
            "message each owner.",
            "install": "For example: one small cell and its cabinet on each column.",
            "wanted_by": "Optional. For example 1 9 2026.",
            "message": "Anything else the owners should know. Each owner and the DIZ "
            "programme team will see it.",
        }
        labels = {
            "organisation": "Your organisation",
            "install": "What you want to install",
            "wanted_by": "When you would like to install it",
            "message": "Your message",
        }
        error_messages = {
            "name": {
                "required": "Enter your name",
                "max_length": "Enter a name of 100 characters or fewer",
            },
            "organisation": {
                "required": "Enter the name of your organisation",
                "max_length": "Enter an organisation name of 200 characters or fewer",
            },
            "email": {
                "required": "Enter your email address, so the owners can reply",
                "invalid": "Enter an email address in the correct format, like name@example.com",
                "max_length": "Enter an email address of 254 characters or fewer",
            },
            "install": {
                "max_length": "Enter what you want to install in 1,000 characters or fewer"
            },
            "wanted_by": {"invalid": "Enter a real date, for example 1 9 2026"},
            "message": {
                "required": "Enter your message to the owners",
                "max_length": "Enter a message of 5,000 characters or fewer",
            },
        }

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("website"))

    def clean_wanted_by(self):
        wanted_by = self.cleaned_data.get("wanted_by")
        if wanted_by and wanted_by < timezone.localdate():
            raise forms.ValidationError(
                "Enter a date in the future, or leave this empty", code="past"
            )
        return wanted_by


MESSAGE_ERRORS = {
    "required": "Enter your message",
    "max_length": "Enter a message of 5,000 characters or fewer",
}


class EnquiryMessageForm(forms.Form):
    """A message in the thread: from the operator (their page) or an owner (the dashboard)."""

    body = forms.CharField(
        label="Your message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=MESSAGE_ERRORS,
        validators=[validate_no_nul],
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label


class EnquiryStageForm(forms.Form):
    """An owner moves its enquiry to the next stage (Enquiry.move_to does the checking)."""

    status = forms.ChoiceField(
        label="Move this enquiry to",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the stage to move this enquiry to",
            "invalid_choice": "Select one of the stages listed",
        },
    )
    note = forms.CharField(
        label="Note to the operator (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Emailed to the operator with the news of the change, and kept with the enquiry.",
        error_messages={"max_length": "Enter a note of 5,000 characters or fewer"},
        validators=[validate_no_nul],
    )

    def __init__(self, *args, enquiry, **kwargs):
        super().__init__(*args, **kwargs)
        self.enquiry = enquiry
        self.fields["status"].choices = enquiry.owner_moves()

    def clean_status(self):
        status = self.cleaned_data["status"]
        try:
            self.enquiry.check_move(status)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages[0], code=error.code) from None
        return status


class AgreementForm(forms.ModelForm):
    """The owner records the signed agreement (Enquiry.agree does the rest): dates, term, an
    optional reference and the signed copy, and a note for the operator's email."""

    note = forms.CharField(
        label="Note to the operator (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Emailed to the operator with the news, and kept with the enquiry.",
        error_messages={"max_length": "Enter a note of 5,000 characters or fewer"},
        validators=[validate_no_nul],
    )

    class Meta:
        model = Agreement
        fields = ["starts_on", "term_months", "reference", "signed_copy"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "term_months": forms.NumberInput(
                attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}
            ),
            "reference": forms.TextInput(attrs={"class": "govuk-input--width-20"}),
            "signed_copy": forms.FileInput(
                attrs={
                    "accept": ".pdf,.docx,application/pdf,application/vnd.openxmlformats-"
                    "officedocument.wordprocessingml.document"
                }
            ),
        }
        error_messages = {
            "starts_on": {
                "required": "Enter the date the agreement starts",
                "invalid": "Enter a real date, for example 1 5 2026, or use the date picker",
            },
            "term_months": {
                "required": "Enter the term of the agreement in months, for example 60",
                "invalid": "Enter the term as a whole number of months, for example 60",
                "min_value": "Enter a term of at least 1 month",
                "max_value": "Enter a term of 600 months (50 years) or fewer",
            },
            "reference": {"max_length": "Enter a reference of 100 characters or fewer"},
        }

    def agree(self, enquiry, by):
        """Record the agreement through Enquiry.agree; its refusals become form errors.
        Returns the agreement, or None when refused."""
        data = self.cleaned_data
        try:
            return enquiry.agree(
                data["starts_on"],
                data["term_months"],
                signed_copy=data.get("signed_copy"),
                by=by,
                reference=data.get("reference", ""),
                note=data.get("note", ""),
            )
        except forms.ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, error.messages)
            return None


class SignedCopyForm(forms.ModelForm):
    """Add (or replace) the signed copy of an agreement already recorded."""

    class Meta:
        model = Agreement
        fields = ["signed_copy"]
        widgets = {"signed_copy": AgreementForm.Meta.widgets["signed_copy"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_copy"].required = True
        self.fields["signed_copy"].error_messages["required"] = (
            "Select the signed copy of the agreement, a PDF or Word (DOCX) file"
        )


# The same wording as the CSV import's preview (assets.importer).
LATITUDE = importer.LATITUDE
LONGITUDE = importer.LONGITUDE
DATE = "Enter a real date, for example 1 3 2026, or use the date picker"
REFERENCE = "Enter a reference of capital letters, numbers and hyphens only, such as HDC-LC-000123"
# What people see instead of Django's own wording ("Ensure this value is greater than or equal
# to 49.8."), by field and error code; the validators stay on the model.
ASSET_FIELD_MESSAGES = {
    "reference": {
        "required": "Enter a reference, such as HDC-LC-000123",
        "invalid": REFERENCE,
        "max_length": "Enter a reference of 40 characters or fewer, such as HDC-LC-000123",
        "unique": "An asset with this reference is already in the register: enter a different "
        "reference",
    },
    "name": {
        "required": "Enter a name for the asset",
        "max_length": "Enter a name of 200 characters or fewer",
    },
    "asset_type": {
        "required": "Select the type of asset",
        "invalid_choice": "Select the type of asset from the list",
    },
    "district": {
        "required": "Select the district the asset is in",
        "invalid_choice": "Select the district from the list",
    },
    "owner": {
        "required": "Select the organisation that owns the asset",
        "invalid_choice": "Select one of your organisations",
    },
    "address": {
        "required": "Enter the street, place and town",
        "max_length": "Enter an address of 300 characters or fewer",
    },
    "postcode": {
        "invalid_postcode": "Enter a full UK postcode, such as CM20 1HH, or leave it empty",
        "max_length": "Enter a full UK postcode, such as CM20 1HH, or leave it empty",
    },
    "uprn": {
        "invalid": "Enter the UPRN as 1 to 12 digits, or leave it empty",
        "max_length": "Enter the UPRN as 1 to 12 digits, or leave it empty",
    },
    "usrn": {
        "invalid": "Enter the USRN as 1 to 8 digits, or leave it empty",
        "max_length": "Enter the USRN as 1 to 8 digits, or leave it empty",
    },
    "current_use": {"max_length": "Enter a current use of 200 characters or fewer"},
    "data_source": {"max_length": "Enter a source of 200 characters or fewer"},
    "availability": {"required": "Select the asset's availability"},
    "visibility": {"required": "Select who can see the asset"},
    "latitude": {code: LATITUDE for code in ("required", "invalid", "min_value", "max_value",
                                             "max_digits", "max_decimal_places")},
    "longitude": {code: LONGITUDE for code in ("required", "invalid", "min_value", "max_value",
                                               "max_digits", "max_decimal_places")},
    "height_m": {
        "invalid": "Enter the height in metres as a number, for example 10.5",
        "min_value": "Enter a height of 0 metres or more",
        "max_value": "Enter a height of 500 metres or less",
        "max_decimal_places": "Enter the height to at most 2 decimal places, for example 10.25",
        "max_digits": "Enter a height of 500 metres or less",
    },
    "kerb_offset_mm": {
        "invalid": "Enter the kerb offset in whole millimetres, for example 500",
        "min_value": "Enter a kerb offset of 0 millimetres or more",
        "max_value": "Enter a kerb offset of 100,000 millimetres or less",
    },
    "structural_assessed_on": {"invalid": DATE},
    "structural_next_due": {"invalid": DATE},
    "last_verified": {"invalid": DATE},
    "review_by": {"invalid": DATE},
    "load_rating": {"max_length": "Enter a load or spare capacity of 100 characters or fewer"},
    "owner_asset_number": {"max_length": "Enter your asset number in 50 characters or fewer"},
    "mounting_height_m": {
        "invalid": "Enter the mounting height in metres as a number, for example 6.5",
        "min_value": "Enter a mounting height of more than 0 metres, or leave it empty",
        "max_value": "Enter a mounting height of 500 metres or less",
        "max_decimal_places": "Enter the mounting height to at most 2 decimal places, for "
        "example 6.25",
        "max_digits": "Enter a mounting height of 500 metres or less",
    },
    "duct_internal_diameter_mm": {
        "invalid": "Enter the duct's internal diameter in whole millimetres, for example 100",
        "min_value": "Enter a duct diameter of at least 1 millimetre, or leave it empty",
        "max_value": "Enter a duct diameter of 2,000 millimetres or less",
    },
    "duct_fill_percent": {
        "invalid": "Enter how full the duct is as a whole number from 0 to 100, for example 40",
        "min_value": "Enter a duct fill from 0 to 100 per cent",
        "max_value": "Enter a duct fill from 0 to 100 per cent",
    },
}  # fmt: skip


class PlanningConstraintsFormField(forms.MultipleChoiceField):
    """Planning constraints as checkboxes, stored as the model's ';'-separated codes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Asset.PlanningConstraint.choices)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Planning constraints")
        kwargs.setdefault(
            "help_text",
            "Select every designation that applies, or “None known” if you have checked and "
            "found none. Leave them all unticked if nobody has checked yet.",
        )
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": "Select planning constraints from the list"},
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return split_codes(value) if isinstance(value, str) else value

    def clean(self, value):
        codes = super().clean(value)
        if Asset.PlanningConstraint.NONE_KNOWN in codes and len(codes) > 1:
            raise forms.ValidationError(
                "Select “None known” on its own, or untick it: it cannot go with other "
                "planning constraints",
                code="none_known_with_others",
            )
        return PLANNING_SEPARATOR.join(split_codes(codes))


class AssetForm(forms.ModelForm):
    """Add or edit an asset from the partner dashboard."""

    planning_constraints = PlanningConstraintsFormField()

    class Meta:
        model = Asset
        fields = [
            "reference",
            "name",
            "asset_type",
            "owner",
            "district",
            "address",
            "postcode",
            "uprn",
            "usrn",
            "latitude",
            "longitude",
            "location_generalised",
            "height_m",
            "power_available",
            "fibre_connected",
            "material",
            "kerb_offset_mm",
            "tenure",
            "access_model",
            "current_use",
            "availability",
            "visibility",
            "viability_confirmed",
            "known_constraints",
            "notes",
            *Asset.PROFILE_FIELDS,
            *Asset.FRESHNESS_FIELDS,
        ]
        widgets = {
            "structural_assessed_on": forms.DateInput(attrs={"type": "date"}),
            "structural_next_due": forms.DateInput(attrs={"type": "date"}),
            "review_by": forms.DateInput(attrs={"type": "date"}),
            "last_verified": forms.DateInput(attrs={"type": "date"}),
            "mounting_height_m": forms.NumberInput(attrs={"step": "0.01"}),
            "known_constraints": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
        }
        error_messages = ASSET_FIELD_MESSAGES

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the user's own organisations; anything else is "not a valid choice".
        self.fields["owner"].queryset = Partner.objects.filter(
            pk__in=[p.pk for p in partners]
        ).order_by("name")
        self.fields["owner"].empty_label = None
        if self.instance.pk:
            # The reference is permanent: exports and operators' enquiries refer to it.
            self.fields["reference"].disabled = True
            self.fields["reference"].help_text = "References are permanent."

    # Headings the form's fields are grouped under, by the first field of each group.
    SECTIONS = {
        "reference": "The asset",
        "height_m": "For operators",
        Asset.PROFILE_FIELDS[0]: "Telecoms suitability",
        Asset.FRESHNESS_FIELDS[0]: "Keeping the record fresh",
    }

    def sections(self):
        """(heading, bound fields) in form order, for the template."""
        groups = []
        for field in self:
            if field.name in self.SECTIONS or not groups:
                groups.append((self.SECTIONS.get(field.name, ""), []))
            groups[-1][1].append(field)
        return groups

    def clean_reference(self):
        return (self.cleaned_data.get("reference") or "").strip().upper()

    def _post_clean(self):
        super()._post_clean()
        # The model's rule between two fields (Asset.cross_field_errors), said as what to do.
        # (The instance holds the submitted values: an error drops them from cleaned_data.)
        if self.has_error("power_available") and Asset.cross_field_errors(
            self.instance.power_supply, self.instance.power_available
        ):
            self.errors["power_available"] = self.error_class([POWER_NONE], renderer=self.renderer)


POWER_NONE = (
    "Untick “Power available”, or choose the power supply the asset has: power cannot be "
    "available when the power supply is none"
)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with the register's columns, up to "
        f"{importer.file_size(settings.ASSET_IMPORT_MAX_BYTES)}.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Select a CSV file to import",
            "empty": "The selected file is empty. Choose the file with your assets in it",
            "invalid": "The selected file could not be read. Choose the file again",
            "missing": "The selected file could not be read. Choose the file again",
            "max_length": "The file name is too long. Rename the file and choose it again",
        },
    )
    owner = forms.ModelChoiceField(
        queryset=Partner.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Select the organisation the assets belong to",
            "invalid_choice": "Select one of your organisations",
        },
    )

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partners is None:
            # The admin: rows name their own owners.
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = Partner.objects.filter(
                pk__in=[p.pk for p in partners]
            ).order_by("name")
            self.fields["owner"].label = "Organisation"
            self.fields["owner"].help_text = "Every row must belong to this organisation."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ASSET_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The selected file is {importer.file_size(upload.size)}; the largest file "
                f"accepted is {importer.file_size(limit)}. Split it into smaller files and "
                "import each one"
            )
        try:
            self.text = importer.decode(upload.read())
        except importer.FileProblem as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload

    def save(self, user):
        """Keep the decoded file for the check job; nothing is imported until confirmation."""
        return AssetImport.objects.create(
            uploaded_by=user,
            owner=self.cleaned_data.get("owner"),
            # A file name is shown in pages and email subjects: one line, printable.
            filename=" ".join(self.cleaned_data["file"].name.split())[:255] or "upload.csv",
            content=self.text,
            rows_total=importer.count_rows(self.text),
        )
