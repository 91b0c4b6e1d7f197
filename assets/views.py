import re
from urllib.parse import urlencode

import orjson
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from assets import changes, exports, quality, serialisers
from assets.columns import ATTRIBUTION, COLUMN_NAMES, COLUMNS
from assets.filters import AssetFilter
from assets.forms import EnquiryForm, EnquiryMessageForm
from assets.models import (
    BASKET_MAX_ASSETS,
    GENERALISED_NOTE,
    REFERENCE_RE,
    Agreement,
    Asset,
    Enquiry,
    EnquiryNote,
    EnquiryRequest,
    can_see_restricted,
)
from assets.notifications import notify_request
from diz_portal.cache import DeferredJoinPaginator, versioned
from diz_portal.catalogue import LICENCE_NAME, LICENCE_URL
from diz_portal.clientip import client_ip
from diz_portal.documents import document_response

PAGE_SIZE = 50
ENQUIRY_LIMIT = 5  # per IP address per hour
ENQUIRY_WINDOW = 60 * 60
LICENCE_LINK = f'<{LICENCE_URL}>; rel="license"'
REFERENCE_PATTERN = re.compile(REFERENCE_RE)


def _filtered(request):
    """The visitor's visible assets, filtered by the query string."""
    return AssetFilter(
        request.GET, queryset=Asset.objects.visible_to(request.user).for_list(), request=request
    )


def _filter_errors(assets):
    return {name: [str(e) for e in errors] for name, errors in assets.form.errors.items()}


@require_safe
def asset_list(request):
    assets = _filtered(request)
    if not assets.is_valid():
        return render(
            request,
            "assets/asset_list.html",
            {"filter": assets, "page": None, "show_restricted": can_see_restricted(request.user)},
            status=400,
        )
    # The register's order (reference) is unique: deep pages (?page=5000) step over index
    # entries, not rows.
    page = DeferredJoinPaginator(
        assets.qs, PAGE_SIZE, key="reference", rows=Asset.objects.for_list()
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "assets/asset_list.html",
        {
            "filter": assets,
            "page": page,
            "show_restricted": can_see_restricted(request.user),
            # The map's selection stops where the basket would refuse it.
            "basket_max": BASKET_MAX_ASSETS,
        },
    )


@require_safe
def map_data(request):
    """GeoJSON for the map: the filtered assets inside the bbox, built by
    assets.serialisers.map_collection (features, or clusters beyond the limit)."""
    assets = _filtered(request)
    if not assets.is_valid():
        return JsonResponse(
            {"error": "Invalid filter.", "fields": _filter_errors(assets)}, status=400
        )
    bbox = None
    if value := request.GET.get("bbox"):
        try:
            bbox = serialisers.parse_bbox(value)
        except ValueError as exc:
            return JsonResponse({"error": str(exc)}, status=400)
    collection = serialisers.map_collection(assets.qs, request.user, bbox, request.GET.get("zoom"))
    # orjson: features encode several times faster than with the standard library.
    return HttpResponse(orjson.dumps(collection), content_type="application/geo+json")


