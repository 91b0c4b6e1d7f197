from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from assets.dashboard_views import import_context
from assets.forms import AgreementForm, ImportForm
from assets.models import (
    Agreement,
    Asset,
    AssetImport,
    Enquiry,
    EnquiryMessage,
    EnquiryNote,
    validate_no_nul,
)
from diz_portal.documents import describe, document_response
from diz_portal.history import PortalHistoryAdmin


class VerifiedFilter(admin.SimpleListFilter):
    title = "data verified"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("stale", "Not for 12 months, or never")]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.not_verified_recently()
        return queryset


class ResponseFilter(admin.SimpleListFilter):
    title = "first response"
    parameter_name = "response"

    def lookups(self, request, model_admin):
        return [("overdue", "Past the target")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        return queryset


@admin.register(Asset)
class AssetAdmin(PortalHistoryAdmin):
    list_display = [
        "reference",
        "name",
        "asset_type",
        "owner",
        "district",
        "availability",
        "visibility",
        "is_active",
        "last_verified",
    ]
    list_filter = [
        "asset_type",
        "availability",
        "visibility",
        "district",
        "power_available",
        "fibre_connected",
        ("retired_at", admin.EmptyFieldListFilter),
        VerifiedFilter,
        "owner",
    ]
    search_fields = ["reference", "name", "address", "postcode", "uprn", "usrn"]
    list_select_related = ["owner", "district"]
    readonly_fields = ["easting", "northing", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    change_list_template = "assets/admin/asset_change_list.html"
    fieldsets = [
        (None, {"fields": ["reference", "name", "asset_type", "owner", "district"]}),
        (
            "Location",
            {
                "fields": [
                    "address",
                    "postcode",
                    "uprn",
                    "usrn",
                    "latitude",
                    "longitude",
                    "easting",
                    "northing",
                ]
            },
        ),
        (
            "For operators",
            {
                "fields": [
                    "height_m",
                    "power_available",
                    "fibre_connected",
                    "material",
                    "kerb_offset_mm",
                    "tenure",
                    "access_model",
                    "current_use",
                    "viability_confirmed",
                    "known_constraints",
                ]
            },
        ),
        # The same fields, in the same order, as the partners' form (assets.forms.AssetForm).
        ("Telecoms suitability", {"fields": [*Asset.PROFILE_FIELDS]}),
        (
            "Status",
            {
                "fields": [
                    "availability",
                    "visibility",
                    "location_generalised",
                    "notes",
                    *Asset.FRESHNESS_FIELDS,
                    "retired_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    @admin.display(boolean=True, description="in register", ordering="retired_at")
    def is_active(self, obj):
        return obj.retired_at is None

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="assets_asset_import",
            ),
            path(
                "import/<int:pk>/",
                self.admin_site.admin_view(self.import_preview_view),
                name="assets_asset_import_preview",
            ),
        ]
        return own + super().get_urls()

    def _check_import_permission(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

    def import_view(self, request):
        """Upload a CSV; rows name their owners. Nothing is written until confirmation."""
        self._check_import_permission(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            batch = form.save(request.user)
            batch.start_check()
            return redirect("admin:assets_asset_import_preview", pk=batch.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import assets from CSV",
            "form": form,
        }
        return TemplateResponse(request, "assets/admin/import.html", context)

    def import_preview_view(self, request, pk):
        """The import's progress, problems or changes, and the confirm button."""
        self._check_import_permission(request)
        batch = get_object_or_404(
            AssetImport.objects.defer("content").select_related("uploaded_by"),
            pk=pk,
            owner__isnull=True,
        )
        if request.method == "POST":
            if batch.confirm():
                self.message_user(
                    request,
                    f"{batch.filename} is being imported. This page shows how far it has got.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request, "This import is not waiting for confirmation.", messages.ERROR
                )
            return redirect("admin:assets_asset_import_preview", pk=batch.pk)
        context = {
            **self.admin_site.each_context(request),
            **import_context(request, batch),
            "opts": self.model._meta,
            "title": f"Import of {batch.filename}",
            "import_url": reverse("admin:assets_asset_import"),
            "status_url": "",
        }
        return TemplateResponse(request, "assets/admin/import_preview.html", context)


class EnquiryAdminForm(forms.ModelForm):
    """The stage moves through Enquiry.move_to, like everywhere else: never by editing it."""

    move_to = forms.ChoiceField(
        label="Move to stage",
        required=False,
        help_text="The operator is emailed about the change (the owner, for a withdrawal).",
        error_messages={
            "invalid_choice": "Choose one of the stages this enquiry can move to now",
        },
    )
    stage_note = forms.CharField(
        label="Note with the change",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent with the email and kept in the stage history.",
        validators=[validate_no_nul],
    )

    class Meta:
        model = Enquiry
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        moves = Enquiry.MOVES.get(self.instance.status, []) if self.instance.pk else []
        # "Agreed" comes from recording the agreement ("Record the agreement" on this page).
        self.fields["move_to"].choices = [("", "Leave as it is")] + [
            (status.value, status.label) for status in moves if status not in Enquiry.BY_AGREEMENT
        ]

    def clean_move_to(self):
        status = self.cleaned_data.get("move_to")
        if status:
            try:
                self.instance.check_move(status)
            except ValidationError as error:
                raise forms.ValidationError(error.messages[0]) from None
        return status


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EnquiryMessageInline(ReadOnlyInline):
    model = EnquiryMessage
    fields = ["created_at", "sender", "body"]
    readonly_fields = fields
    verbose_name = "message"
    verbose_name_plural = "messages between the operator and the owner"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    @admin.display(description="from")
    def sender(self, obj):
        if obj.from_operator:
            return "The operator"
        return (obj.author.get_full_name() or obj.author.email) if obj.author else "The owner"


class EnquiryNoteInline(ReadOnlyInline):
    model = EnquiryNote
    fields = ["created_at", "status", "note", "author"]
    readonly_fields = fields
    verbose_name = "stage change"
    verbose_name_plural = "stage history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Enquiry)
class EnquiryAdmin(PortalHistoryAdmin):
    form = EnquiryAdminForm
    list_display = [
        "__str__", "owner", "organisation", "status", "created_at", "due_at", "waited",
    ]  # fmt: skip
    list_filter = ["status", ResponseFilter, "owner"]
    search_fields = [
        "request__name", "request__organisation", "request__email", "assets__reference",
    ]  # fmt: skip
    list_select_related = ["owner", "request"]
    readonly_fields = [
        "owner", "status", "agreement_link", "operator", "organisation", "operator_email",
        "install", "wanted_by", "message", "asset_list", "created_at", "due_at",
        "first_response_at", "reminder_sent_at", "escalated_at", "closed_at", "waited",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["owner", "status", "move_to", "stage_note", "agreement_link"]}),
        (
            "The operator's request",
            {
                "fields": [
                    "operator",
                    "organisation",
                    "operator_email",
                    "install",
                    "wanted_by",
                    "message",
                    "asset_list",
                ]
            },
        ),  # fmt: skip
        (
            "Clock",
            {
                "fields": [
                    "created_at",
                    "due_at",
                    "first_response_at",
                    "reminder_sent_at",
                    "escalated_at",
                    "closed_at",
                    "waited",
                ]
            },
        ),  # fmt: skip
    ]
    inlines = [EnquiryMessageInline, EnquiryNoteInline]
    date_hierarchy = "created_at"
    view_on_site = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("request", "owner", "agreement")

    def has_add_permission(self, request):
        return False  # enquiries come from operators' baskets

    @admin.display(description="agreement")
    def agreement_link(self, obj):
        agreement = obj.agreement_or_none
        if agreement is not None:
            return format_html(
                '<a href="{}">From {} for {} months</a>',
                reverse("admin:assets_agreement_change", args=[agreement.pk]),
                f"{agreement.starts_on:%d %B %Y}",
                agreement.term_months,
            )
        if obj.can_record_agreement:
            return format_html(
                '<a href="{}">Record the agreement</a> (the enquiry becomes agreed and its '
                "assets in use)",
                reverse("admin:assets_enquiry_agreement", args=[obj.pk]),
            )
        return "None: an agreement can be recorded once terms are offered"

    def get_urls(self):
        own = [
            path(
                "<int:pk>/agreement/",
                self.admin_site.admin_view(self.record_agreement_view),
                name="assets_enquiry_agreement",
            )
        ]
        return own + super().get_urls()

    def record_agreement_view(self, request, pk):
        """The same form and Enquiry.agree as the owner's dashboard, for the programme team."""
        if not (
            self.has_change_permission(request) and request.user.has_perm("assets.add_agreement")
        ):
            raise PermissionDenied
        enquiry = get_object_or_404(
            Enquiry.objects.select_related("request", "owner", "agreement"), pk=pk
        )
        change_url = reverse("admin:assets_enquiry_change", args=[enquiry.pk])
        if not enquiry.can_record_agreement:
            self.message_user(
                request,
                "An agreement can only be recorded once terms have been offered: this enquiry "
                f"is {enquiry.get_status_display().lower()}.",
                messages.ERROR,
            )
            return redirect(change_url)
        form = AgreementForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid() and form.agree(enquiry, request.user):
            self.message_user(
                request,
                "The agreement is recorded, the enquiry is agreed and its assets are now in use. "
                "The operator has been emailed.",
                messages.SUCCESS,
            )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Record the agreement for enquiry {enquiry.pk}",
            "enquiry": enquiry,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "assets/admin/record_agreement.html", context)

    @admin.display(description="operator", ordering="request__name")
    def operator(self, obj):
        return obj.request.name

    @admin.display(description="organisation", ordering="request__organisation")
    def organisation(self, obj):
        return obj.request.organisation

    @admin.display(description="email")
    def operator_email(self, obj):
        return obj.request.email

    @admin.display(description="what they want to install")
    def install(self, obj):
        return obj.request.install or "-"

    @admin.display(description="wanted by")
    def wanted_by(self, obj):
        return obj.request.wanted_by or "-"

    @admin.display(description="message")
    def message(self, obj):
        return obj.request.message

    @admin.display(description="assets")
    def asset_list(self, obj):
        assets = obj.assets.order_by("reference")
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:assets_asset_change", args=[a.pk]), str(a)) for a in assets),
        )

    @admin.display(description="waited", ordering="created_at")
    def waited(self, obj):
        """How long the operator has waited: to now while open, to closing otherwise."""
        if obj.created_at is None:
            return "-"
        return obj.waited_text + ("" if obj.is_open else " (closed)")

    def save_model(self, request, obj, form, change):
        status = form.cleaned_data.get("move_to")
        if status:
            obj.move_to(status, note=form.cleaned_data.get("stage_note", ""), by=request.user)
        elif form.cleaned_data.get("stage_note"):
            EnquiryNote.objects.create(
                enquiry=obj, note=form.cleaned_data["stage_note"], author=request.user
            )


class EndingSoonFilter(admin.SimpleListFilter):
    title = "end date"
    parameter_name = "ending"

    def lookups(self, request, model_admin):
        return [("90", "Ending within 90 days"), ("ended", "Ended")]

    def queryset(self, request, queryset):
        if self.value() == "90":
            return queryset.ending_within(90)
        if self.value() == "ended":
            return queryset.filter(ends_on__lt=timezone.localdate())
        return queryset


class SignedCopyWidget(forms.ClearableFileInput):
    """The signed copy is private: the "Currently" link goes to the admin's checked download
    view, never to a storage URL (the private storage has none)."""

    def __init__(self, *args, download_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.download_url = download_url

    def is_initial(self, value):
        return bool(value and getattr(value, "name", ""))  # never value.url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = _Download(self.download_url, describe(value))
        return context


class _Download:
    def __init__(self, url, summary):
        self.url, self.summary = url, summary

    def __str__(self):
        return f"Download the signed copy ({self.summary})"

    def __bool__(self):
        return True


@admin.register(Agreement)
class AgreementAdmin(PortalHistoryAdmin):
    """The agreements register: every recorded agreement with its owner, operator, assets and
    dates. Agreements are recorded from their enquiry (Enquiry.agree), never added here."""

    list_display = [
        "__str__", "owner", "operator", "asset_count", "starts_on", "ends_on", "has_signed_copy",
    ]  # fmt: skip
    list_filter = [EndingSoonFilter, ("enquiry__owner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reference", "enquiry__request__organisation", "enquiry__owner__name"]
    list_select_related = ["enquiry__owner", "enquiry__request"]
    date_hierarchy = "starts_on"
    fields = [
        "enquiry_link", "owner", "operator", "asset_count", "starts_on", "term_months", "ends_on",
        "reference", "notes", "signed_copy", "created_at",
    ]  # fmt: skip
    readonly_fields = [
        "enquiry_link", "owner", "operator", "asset_count", "ends_on", "created_at",
    ]  # fmt: skip
    view_on_site = False

    def get_queryset(self, request):
        return super().get_queryset(request).for_register()

    def has_add_permission(self, request):
        return False  # recorded on the enquiry, which moves it to agreed

    def has_delete_permission(self, request, obj=None):
        return False  # the enquiry stays agreed: correct the agreement instead

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "signed_copy" in form.base_fields:
            form.base_fields["signed_copy"].widget = SignedCopyWidget(
                download_url=reverse("admin:assets_agreement_signed_copy", args=[obj.pk])
            )
        return form

    def get_urls(self):
        own = [
            path(
                "<int:pk>/signed-copy/",
                self.admin_site.admin_view(self.signed_copy_view),
                name="assets_agreement_signed_copy",
            )
        ]
        return own + super().get_urls()

    def signed_copy_view(self, request, pk):
        agreement = get_object_or_404(Agreement.objects.exclude(signed_copy=""), pk=pk)
        if not self.has_view_permission(request, agreement):
            raise PermissionDenied
        return document_response(agreement.signed_copy, agreement.download_name)

    @admin.display(description="enquiry")
    def enquiry_link(self, obj):
        return format_html(
            '<a href="{}">Enquiry {}</a>',
            reverse("admin:assets_enquiry_change", args=[obj.enquiry_id]),
            obj.enquiry_id,
        )

    @admin.display(description="owner", ordering="enquiry__owner__name")
    def owner(self, obj):
        return obj.enquiry.owner.name

    @admin.display(description="operator", ordering="enquiry__request__organisation")
    def operator(self, obj):
        return obj.enquiry.request.organisation

    @admin.display(description="assets", ordering="asset_count")
    def asset_count(self, obj):
        return obj.asset_count

    @admin.display(description="signed copy", boolean=True)
    def has_signed_copy(self, obj):
        return bool(obj.signed_copy)

    def save_model(self, request, obj, form, change):
        obj._change_reason = "Edited in the agreements register"
        super().save_model(request, obj, form, change)


@admin.register(AssetImport)
class AssetImportAdmin(admin.ModelAdmin):
    list_display = [
        "filename",
        "owner",
        "uploaded_by",
        "status",
        "created_at",
        "applied_at",
        "summary",
    ]
    list_filter = ["status", "owner"]
    readonly_fields = [
        "uploaded_by", "owner", "filename", "status", "rows_total", "rows_done", "created_count",
        "updated_count", "unchanged_count", "problem_count", "error", "created_at", "checked_at",
        "applied_at", "summary",
    ]  # fmt: skip
    exclude = ["content"]
    list_select_related = ["owner", "uploaded_by"]

    def has_add_permission(self, request):
        return False
