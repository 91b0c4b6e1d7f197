"""The admin as the programme manager's desk: what needs attention now, and what partners
changed, on the index page; the full list of partner changes one click away."""

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst

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


class AdminCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """A checkbox list for a short many-to-many (the five districts, the themes) in Django's
    own markup and the admin's "radiolist" styles, grouped under the field's name. Unlike
    filter_horizontal's two boxes it needs no script and passes axe-core."""

    template_name = "admin/widgets/multiple_input.html"

    def __init__(self, group_label="", attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.group_label = group_label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["group_label"] = self.group_label
        return context


class CheckboxListMixin:
    """ModelAdmin mixin: the many-to-many fields named in `checkbox_fields` are checkbox lists."""

    checkbox_fields = ()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.checkbox_fields:
            kwargs["widget"] = AdminCheckboxSelectMultiple(capfirst(db_field.verbose_name))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
