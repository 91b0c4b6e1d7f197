from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from assets.dashboard_views import import_context
from assets.forms import ImportForm
from assets.models import Asset, AssetImport, Enquiry, EnquiryNote
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
                    "power_supply",
                    "fibre_connected",
                    "material",
                    "kerb_offset_mm",
                    "tenure",
                    "access_model",
                    "current_use",
                    "viability_confirmed",
                    "structural_check_date",
                    "known_constraints",
                ]
            },
        ),
        (
            "Status",
            {
                "fields": [
                    "availability",
                    "visibility",
                    "notes",
                    "last_verified",
                    "data_source",
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


class EnquiryNoteInline(admin.TabularInline):
    model = EnquiryNote
    extra = 1
    fields = ["created_at", "status", "note", "author"]
    readonly_fields = ["author"]


@admin.register(Enquiry)
class EnquiryAdmin(PortalHistoryAdmin):
    list_display = ["__str__", "asset", "organisation", "status", "created_at", "waited"]
    list_filter = ["status", ResponseFilter, "asset__owner"]
    search_fields = ["name", "organisation", "email", "asset__reference", "asset__name"]
    list_select_related = ["asset"]
    readonly_fields = ["created_at", "updated_at", "closed_at", "waited"]
    inlines = [EnquiryNoteInline]
    date_hierarchy = "created_at"

    @admin.display(description="waited", ordering="created_at")
    def waited(self, obj):
        """How long the operator has waited: to now while open, to closing otherwise."""
        if obj.created_at is None:
            return "-"
        return obj.waited_text + ("" if obj.is_open else " (closed)")

    def view_on_site(self, obj):
        return obj.asset.get_absolute_url()

    def save_formset(self, request, form, formset, change):
        notes = formset.save(commit=False)
        for note in notes:
            if isinstance(note, EnquiryNote):
                if note.author_id is None:
                    note.author = request.user
                enquiry = form.instance
                if note.status and note.status != enquiry.status:
                    enquiry.status = note.status
                    enquiry.save()
            note.save()
        for note in formset.deleted_objects:
            note.delete()
        formset.save_m2m()


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
