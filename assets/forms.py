from django import forms
from django.conf import settings

from assets import importer
from assets.models import Asset, AssetImport, Enquiry, EnquiryNote
from partners.models import Partner


class EnquiryForm(forms.ModelForm):
    """An operator's question about an asset (the public enquiry page)."""

    # Honeypot: hidden from people by a CSS class (display: none), so only bots fill it in.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Enquiry
        fields = ["name", "organisation", "email", "message"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "message": "What you would like to install and when. The asset owner and the DIZ "
            "programme team will reply by email.",
        }
        labels = {"organisation": "Your organisation"}
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
                "required": "Enter your email address, so the owner can reply",
                "invalid": "Enter an email address in the correct format, like name@example.com",
                "max_length": "Enter an email address of 254 characters or fewer",
            },
            "message": {
                "required": "Enter your message: what you would like to install and when",
                "max_length": "Enter a message of 5,000 characters or fewer",
            },
        }

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("website"))


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
    "structural_check_date": {"invalid": DATE},
    "last_verified": {"invalid": DATE},
}  # fmt: skip


class AssetForm(forms.ModelForm):
    """Add or edit an asset from the partner dashboard."""

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
            "height_m",
            "power_available",
            "power_supply",
            "fibre_connected",
            "material",
            "kerb_offset_mm",
            "tenure",
            "access_model",
            "current_use",
            "availability",
            "visibility",
            "viability_confirmed",
            "structural_check_date",
            "known_constraints",
            "notes",
            "last_verified",
            "data_source",
        ]
        widgets = {
            "structural_check_date": forms.DateInput(attrs={"type": "date"}),
            "last_verified": forms.DateInput(attrs={"type": "date"}),
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


class EnquiryNoteForm(forms.ModelForm):
    class Meta:
        model = EnquiryNote
        fields = ["status", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}
        labels = {"status": "Change status to"}
        error_messages = {
            "status": {"invalid_choice": "Select a status from the list, or leave it empty"},
            "note": {
                "required": "Enter a note: what happened, or what you agreed with the operator",
                "max_length": "Enter a note of 5,000 characters or fewer",
            },
        }
