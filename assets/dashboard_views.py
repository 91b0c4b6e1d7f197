"""Partner self-service: members keep their own organisations' assets and enquiries current.

Every view finds its objects through the user's memberships, so another partner's asset, import
or enquiry answers 404 and nothing changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from assets.forms import (
    AgreementForm,
    AssetForm,
    EnquiryMessageForm,
    EnquiryStageForm,
    ImportForm,
    SignedCopyForm,
)
from assets.models import Agreement, Asset, AssetImport, Enquiry
from diz_portal.documents import document_response
from partners.models import Partner

PAGE_SIZE = 50


def _partners(request):
    return list(Partner.objects.for_user(request.user).order_by("name"))


def _own_asset(request, partners, reference):
    return get_object_or_404(Asset.objects.owned_by(partners).for_list(), reference=reference)


@login_required
@require_safe
def asset_list(request):
    partners = _partners(request)
    assets = (
        Asset.objects.owned_by(partners)
        .for_list()
        .order_by(F("retired_at").asc(nulls_first=True), "reference")
    )
    page = Paginator(assets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assets/dashboard/asset_list.html", {"partners": partners, "page": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def asset_add(request):
    partners = _partners(request)
    if not partners:
        return render(request, "assets/dashboard/no_partner.html", status=403)
    form = AssetForm(request.POST or None, partners=partners, initial={"owner": partners[0]})
    if request.method == "POST" and form.is_valid():
        asset = form.save()
        messages.success(request, f"{asset.reference} has been added to the register.")
        return redirect("dashboard:assets-list")
    return render(
        request,
        "assets/dashboard/asset_form.html",
        {"form": form, "asset": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def asset_edit(request, reference):
    partners = _partners(request)
    asset = _own_asset(request, partners, reference)
    form = AssetForm(request.POST or None, instance=asset, partners=partners)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{asset.reference} has been updated.")
        return redirect("dashboard:assets-list")
    return render(
        request,
        "assets/dashboard/asset_form.html",
        {"form": form, "asset": asset},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def asset_retire(request, reference):
    partners = _partners(request)
    asset = _own_asset(request, partners, reference)
    if request.method == "POST":
        if asset.is_retired:
            asset.retired_at = None
            asset._change_reason = "Returned to the register"
            asset.save()
            messages.success(request, f"{asset.reference} is back in the register.")
        else:
            asset.retire()
            messages.success(request, f"{asset.reference} has been retired. Its history is kept.")
        return redirect("dashboard:assets-list")
    return render(request, "assets/dashboard/asset_retire.html", {"asset": asset})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def asset_import(request):
    partners = _partners(request)
    if not partners:
        return render(request, "assets/dashboard/no_partner.html", status=403)
    form = ImportForm(request.POST or None, request.FILES or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        batch = form.save(request.user)
        batch.start_check()
        return redirect("dashboard:assets-import-preview", pk=batch.pk)
    recent = (
        AssetImport.objects.for_partners(partners)
        .select_related("uploaded_by")
        .defer("content")[:10]
    )
    return render(
        request,
        "assets/dashboard/import.html",
        {"form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


def _own_import(request, pk):
    return get_object_or_404(
        AssetImport.objects.for_partners(_partners(request))
        .select_related("owner")
        .defer("content"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def asset_import_preview(request, pk):
    """The import's progress, its problems or what it will change, and the confirm button."""
    batch = _own_import(request, pk)
    if request.method == "POST":
        if batch.confirm():
            messages.success(
                request, f"{batch.filename} is being imported. This page shows how far it has got."
            )
        else:
            messages.error(
                request,
                "This import cannot be confirmed: it has already been confirmed, or its file has "
                "problems. To import the file, upload it again.",
            )
        return redirect("dashboard:assets-import-preview", pk=batch.pk)
    return render(request, "assets/dashboard/import_preview.html", import_context(request, batch))


@login_required
@require_safe
def asset_import_status(request, pk):
    """Progress as JSON, for the progress page's script (the page works without it)."""
    return JsonResponse(_own_import(request, pk).progress())


def import_context(request, batch, *, problems_per_page=100):
    """What the import page shows, for the dashboard and the admin alike: a page of problems
    while there are any, otherwise a page of the changes waiting to be applied."""
    context = {"batch": batch, "problems": None, "changes": None}
    if batch.status == AssetImport.Status.INVALID:
        context["problems"] = Paginator(batch.problems.all(), problems_per_page).get_page(
            request.GET.get("page")
        )
    elif batch.status == AssetImport.Status.CHECKED:
        context["changes"] = Paginator(
            batch.staged.only("row", "reference", "action", "changed"), problems_per_page
        ).get_page(request.GET.get("page"))
    return context


