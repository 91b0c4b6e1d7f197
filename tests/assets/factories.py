"""Asset test data; make_assets uses bulk_create, so thousands of rows take well under a second."""

import itertools
from decimal import Decimal

from assets.models import Asset, EnquiryRequest, to_british_national_grid
from diz_portal.cache import bump
from tests import factories

_seq = itertools.count(1)


def asset_fields(**fields):
    n = next(_seq)
    fields.setdefault("reference", f"TST-{n:06d}")
    fields.setdefault("name", f"Test asset {n}")
    fields.setdefault("asset_type", Asset.AssetType.LAMP_COLUMN)
    if "owner" not in fields and "owner_id" not in fields:
        fields["owner"] = factories.make_partner()
    if "district" not in fields and "district_id" not in fields:
        fields["district"] = factories.district("harlow")
    fields.setdefault("address", f"{n} Edinburgh Way, Harlow")
    fields.setdefault("postcode", "CM20 2BN")
    fields.setdefault("latitude", Decimal("51.780000"))
    fields.setdefault("longitude", Decimal("0.096000"))
    fields.setdefault("availability", Asset.Availability.AVAILABLE)
    fields.setdefault("visibility", Asset.Visibility.PUBLIC)
    return fields


def make_asset(**fields):
    asset = Asset(**asset_fields(**fields))
    asset.full_clean()
    asset.save()
    return asset


def make_assets(count, *, owner, district=None, **fields):
    """`count` assets in one bulk insert (no history, no signals), spread over Harlow."""
    district = district or factories.district("harlow")
    easting, northing = to_british_national_grid(Decimal("51.78"), Decimal("0.096"))
    assets = []
    for i in range(count):
        data = asset_fields(owner=owner, district=district, **fields)
        data["latitude"] = Decimal("51.700000") + Decimal(i % 1000) / Decimal(10000)
        data["longitude"] = Decimal("0.050000") + Decimal(i // 1000) / Decimal(1000)
        assets.append(Asset(easting=easting, northing=northing, **data))
    created = Asset.objects.bulk_create(assets, batch_size=500)
    bump()  # bulk_create sends no signals; cached counts must still see the new rows
    return created


REQUEST_FIELDS = {"name", "organisation", "email", "message", "install", "wanted_by"}


def make_request(assets, **fields):
    """An operator's basket about `assets`, as the enquiry page makes it: one EnquiryRequest
    and one Enquiry per owner. Returns the request; its enquiries are in `new_enquiries`."""
    fields.setdefault("name", "Sam Operator")
    fields.setdefault("organisation", "Example Networks Ltd")
    fields.setdefault("email", "sam@operator.example")
    fields.setdefault("message", "We would like to install a small cell.")
    return EnquiryRequest.submit(list(assets), **fields)


def make_enquiry(asset, **fields):
    """One owner's enquiry about one asset (a basket of one). Request fields (name,
    organisation, email, message…) go to the request; others (status…) to the enquiry."""
    request_fields = {key: fields.pop(key) for key in list(fields) if key in REQUEST_FIELDS}
    enquiry = make_request([asset], **request_fields).new_enquiries[0]
    if fields:
        for key, value in fields.items():
            setattr(enquiry, key, value)
        enquiry.save()
    return enquiry


def enable_mfa(user):
    """Staff need an authenticator app for the admin and dashboard."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "test"}}
    )
    return user
