"""The admin as the programme manager's desk: what needs attention now, and what partners
changed, on the index page; the full list of partner changes one click away."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path, reverse

from diz_portal.history import recent_partner_changes
from diz_portal.sections import collect_lists

INDEX_CHANGES = 10
PAGE_CHANGES = 100


class PortalAdminSite(admin.AdminSite):
    site_header = "DIZ Portal administration"
    site_title = "DIZ Portal admin"
    index_title = "Programme management"

    def index(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "attention": [item for item in self.attention(request) if item["count"]],
            "partner_changes": recent_partner_changes(INDEX_CHANGES),
        }
        return super().index(request, extra_context)

    def attention(self, request):
        """Every app's items (their sections' `attention` hooks), and the outbox's."""
        from diz_portal.models import OutboundEmail

        failed = OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count()
        url = reverse("admin:diz_portal_outboundemail_changelist") + "?status__exact=failed"
        return [
            *collect_lists("attention", request),
            {"label": "Emails that could not be sent", "count": failed, "url": url},
        ]

    def get_urls(self):
        own = [
            path("partner-changes/", self.admin_view(self.partner_changes), name="partner-changes")
        ]
        return own + super().get_urls()

    def partner_changes(self, request):
        context = {
            **self.each_context(request),
            "title": "Recent changes by partners",
            "partner_changes": recent_partner_changes(PAGE_CHANGES),
        }
        return TemplateResponse(request, "admin/partner_changes.html", context)
