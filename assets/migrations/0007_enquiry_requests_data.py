# Issue 13, step 2 of 3: every enquiry sent before baskets becomes a request (what the operator
# typed) with one owner's enquiry about its one asset. Its clock: due the owner's response
# target in working days after it arrived; answered when its first change of stage was noted
# (or, with no such note, when it last changed).

import secrets

from django.db import migrations

from diz_portal.working_days import add_working_days


def forwards(apps, schema_editor):
    Enquiry = apps.get_model("assets", "Enquiry")
    HistoricalEnquiry = apps.get_model("assets", "HistoricalEnquiry")
    EnquiryRequest = apps.get_model("assets", "EnquiryRequest")
    EnquiryAsset = apps.get_model("assets", "EnquiryAsset")
    EnquiryNote = apps.get_model("assets", "EnquiryNote")
    first_moves = {}
    for enquiry_id, created_at in (
        EnquiryNote.objects.exclude(status__in=["", "received"])
        .order_by("created_at", "pk")
        .values_list("enquiry_id", "created_at")
    ):
        first_moves.setdefault(enquiry_id, created_at)
    enquiries = Enquiry.objects.filter(request__isnull=True).select_related("asset__owner")
    for enquiry in enquiries.order_by("pk").iterator(chunk_size=500):
        owner = enquiry.asset.owner
        request = EnquiryRequest.objects.create(
            name=enquiry.name,
            organisation=enquiry.organisation,
            email=enquiry.email,
            message=enquiry.message,
            key=secrets.token_urlsafe(16),
            created_at=enquiry.created_at,
        )
        first_response_at = None
        if enquiry.status != "received":
            first_response_at = first_moves.get(enquiry.pk) or enquiry.updated_at
        fields = {
            "request_id": request.pk,
            "owner_id": owner.pk,
            "due_at": add_working_days(enquiry.created_at, owner.response_target_days),
            "first_response_at": first_response_at,
        }
        Enquiry.objects.filter(pk=enquiry.pk).update(**fields)
        HistoricalEnquiry.objects.filter(id=enquiry.pk).update(**fields)
        EnquiryAsset.objects.create(enquiry_id=enquiry.pk, asset_id=enquiry.asset_id)
    # History rows of enquiries deleted since: a due time, so the column can be NOT NULL.
    for row in HistoricalEnquiry.objects.filter(due_at__isnull=True).only("history_id", "created_at"):
        HistoricalEnquiry.objects.filter(history_id=row.history_id).update(
            due_at=add_working_days(row.created_at, 10)
        )


def backwards(apps, schema_editor):
    Enquiry = apps.get_model("assets", "Enquiry")
    EnquiryAsset = apps.get_model("assets", "EnquiryAsset")
    for enquiry in Enquiry.objects.select_related("request").order_by("pk"):
        link = EnquiryAsset.objects.filter(enquiry_id=enquiry.pk).order_by("pk").first()
        request = enquiry.request
        Enquiry.objects.filter(pk=enquiry.pk).update(
            asset_id=link.asset_id if link else None,
            name=request.name,
            organisation=request.organisation,
            email=request.email,
            message=request.message,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0006_enquiry_requests"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