@login_required
@require_safe
def enquiry_list(request):
    partners = _partners(request)
    enquiries = Enquiry.objects.for_partners(partners).for_list()
    page = Paginator(enquiries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assets/dashboard/enquiry_list.html", {"page": page})


REPLY_LABEL = "Your reply to the operator"


def _post_reply(request, enquiry, agreement):
    form = EnquiryMessageForm(request.POST, label=REPLY_LABEL)
    if form.is_valid():
        try:
            enquiry.add_message(form.cleaned_data["body"], from_operator=False, author=request.user)
        except ValidationError as error:
            form.add_error("body", error.messages[0])
        else:
            return form, "Your reply has been sent to the operator."
    return form, None


def _post_stage(request, enquiry, agreement):
    form = EnquiryStageForm(request.POST, enquiry=enquiry)
    if form.is_valid():
        try:
            enquiry.move_to(
                form.cleaned_data["status"], note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            form.add_error("status", error.messages[0])
        else:
            stage = enquiry.get_status_display().lower()
            return form, f"The enquiry is now {stage}. We have emailed the operator."
    return form, None


def _post_agreement(request, enquiry, agreement):
    form = AgreementForm(request.POST, request.FILES, prefix="agreement")
    if form.is_valid() and form.agree(enquiry, request.user):
        return form, (
            "The agreement is recorded, the enquiry is agreed and its assets are now in use. "
            "We have emailed the operator."
        )
    return form, None


def _post_signed_copy(request, enquiry, agreement):
    form = SignedCopyForm(request.POST, request.FILES, instance=agreement, prefix="copy")
    if form.is_valid():
        agreement._change_reason = "Signed copy added on the partner dashboard"
        agreement._history_user = request.user
        form.save()
        return form, "The signed copy is saved."
    # The page shows the agreement as stored, not the file that was refused.
    agreement.signed_copy = agreement._stored_signed_copy or ""
    return form, None


# The enquiry page's forms: action posted -> (form it fills, handler returning the bound form
# and, when it worked, the message to show).
ENQUIRY_ACTIONS = {
    "reply": ("reply", _post_reply),
    "stage": ("stage", _post_stage),
    "agreement": ("agreement", _post_agreement),
    "signed_copy": ("copy", _post_signed_copy),
}


def _enquiry_forms(enquiry, agreement):
    """The empty forms the page offers now (None: not at this stage)."""
    return {
        "reply": EnquiryMessageForm(label=REPLY_LABEL),
        "stage": EnquiryStageForm(enquiry=enquiry),
        # Once terms are offered the agreement can be recorded; once recorded, its copy added.
        "agreement": AgreementForm(prefix="agreement") if enquiry.can_record_agreement else None,
        "copy": SignedCopyForm(instance=agreement, prefix="copy") if agreement else None,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enquiry_detail(request, pk):
    """One enquiry to the user's organisation: the operator's request, the assets, the thread
    (reply), the stage (move it on) and, once terms are offered, the signed agreement."""
    partners = _partners(request)
    enquiry = get_object_or_404(
        Enquiry.objects.for_partners(partners).select_related("request", "owner", "agreement"),
        pk=pk,
    )
    agreement = enquiry.agreement_or_none  # selected with the enquiry: no query
    forms = _enquiry_forms(enquiry, agreement)
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None:
        name, handle = ENQUIRY_ACTIONS.get(action, (None, None))
        if forms.get(name) is None:
            return render(request, "errors/400.html", status=400)
        forms[name], done = handle(request, enquiry, agreement)
        if done:
            messages.success(request, done)
            return redirect("dashboard:assets-enquiry", pk=enquiry.pk)
    shown = [form for form in forms.values() if form is not None]
    failed = [form for form in shown if form.errors]
    context = {
        "enquiry": enquiry,
        "request_obj": enquiry.request,
        "assets": enquiry.assets.select_related("district").order_by("reference"),
        "thread": enquiry.messages.select_related("author"),
        "notes": enquiry.notes.select_related("author"),
        "reply_form": forms["reply"],
        "stage_form": forms["stage"],
        "agreement_form": forms["agreement"],
        "copy_form": forms["copy"],
        "agreement": agreement,
        "form": failed[0] if failed else forms["stage"],  # whose errors the summary shows
    }
    return render(
        request,
        "assets/dashboard/enquiry_detail.html",
        context,
        status=400 if failed else 200,
    )


@login_required
@require_safe
def agreement_signed_copy(request, pk):
    """The signed copy of an agreement of the user's organisation: private, so only through
    here (another organisation's, or none: 404)."""
    agreement = get_object_or_404(
        Agreement.objects.for_partners(_partners(request)).exclude(signed_copy=""),
        enquiry_id=pk,
    )
    return document_response(agreement.signed_copy, agreement.download_name)
