from django.contrib import admin

from diz_portal.admin_site import CheckboxListMixin
from diz_portal.history import PortalHistoryAdmin
from projects.models import FundingLine, Outcome, Project, ProjectUpdate, Theme


class FundingLineInline(admin.TabularInline):
    model = FundingLine
    extra = 0
    fields = ["funder", "programme", "amount", "status"]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    fields = ["label", "value", "order"]


class ProjectUpdateInline(admin.StackedInline):
    model = ProjectUpdate
    extra = 0
    fields = ["title", "date", "body", "author", "published"]
    raw_id_fields = ["author"]
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(CheckboxListMixin, PortalHistoryAdmin):
    list_display = ["title", "status", "lead_partner", "start_date", "featured", "published"]
    list_filter = ["status", "themes", "lead_partner", "featured", "published"]
    list_select_related = ["lead_partner"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["partners"]
    checkbox_fields = ["themes", "districts"]  # short lists: checkboxes, no script needed
    date_hierarchy = "start_date"
    inlines = [FundingLineInline, OutcomeInline, ProjectUpdateInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "themes", "summary", "body"]}),
        ("Who and where", {"fields": ["lead_partner", "partners", "districts"]}),
        ("Dates", {"fields": ["start_date", "end_date"]}),
        ("Image", {"fields": ["image", "image_alt"]}),
        ("Publishing", {"fields": ["featured", "published"]}),
    ]


@admin.register(ProjectUpdate)
class ProjectUpdateAdmin(PortalHistoryAdmin):
    list_display = ["title", "project", "date", "author", "published"]
    list_filter = ["published", "project__status"]
    list_select_related = ["project", "author"]
    search_fields = ["title", "body", "project__title"]
    date_hierarchy = "date"
    raw_id_fields = ["author"]
    autocomplete_fields = ["project"]


@admin.register(FundingLine)
class FundingLineAdmin(PortalHistoryAdmin):
    list_display = ["project", "funder", "programme", "amount", "status"]
    list_filter = ["status"]
    list_select_related = ["project"]
    search_fields = ["funder", "programme", "project__title"]
    autocomplete_fields = ["project"]

    def view_on_site(self, obj):
        return obj.project.get_absolute_url()


@admin.register(Outcome)
class OutcomeAdmin(PortalHistoryAdmin):
    list_display = ["project", "label", "value", "order"]
    list_select_related = ["project"]
    search_fields = ["label", "value", "project__title"]
    autocomplete_fields = ["project"]

    def view_on_site(self, obj):
        return obj.project.get_absolute_url()


@admin.register(Theme)
class ThemeAdmin(PortalHistoryAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
