from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from diz_portal.models import Page, SiteContent


@admin.register(SiteContent)
class SiteContentAdmin(SimpleHistoryAdmin):
    fieldsets = [
        ("Home page", {"fields": ["vision", "introduction"]}),
        (
            "The place: key figures",
            {
                "fields": [
                    "districts",
                    "counties",
                    "leps",
                    "population",
                    "businesses",
                    "figures_note",
                ]
            },
        ),
        ("Contact", {"fields": ["contact_email"]}),
    ]

    def has_add_permission(self, request):
        return not SiteContent.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "section", "nav_order", "show_in_navigation", "published"]
    list_editable = ["nav_order", "show_in_navigation", "published"]
    list_filter = ["section", "published"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
