from django import forms
from django.conf import settings

from assets import importer
from assets.models import Asset, AssetImport, Enquiry, EnquiryNote
from partners.models import Partner


class EnquiryForm(forms.ModelForm):
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

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("website"))


LATITUDE = "Enter a latitude between 49.8 and 60.9, for example 51.767"
LONGITUDE = "Enter a longitude between -8.7 and 1.8, for example 0.093"
DATE = "Enter a real date, for example 1 3 2026, or use the date picker"
# What people see instead of Django's own wording ("Ensure this value is greater than or equal
# to 49.8."), by field and error code; the validators stay on the model.
ASSET_FIELD_MESSAGES = {
    "reference": {"required": "Enter a reference, such as HDC-LC-000123"},
    "name": {"required": "Enter a name for the asset"},
    "asset_type": {"required": "Select the type of asset"},
    "district": {"required": "Select the district the asset is in"},
    "owner": {"invalid_choice": "Select one of your organisations"},
    "address": {"required": "Enter the street, place and town"},
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


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with the register's columns, up to "
        f"{settings.ASSET_IMPORT_MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    owner = forms.ModelChoiceField(queryset=Partner.objects.none(), empty_label=None)

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
                f"The file is {upload.size:,} bytes; the largest file accepted is {limit:,} bytes."
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