def _export(request, stream, content_type, filename):
    assets = _filtered(request)
    if not assets.is_valid():
        return JsonResponse(
            {"error": "Invalid filter.", "fields": _filter_errors(assets)}, status=400
        )
    queryset = assets.qs.with_position_for(request.user).order_by("reference")
    if since := request.GET.get("since"):
        # Rows added or changed on or after that day (retirements: see the change feed).
        try:
            queryset = changes.changed_since(queryset, since)
        except ValueError as exc:
            return JsonResponse(
                {"error": "Invalid filter.", "fields": {"since": [str(exc)]}}, status=400
            )
    response = StreamingHttpResponse(stream(queryset), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = LICENCE_LINK
    return response


@require_safe
def export_csv(request):
    return _export(request, exports.csv_stream, "text/csv; charset=utf-8", "diz-assets.csv")


@require_safe
def export_geojson(request):
    return _export(request, exports.geojson_stream, "application/geo+json", "diz-assets.geojson")


@require_safe
def import_template(request):
    response = StreamingHttpResponse(
        [",".join(COLUMN_NAMES) + "\r\n"], content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="diz-assets-template.csv"'
    return response


@require_safe
def data_quality(request):
    """How complete and fresh each owner's public records are (issue 13, item 6): one aggregate
    query, cached until the register changes."""
    today = timezone.localdate()
    owners, overall = versioned(
        f"asset-quality-agreed:{today.isoformat()}", lambda: quality.by_owner(today)
    )
    return render(
        request,
        "assets/data_quality.html",
        {
            "owners": owners,
            "overall": overall,
            "measures": quality.MEASURES,
            "good": quality.GOOD,
            "fair": quality.FAIR,
            "since": quality.cutoff_text(today),
        },
    )


@require_safe
def data_dictionary(request):
    return render(
        request,
        "assets/data_dictionary.html",
        {
            "columns": COLUMNS,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "attribution": ATTRIBUTION,
        },
    )


def _rate_limited(request):
    """True when this IP address has sent ENQUIRY_LIMIT enquiries within the hour."""
    key = f"assets:enquiry:{client_ip(request)}"
    cache.add(key, 0, ENQUIRY_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, ENQUIRY_WINDOW)
        count = 1
    return count > ENQUIRY_LIMIT


def _visible_asset(request, reference):
    return get_object_or_404(Asset.objects.visible_to(request.user).for_list(), reference=reference)


@require_safe
def asset_detail(request, reference):
    # No form here (it has its own page), so no CSRF token: anonymous visitors get the page
    # from the page cache like any other.
    asset = _visible_asset(request, reference)
    latitude, longitude, easting, northing = asset.position_for(request.user)
    return render(
        request,
        "assets/asset_detail.html",
        {
            "asset": asset,
            "show_restricted": can_see_restricted(request.user),
            # Where the page and its map place the asset: rounded for a generalised location
            # unless this visitor sees it exactly (Asset.position_for).
            "position": {
                "latitude": latitude,
                "longitude": longitude,
                "easting": easting,
                "northing": northing,
                "generalised": asset.position_is_generalised_for(request.user),
                "note": GENERALISED_NOTE,
            },
        },
    )


def _basket(request, values):
    """The assets of a basket (`?asset=REF&asset=REF2…`) this visitor may see, in the order
    chosen, and what is wrong with it, in plain words. Partners-only assets are refused
    exactly like references that do not exist: the message never says that one exists."""
    problems = []
    references, malformed = _basket_references(values)
    if malformed:
        problems.append(
            f"{malformed} of the asset references {'is' if malformed == 1 else 'are'} not "
            "valid. References are capital letters, numbers and hyphens, such as "
            "HDC-LC-000123."
        )
    if len(references) > BASKET_MAX_ASSETS:
        problems.append(
            f"You chose {len(references)} assets. You can ask about up to {BASKET_MAX_ASSETS} "
            "in one enquiry: remove some, or send more than one enquiry."
        )
        return [], problems
    found = {
        asset.reference: asset
        for asset in Asset.objects.visible_to(request.user)
        .for_list()
        .filter(reference__in=references)
    }
    missing = [reference for reference in references if reference not in found]
    if missing:
        problems.append(_not_found_problem(missing))
    return [found[reference] for reference in references if reference in found], problems


def _basket_references(values):
    """The distinct well-formed references, upper-cased, in the order chosen, and how many
    values were not references at all (empty values are skipped)."""
    references = []
    malformed = 0
    for value in values:
        reference = value.strip().upper()
        if not reference:
            continue
        if not REFERENCE_PATTERN.match(reference):
            malformed += 1
        elif reference not in references:
            references.append(reference)
    return references, malformed


def _not_found_problem(missing):
    """Says which references were not found, the first ten of them by name."""
    shown = ", ".join(missing[:10])
    if len(missing) > 10:
        shown += f" and {len(missing) - 10} more"
    return (
        f"We could not find {'this asset' if len(missing) == 1 else 'these assets'} in the "
        f"register: {shown}. Check the reference, or choose assets from the register."
    )


@require_http_methods(["GET", "HEAD", "POST"])
def basket(request):
    """The operator's basket: the chosen assets and one form. Sending it makes one enquiry per
    owner, each about that owner's assets only."""
    data = request.POST if request.method == "POST" else request.GET
    assets, problems = _basket(request, data.getlist("asset"))
    return _basket_page(request, assets, problems)


def _basket_page(request, assets, problems):
    context = {"assets": assets, "problems": problems, "form": None}
    if problems:
        return render(request, "assets/enquiry_form.html", context, status=400)
    if not assets:
        return render(request, "assets/enquiry_form.html", context)
    status = 200
    if request.method == "POST":
        form = EnquiryForm(request.POST)
        if form.is_valid():
            if form.is_spam:
                # Tell a bot nothing; store and send nothing.
                return redirect("assets:enquiry-sent")
            if _rate_limited(request):
                form.add_error(
                    None,
                    f"You have sent {ENQUIRY_LIMIT} enquiries in the last hour. Try again in "
                    f"an hour, or email the programme team at {settings.PROGRAMME_MANAGER_EMAIL}",
                )
                status = 429
            else:
                fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
                with transaction.atomic():
                    enquiry_request = EnquiryRequest.submit(assets, **fields)
                    notify_request(enquiry_request, enquiry_request.new_enquiries)
                return redirect("assets:enquiry-sent")
        else:
            status = 400
    else:
        form = EnquiryForm()
    owners = {asset.owner_id: asset.owner for asset in assets}
    context.update(form=form, owners=sorted(owners.values(), key=lambda owner: owner.name))
    return render(request, "assets/enquiry_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def enquiry(request, reference):
    """The old one-asset enquiry page: now the basket with that asset in it. A form posted
    here (a page opened before baskets) is taken as a basket of one."""
    asset = _visible_asset(request, reference)
    if request.method == "POST":
        return _basket_page(request, [asset], [])
    return redirect(f"{reverse('assets:basket')}?{urlencode({'asset': asset.reference})}")


@require_safe
def enquiry_sent(request):
    return render(request, "assets/enquiry_sent.html")


def _operator_request(signed):
    return EnquiryRequest.from_signed(signed)


def _link_not_valid(request):
    context = {"request_obj": None, "programme_email": settings.PROGRAMME_MANAGER_EMAIL}
    return render(request, "assets/operator_enquiry.html", context, status=404)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def operator_enquiry(request, signed):
    """The operator's own page, by the signed link in their emails (no account): each owner's
    part of the enquiry with its stage, dates and assets, and the thread with that owner."""
    enquiry_request = _operator_request(signed)
    if enquiry_request is None:
        return _link_not_valid(request)
    enquiries = list(
        enquiry_request.enquiries.select_related("owner", "agreement")
        .prefetch_related(
            Prefetch("assets", queryset=Asset.objects.order_by("reference")),
            "messages",
            Prefetch("notes", queryset=EnquiryNote.objects.exclude(status="")),
        )
        .order_by("owner__name")
    )
    forms = {enquiry.pk: EnquiryMessageForm(prefix=f"e{enquiry.pk}") for enquiry in enquiries}
    status = 200
    if request.method == "POST":
        by_pk = {enquiry.pk: enquiry for enquiry in enquiries}
        try:
            target = by_pk[int(request.POST.get("enquiry", ""))]
        except (KeyError, ValueError):
            return render(
                request,
                "errors/400.html",
                {"message": "Choose which owner to send your message to, then send it again."},
                status=400,
            )
        form = EnquiryMessageForm(request.POST, prefix=f"e{target.pk}")
        forms[target.pk] = form
        if form.is_valid():
            try:
                target.add_message(form.cleaned_data["body"], from_operator=True)
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            else:
                messages.success(request, f"Your message has been sent to {target.owner.name}.")
                page = reverse("assets:operator-enquiry", kwargs={"signed": signed})
                return redirect(f"{page}#owner-{target.pk}")
        status = 400
    for enquiry in enquiries:
        enquiry.message_form = forms[enquiry.pk]
    return render(
        request,
        "assets/operator_enquiry.html",
        {"request_obj": enquiry_request, "enquiries": enquiries, "signed": signed},
        status=status,
    )


@never_cache
@require_safe
def operator_agreement_copy(request, signed, pk):
    """The signed copy of the agreement for one owner's part of the operator's enquiry: by
    their signed link only (a tampered or expired link, or no signed copy: 404)."""
    enquiry_request = _operator_request(signed)
    if enquiry_request is None:
        return _link_not_valid(request)
    agreement = get_object_or_404(
        Agreement.objects.exclude(signed_copy=""),
        enquiry__request=enquiry_request,
        enquiry_id=pk,
    )
    return document_response(agreement.signed_copy, agreement.download_name)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def operator_withdraw(request, signed, pk):
    """Ask first (GET), then withdraw one owner's part of the enquiry (POST)."""
    enquiry_request = _operator_request(signed)
    if enquiry_request is None:
        return _link_not_valid(request)
    enquiry = get_object_or_404(enquiry_request.enquiries.select_related("owner", "request"), pk=pk)
    form = EnquiryMessageForm(request.POST or None, label="Tell the owner why (optional)")
    form.fields["body"].required = False
    if not enquiry.is_open:
        messages.info(
            request,
            f"Your enquiry to {enquiry.owner.name} is already closed "
            f"({enquiry.get_status_display().lower()}).",
        )
        return redirect("assets:operator-enquiry", signed=signed)
    if request.method == "POST" and form.is_valid():
        try:
            enquiry.move_to(Enquiry.Status.WITHDRAWN, note=form.cleaned_data["body"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                f"Your enquiry to {enquiry.owner.name} is withdrawn. We have told them.",
            )
        return redirect("assets:operator-enquiry", signed=signed)
    return render(
        request,
        "assets/operator_withdraw.html",
        {"enquiry": enquiry, "request_obj": enquiry_request, "signed": signed, "form": form},
        status=400 if form.errors else 200,
    )
