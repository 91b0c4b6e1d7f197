"""Partner logos in storage: named by their real format, and no orphans left behind."""

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from partners.models import Partner
from tests import factories
from tests.partners.factories import image_upload

pytestmark = pytest.mark.django_db


def upload_logo(client, partner, upload):
    url = reverse("dashboard:partners-edit", kwargs={"slug": partner.slug})
    data = {
        "short_description": "Lead partner of the DIZ.",
        "description": "",
        "website": "",
        "contact_email": "",
        "districts": [factories.district("harlow").pk],
        "logo": upload,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    partner.refresh_from_db()
    return partner.logo.name


@pytest.mark.parametrize(
    ("fmt", "uploaded_as", "stored_as"),
    [
        ("PNG", "logo.webp", ".png"),
        ("JPEG", "logo.png", ".jpg"),
        ("WEBP", "logo.jpeg", ".webp"),
        ("PNG", "logo.bmp", ".png"),
    ],
)
def test_the_stored_extension_is_the_detected_format_not_the_uploaded_name(
    client, member, partner_a, fmt, uploaded_as, stored_as
):
    client.force_login(member)
    name = upload_logo(client, partner_a, image_upload(fmt, name=uploaded_as))
    assert name.startswith("partners/logos/")
    assert name.endswith(stored_as)


def test_a_replaced_logo_is_removed_from_storage_after_the_commit(
    client, member, partner_a, django_capture_on_commit_callbacks
):
    client.force_login(member)
    old = upload_logo(client, partner_a, image_upload("PNG"))
    assert default_storage.exists(old)
    with django_capture_on_commit_callbacks() as callbacks:
        new = upload_logo(client, partner_a, image_upload("WEBP"))
        # Not before the commit: a rollback would leave the row naming the old file.
        assert default_storage.exists(old)
    for callback in callbacks:
        callback()
    assert new != old
    assert default_storage.exists(new)
    assert not default_storage.exists(old)


def test_a_cleared_logo_is_removed_from_storage(
    client, member, partner_a, django_capture_on_commit_callbacks
):
    client.force_login(member)
    old = upload_logo(client, partner_a, image_upload("PNG"))
    with django_capture_on_commit_callbacks(execute=True):
        partner_a.logo = ""
        partner_a.save()
    assert not default_storage.exists(old)


def test_a_logo_another_partner_still_uses_is_kept(
    client, member, partner_a, django_capture_on_commit_callbacks
):
    client.force_login(member)
    shared = upload_logo(client, partner_a, image_upload("PNG"))
    factories.make_partner("Copy of Alpha", logo=shared)
    with django_capture_on_commit_callbacks(execute=True):
        upload_logo(client, partner_a, image_upload("WEBP"))
    assert default_storage.exists(shared)
    assert Partner.objects.get(name="Copy of Alpha").logo.name == shared


def test_a_rolled_back_replacement_keeps_the_old_logo(
    client, member, partner_a, django_capture_on_commit_callbacks
):
    client.force_login(member)
    old = upload_logo(client, partner_a, image_upload("PNG"))
    partner = Partner.objects.get(pk=partner_a.pk)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        partner.logo = image_upload("WEBP")
        partner.save()
        raise RuntimeError("the rest of the change failed")
    assert default_storage.exists(old)
    assert Partner.objects.get(pk=partner_a.pk).logo.name == old
