"""Plain factory functions shared by every app's tests.

Transactional tests (browser, concurrency) flush the database, so nothing here assumes rows
created by data migrations still exist: districts and groups are fetched or created.
"""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from diz_portal.roles import PROGRAMME_MANAGER_GROUP, sync_programme_manager_permissions
from partners.models import District, Membership, Partner, Sector

_seq = itertools.count(1)

DISTRICTS = {
    "broxbourne": ("Broxbourne", District.County.HERTFORDSHIRE),
    "east-hertfordshire": ("East Hertfordshire", District.County.HERTFORDSHIRE),
    "epping-forest": ("Epping Forest", District.County.ESSEX),
    "harlow": ("Harlow", District.County.ESSEX),
    "uttlesford": ("Uttlesford", District.County.ESSEX),
}
PASSWORD = "correct-horse-battery-staple"


def district(slug="harlow"):
    name, county = DISTRICTS[slug]
    obj, _ = District.objects.get_or_create(slug=slug, defaults={"name": name, "county": county})
    return obj


def all_districts():
    return [district(slug) for slug in DISTRICTS]


def make_user(email=None, *, staff=False, superuser=False, verified=True, **extra):
    from allauth.account.models import EmailAddress

    n = next(_seq)
    email = email or f"user{n}@example.org"
    user = get_user_model().objects.create_user(
        username=extra.pop("username", f"user{n}"),
        email=email,
        password=PASSWORD,
        is_staff=staff or superuser,
        is_superuser=superuser,
        **extra,
    )
    if verified:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if user.is_staff:
        # Staff must have an authenticator app to use the admin and dashboard
        # (partners.middleware); tests/partners removes it where that rule is under test.
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(user, generate_totp_secret())
    return user


def make_manager(email=None):
    """A programme manager: staff, in the Programme manager group, not a superuser."""
    user = make_user(email, staff=True)
    sync_programme_manager_permissions()
    user.groups.add(Group.objects.get(name=PROGRAMME_MANAGER_GROUP))
    return user


def make_partner(name=None, *, districts=("harlow",), **fields):
    n = next(_seq)
    name = name or f"Partner {n}"
    fields.setdefault("slug", f"partner-{n}")
    fields.setdefault("sector", Sector.LOCAL_AUTHORITY)
    fields.setdefault("short_description", f"{name} works across the DIZ.")
    partner = Partner.objects.create(name=name, **fields)
    partner.districts.set([district(slug) for slug in districts])
    return partner


def make_member(partner=None, email=None):
    partner = partner or make_partner()
    user = make_user(email)
    Membership.objects.create(user=user, partner=partner)
    return user
