from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assets.models import Asset, Enquiry, normalise_postcode, to_british_national_grid
from tests import factories
from tests.assets.factories import asset_fields, make_asset, make_enquiry

pytestmark = pytest.mark.django_db


def errors_for(**fields):
    asset = Asset(**asset_fields(**fields))
    with pytest.raises(ValidationError) as exc:
        asset.full_clean()
    return exc.value.message_dict


@pytest.mark.parametrize(
    "raw, expected",
    [("cm20 1hh", "CM20 1HH"), ("CM201HH", "CM20 1HH"), (" sg13  8eq ", "SG13 8EQ")],
)
def test_postcode_is_normalised(raw, expected):
    assert normalise_postcode(raw) == expected
    asset = Asset(**asset_fields(postcode=raw))
    asset.full_clean()
    assert asset.postcode == expected


@pytest.mark.parametrize("postcode", ["CM20", "12345", "CM20 1H", "QQ1 1AA", "CM20 1HHH"])
def test_postcode_must_be_a_uk_postcode(postcode):
    assert "postcode" in errors_for(postcode=postcode)


def test_postcode_is_optional():
    Asset(**asset_fields(postcode="")).full_clean()


@pytest.mark.parametrize(
    "uprn, ok", [("100091234567", True), ("1", True), ("1000912345678", False), ("12AB", False)]
)
def test_uprn_is_up_to_12_digits(uprn, ok):
    asset = Asset(**asset_fields(uprn=uprn))
    if ok:
        asset.full_clean()
    else:
        assert "uprn" in errors_for(uprn=uprn)


@pytest.mark.parametrize("usrn, ok", [("21501234", True), ("215012345", False), ("A1", False)])
def test_usrn_is_up_to_8_digits(usrn, ok):
    asset = Asset(**asset_fields(usrn=usrn))
    if ok:
        asset.full_clean()
    else:
        assert "usrn" in errors_for(usrn=usrn)


@pytest.mark.parametrize(
    "field, value",
    [
        ("latitude", Decimal("48.9")),  # France
        ("latitude", Decimal("61.5")),  # north of Shetland
        ("longitude", Decimal("-9.5")),  # Atlantic / Ireland
        ("longitude", Decimal("2.3")),  # Paris
    ],
)
def test_coordinates_must_be_in_great_britain(field, value):
    assert field in errors_for(**{field: value})


@pytest.mark.parametrize(
    "field, value",
    [("latitude", Decimal("48.9")), ("longitude", Decimal("2.3")), ("uprn", "12AB")],
)
def test_database_constraints_back_the_validation(field, value):
    fields = asset_fields(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.bulk_create([Asset(**fields)])


@pytest.mark.parametrize("reference", ["hdc-lc-1", "HDC LC 1", "-HDC", "HDC_LC", "A" * 41])
def test_reference_format(reference):
    assert "reference" in errors_for(reference=reference)


def test_reference_is_unique():
    make_asset(reference="HDC-LC-000123")
    assert "reference" in errors_for(reference="HDC-LC-000123")


@pytest.mark.parametrize(
    "field, value",
    [
        ("height_m", Decimal("-1")),
        ("height_m", Decimal("501")),
        ("kerb_offset_mm", -5),
        ("asset_type", "spaceship"),
        ("availability", "maybe"),
        ("visibility", "secret"),
        ("material", "cheese"),
        ("power_supply", "nuclear"),
        ("tenure", "squatted"),
        ("access_model", "free-for-all"),
        ("name", ""),
        ("address", ""),
    ],
)
def test_field_validation(field, value):
    assert field in errors_for(**{field: value})


def test_power_cannot_be_available_with_no_supply():
    errors = errors_for(power_supply=Asset.PowerSupply.NONE, power_available=True)
    assert "power_available" in errors


def test_easting_and_northing_are_derived_on_save():
    # Harlow Water Gardens: the source data gives 544514, 209763.
    asset = make_asset(latitude=Decimal("51.7679"), longitude=Decimal("0.0929"))
    assert abs(asset.easting - 544514) <= 5
    assert abs(asset.northing - 209763) <= 5
    asset.latitude = Decimal("51.8")
    asset.save()
    asset.refresh_from_db()
    assert (asset.easting, asset.northing) == to_british_national_grid(
        Decimal("51.8"), asset.longitude
    )


def test_visible_to():
    partner = factories.make_partner()
    public = make_asset(owner=partner)
    restricted = make_asset(owner=partner, visibility=Asset.Visibility.PARTNERS)
    retired = make_asset(owner=partner)
    retired.retire()
    member = factories.make_member(partner)
    other_member = factories.make_member()
    staff = factories.make_user(staff=True)
    plain = factories.make_user()
    assert set(Asset.objects.visible_to(AnonymousUser())) == {public}
    assert set(Asset.objects.visible_to(plain)) == {public}
    for user in (member, other_member, staff):
        assert set(Asset.objects.visible_to(user)) == {public, restricted}


def test_retire_keeps_history():
    asset = make_asset()
    asset.retire()
    asset.refresh_from_db()
    assert asset.is_retired
    assert asset.availability == Asset.Availability.NOT_AVAILABLE
    assert asset.history.count() == 2
    assert asset.history.first().history_change_reason == "Retired"


def test_enquiry_waiting_time_stops_when_closed():
    enquiry = make_enquiry(make_asset())
    assert enquiry.is_open and enquiry.closed_at is None
    enquiry.status = Enquiry.Status.AGREED
    enquiry.save()
    assert enquiry.closed_at is not None
    waited = enquiry.waiting_time
    assert enquiry.waiting_time == waited  # no longer grows
    enquiry.status = Enquiry.Status.UNDER_REVIEW
    enquiry.save()
    assert enquiry.closed_at is None
