from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from diz_portal.admin_site import CheckboxListMixin
from diz_portal.history import PortalHistoryAdmin
from partners.forms import InvitationForm, ResponseTargetMixin
from partners.models import District, Invitation, Membership, Partner, PartnerChange


class LoadedUserRawIdWidget(ForeignKeyRawIdWidget):
    """The user box of a members row, labelled from the membership's user, already loaded,
    instead of one query per row (Django's raw-id widget looks each value up again)."""

    loaded = None

    def label_and_url_for_value(self, value):
        user = self.loaded
        if user is None or str(user.pk) != str(value):
            return super().label_and_url_for_value(value)
        opts = user._meta
        try:
            url = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=[user.pk],
            )
        except NoReverseMatch:
            url = ""
        return Truncator(user).words(14), url


class MembershipInlineForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["user"].widget
        if self.instance.pk and isinstance(widget, LoadedUserRawIdWidget):
            widget.loaded = self.instance.user


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
    verbose_name = "member (a person who maintains this partner's records)"
    verbose_name_plural = "members"

    def get_queryset(self, request):
        # Each row's title names the person and the partner (Membership.__str__): both are
        # loaded with the rows, so the change page's queries do not grow with its members.
        return super().get_queryset(request).select_related("user", "partner")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["widget"] = LoadedUserRawIdWidget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PartnerAdminForm(ResponseTargetMixin, forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["response_target_days"]  # the admin adds the rest, with its own widgets


@admin.register(Partner)
class PartnerAdmin(CheckboxListMixin, PortalHistoryAdmin):
    form = PartnerAdminForm
    list_display = ["name", "sector", "district_list", "member_count", "published", "date_joined"]
    list_filter = ["sector", "districts", "published"]
    search_fields = ["name", "slug", "short_description", "description", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}
    checkbox_fields = ["districts"]  # five districts: a checkbox list, not two filter boxes
    inlines = [MembershipInline]
    actions = ["invite_person"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "slug", "sector", "published", "date_joined"]}),
        (
            "Profile (the partner's members can edit these on their dashboard)",
            {"fields": Partner.MEMBER_EDITABLE_FIELDS},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("districts")
            .annotate(member_total=Count("memberships", distinct=True))
        )

    @admin.display(description="Districts")
    def district_list(self, obj):
        return ", ".join(district.name for district in obj.districts.all()) or "–"

    @admin.display(description="Members", ordering="member_total")
    def member_count(self, obj):
        return obj.member_total

    @admin.action(description="Invite a person to the selected partner")
    def invite_person(self, request, queryset):
        partners = list(queryset[:2])
        if len(partners) != 1:
            self.message_user(
                request, "Select exactly one partner to invite a person to.", messages.ERROR
            )
            return None
        url = reverse("admin:partners_invitation_add")
        return HttpResponseRedirect(f"{url}?partner={partners[0].pk}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["invite_url"] = (
            f"{reverse('admin:partners_invitation_add')}?partner={object_id}"
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["recent_changes_url"] = reverse("admin:partners_partnerchange_changelist")
        return super().changelist_view(request, extra_context)

    change_form_template = "partners/admin/partner_change_form.html"
    change_list_template = "partners/admin/partner_change_list.html"


@admin.register(Membership)
class MembershipAdmin(PortalHistoryAdmin):
    list_display = ["user_email", "partner", "created_at"]
    list_filter = ["partner"]
    list_select_related = ["user", "partner"]
    search_fields = ["user__email", "partner__name"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]

    @admin.display(description="Email", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    def view_on_site(self, obj):
        return obj.partner.get_absolute_url()


class InvitationStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("pending", "Pending"), ("accepted", "Accepted"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "accepted":
            return queryset.filter(accepted_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(accepted_at__isnull=True, expires_at__lte=now)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(PortalHistoryAdmin):
    """Adding an invitation emails the link; the link itself is never stored or shown."""

    form = InvitationForm
    list_display = ["email", "partner", "status", "created_by", "created_at", "expires_at"]
    list_filter = [InvitationStatusFilter, "partner"]
    list_select_related = ["partner", "created_by"]
    search_fields = ["email", "partner__name"]
    date_hierarchy = "created_at"
    actions = ["send_new_link"]
    readonly_fields = ["status", "created_by", "created_at", "expires_at", "accepted_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "partner"]
        return ["email", "partner", *self.readonly_fields, "accepted_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A sent invitation is a record: change who it is for by sending a new one.
        return [*self.readonly_fields, "email", "partner", "accepted_by"]

    def save_model(self, request, obj, form, change):
        if change:
            return
        obj.created_by = request.user
        token = obj.new_token()
        super().save_model(request, obj, form, change)
        obj.send(token)  # queued: sent once the invitation is saved
        self.message_user(
            request,
            f"Invitation emailed to {obj.email}. The link works once and expires on "
            f"{timezone.localtime(obj.expires_at):%-d %B %Y}.",
            messages.SUCCESS,
        )

    def response_add(self, request, obj, post_url_continue=None):
        # Our own message above says what happened; skip the generic "was added" one.
        messages.get_messages(request).used = False
        return HttpResponseRedirect(reverse("admin:partners_invitation_changelist"))

    @admin.action(description="Send a new link (for invitations not yet accepted)")
    def send_new_link(self, request, queryset):
        sent = 0
        for invitation in queryset.filter(accepted_at__isnull=True).select_related("partner"):
            token = invitation.new_token()
            invitation.save()
            invitation.send(token)
            sent += 1
        skipped = queryset.count() - sent
        note = f" {skipped} already accepted, left alone." if skipped else ""
        self.message_user(request, f"Sent {sent} new link(s); older links stop working.{note}")

    def view_on_site(self, obj):
        return obj.partner.get_absolute_url()


@admin.register(PartnerChange)
class PartnerChangeAdmin(admin.ModelAdmin):
    """Every change partner users made to their profiles, newest first, with what changed.

    Diff and revert are on each partner's own History page, linked from every row.
    """

    list_display = ["history_date", "partner_name", "changed_by", "action", "what_changed"]
    list_filter = ["history_type", "history_date"]
    search_fields = ["name", "history_user__email"]
    date_hierarchy = "history_date"
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(history_user__isnull=False, history_user__is_staff=False)
            .select_related("history_user")
        )

    def get_changelist(self, request, **kwargs):
        from django.contrib.admin.views.main import ChangeList

        class ChangesWithPrevious(ChangeList):
            def get_results(self, request):
                super().get_results(request)
                attach_previous(self.result_list)

        return ChangesWithPrevious

    @admin.display(description="Partner", ordering="name")
    def partner_name(self, obj):
        url = reverse("admin:partners_partner_history", args=[obj.id])
        return format_html('<a href="{}">{}</a> (history, diff, revert)', url, obj.name)

    @admin.display(description="Changed by", ordering="history_user__email")
    def changed_by(self, obj):
        return obj.history_user.email

    @admin.display(description="Action", ordering="history_type")
    def action(self, obj):
        return obj.get_history_type_display()

    @admin.display(description="What changed")
    def what_changed(self, obj):
        return getattr(obj, "change_summary", "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def attach_previous(rows):
    """Sets `change_summary` on each history row from its previous version of the partner.

    Three queries whatever the number of rows: previous versions, district links, districts.
    """
    rows = list(rows)
    if not rows:
        return
    wanted = _previous_history_ids(rows)
    previous = PartnerChange.objects.in_bulk(set(wanted.values()))
    links = _district_links({row.history_id for row in rows} | set(wanted.values()))
    names = dict(District.objects.values_list("id", "name"))
    for row in rows:
        before = previous.get(wanted.get(row.history_id))
        row.change_summary = _change_summary(row, before, links, names)


def _previous_history_ids(rows):
    """{history id of a row: history id of the same partner's version just before it}."""
    previous_ids = (
        PartnerChange.objects.filter(
            id__in={row.id for row in rows},
            history_id__lt=max(row.history_id for row in rows),
        )
        .order_by("id", "history_id")
        .values_list("id", "history_id")
    )
    by_partner = {}
    for partner_id, history_id in previous_ids:
        by_partner.setdefault(partner_id, []).append(history_id)
    wanted = {}
    for row in rows:
        earlier = [h for h in by_partner.get(row.id, []) if h < row.history_id]
        if earlier:
            wanted[row.history_id] = earlier[-1]
    return wanted


def _district_links(history_ids):
    """{history id: set of district ids} from the historical many-to-many table."""
    through = apps.get_model("partners", "HistoricalPartner_districts")
    links = {}
    for history_id, district_id in through.objects.filter(history_id__in=history_ids).values_list(
        "history_id", "district_id"
    ):
        links.setdefault(history_id, set()).add(district_id)
    return links


def _districts_change(old, new, names):
    """'districts (added X; removed Y)', or "" when the districts are the same."""
    if old == new:
        return ""
    added = ", ".join(sorted(names.get(d, "?") for d in new - old))
    removed = ", ".join(sorted(names.get(d, "?") for d in old - new))
    detail = "; ".join(
        part for part in (added and f"added {added}", removed and f"removed {removed}") if part
    )
    return f"districts ({detail})"


def _change_summary(row, before, links, names):
    """What changed from `before` (None: no earlier version) to this history row."""
    if before is None:
        return "Created" if row.history_type == "+" else ""
    fields = row.diff_against(before, excluded_fields=["districts"]).changed_fields
    labels = [str(Partner._meta.get_field(name).verbose_name) for name in fields]
    districts = _districts_change(
        links.get(before.history_id, set()), links.get(row.history_id, set()), names
    )
    if districts:
        labels.append(districts)
    return ", ".join(labels) or "no field changed"


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    """The five districts are fixed by a data migration; the admin shows them read-only."""

    list_display = ["name", "county", "slug"]
    list_filter = ["county"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
