from django.contrib import admin, messages

from diz_portal import outbox
from diz_portal.history import PortalHistoryAdmin
from diz_portal.models import OutboundEmail, Page, SiteContent


@admin.register(SiteContent)
class SiteContentAdmin(PortalHistoryAdmin):
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
class PageAdmin(PortalHistoryAdmin):
    list_display = ["title", "slug", "section", "nav_order", "show_in_navigation", "published"]
    list_editable = ["nav_order", "show_in_navigation", "published"]
    list_filter = ["section", "published"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Every email the portal sends, as a record: nothing here is edited, only sent again."""

    list_display = ["created_at", "kind", "recipients", "subject", "status", "attempts", "error"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "reply_to", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = [
        "created_at", "kind", "status", "attempts", "next_attempt_at", "sent_at", "last_error",
        "from_email", "to", "reply_to", "subject", "body", "html", "attachment_names",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The change permission runs "Send again" from the list; one email opens as a record.
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description="To")
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.display(description="Last error")
    def error(self, obj):
        return obj.last_error[:120]

    @admin.display(description="Attachments")
    def attachment_names(self, obj):
        return ", ".join(item["filename"] for item in obj.attachments) or "None"

    @admin.action(description="Send again (failed or stuck emails)", permissions=["change"])
    def send_again(self, request, queryset):
        queued = outbox.send_again(queryset)
        skipped = queryset.count() - queued
        note = f" {skipped} already sent or being sent, left alone." if skipped else ""
        level = messages.SUCCESS if queued else messages.WARNING
        self.message_user(request, f"{queued} email(s) queued to be sent again.{note}", level)
