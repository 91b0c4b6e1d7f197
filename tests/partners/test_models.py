from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from partners.models import Invitation, InvitationUnusable, Partner, Sector, hash_token
from tests import factories
from tests.partners.factories import make_invitation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [{"name": ""}, {"slug": ""}, {"sector": "pirates"}],
)
def test_partner_constraints(fields):
    values = {"name": "Valid", "slug": "valid", "sector": Sector.LOCAL_AUTHORITY, **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.create(**values)


def test_sector_counts_in_sector_order():
    factories.make_partner("A", sector=Sector.PRIVATE_IT)
    factories.make_partner("B", sector=Sector.LOCAL_AUTHORITY)
    factories.make_partner("C", sector=Sector.LOCAL_AUTHORITY)
    factories.make_partner("D", sector=Sector.VOLUNTARY, published=False)
    assert Partner.objects.published().sector_counts() == [
        ("local-authority", "Local authority", 2),
        ("private-it", "Private sector: IT and business process", 1),
    ]


def test_for_user_is_memberships_only(member, outsider, partner_a, partner_b):
    assert list(Partner.objects.for_user(member)) == [partner_a]
    assert list(Partner.objects.for_user(outsider)) == [partner_b]


def test_invitation_token_is_stored_hashed_and_expires(partner_a, settings):
    settings.INVITATION_MAX_AGE_DAYS = 3
    invitation, token = make_invitation(partner_a)
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    assert Invitation.objects.for_token(token) == invitation
    assert Invitation.objects.for_token(token + "x") is None
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)
    assert invitation.status == "Pending"
    assert list(Invitation.objects.pending()) == [invitation]
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    assert invitation.status == "Expired"
    with pytest.raises(InvitationUnusable) as refusal:
        invitation.check_usable()
    assert refusal.value.status == 410


def test_invitation_must_expire_after_creation(partner_a):
    invitation, _ = make_invitation(partner_a)
    invitation.expires_at = invitation.created_at - timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        invitation.save()


def test_accepting_twice_makes_one_account(partner_a):
    invitation, token = make_invitation(partner_a)
    user = invitation.accept("a-long-and-unusual-passphrase")
    assert user.memberships.get().partner == partner_a
    stale = Invitation.objects.for_token(token)
    stale.accepted_at = None  # as if loaded before the first acceptance finished
    with pytest.raises(InvitationUnusable):
        stale.accept("another-long-passphrase")
    assert partner_a.memberships.count() == 1


def test_every_change_is_in_history(manager, partner_a, member):
    partner_a.short_description = "New words"
    partner_a._history_user = manager
    partner_a.save()
    latest = partner_a.history.first()
    assert latest.history_user == manager
    assert "short_description" in latest.diff_against(latest.prev_record).changed_fields
    membership = member.memberships.get()
    assert membership.history.count() == 1
    invitation, _ = make_invitation(partner_a)
    assert invitation.history.count() == 1
    assert not hasattr(invitation.history.first(), "token_hash")
