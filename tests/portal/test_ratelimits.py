"""Login and enquiry limits behind a reverse proxy, and across gunicorn workers.

Requests are sent as nginx would pass them on: REMOTE_ADDR is the proxy, and the visitor's
address is the last entry of X-Forwarded-For (anything to its left came from the visitor).
"""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from assets.models import Enquiry
from assets.views import ENQUIRY_LIMIT
from diz_portal.clientip import client_ip
from tests import factories
from tests.assets.factories import make_asset
from tests.portal.isolated import run_django
from tests.portal.test_settings import run_manage

PROXY = "127.0.0.1"
CLIENT_A = "198.51.100.7"
CLIENT_B = "203.0.113.9"
TOO_MANY = "Too many failed login attempts. Try again later."

ENQUIRY = {
    "name": "Sam Operator",
    "organisation": "Example Networks Ltd",
    "email": "sam@operator.example",
    "message": "We would like to mount a small cell on this column in spring.",
}


def via_proxy(forwarded_for):
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


@pytest.mark.parametrize(
    ("trusted", "forwarded_for", "expected"),
    [
        (0, None, PROXY),
        (0, CLIENT_A, PROXY),  # no proxy trusted: the header is the visitor's own claim
        (1, CLIENT_A, CLIENT_A),
        (1, f"10.9.9.9, {CLIENT_A}", CLIENT_A),  # the visitor's forged entry is on the left
        (2, f"10.9.9.9, {CLIENT_A}, 192.0.2.1", CLIENT_A),
        (1, None, PROXY),  # a request that did not come through the proxy
        (2, CLIENT_A, PROXY),  # shorter than the proxy chain: not trusted
        (1, "not-an-address", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_reads_the_entry_the_trusted_proxies_wrote(
    rf, settings, trusted, forwarded_for, expected
):
    settings.DIZ_TRUSTED_PROXIES = trusted
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert client_ip(rf.get("/", **extra)) == expected


@pytest.mark.parametrize("value", ["two", "-1", "1.5", "²"])
def test_a_trusted_proxy_count_that_is_not_a_whole_number_refuses_to_start(value):
    result = run_manage("check", env_extra={"DJANGO_DEBUG": "1", "DIZ_TRUSTED_PROXIES": value})
    assert result.returncode != 0
    assert "DIZ_TRUSTED_PROXIES must be a whole number, 0 or more" in result.stderr


def test_the_trusted_proxy_count_comes_from_the_environment():
    result = run_django(
        "from django.conf import settings\nprint(json.dumps(settings.DIZ_TRUSTED_PROXIES))",
        DJANGO_DEBUG="1",
        DIZ_TRUSTED_PROXIES="2",
    )
    assert result == 2


def login(client, email, password, forwarded_for):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        **via_proxy(forwarded_for),
    )


@pytest.mark.django_db
def test_behind_a_proxy_one_visitors_failed_logins_do_not_lock_out_another(
    client, settings, member, outsider, partner_a
):
    settings.DIZ_TRUSTED_PROXIES = 1
    for _ in range(10):
        response = login(client, member.email, "wrong-password", CLIENT_A)
        assert "_auth_user_id" not in client.session
    other = client.__class__()
    response = login(other, outsider.email, factories.PASSWORD, CLIENT_B)
    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(outsider.pk)
    # The first visitor is still held back, whichever account they try next.
    third = factories.make_member(partner_a, "third@alpha.example.org")
    assertContains(login(client.__class__(), third.email, factories.PASSWORD, CLIENT_A), TOO_MANY)


@pytest.mark.django_db
def test_with_no_trusted_proxy_a_forged_header_does_not_evade_the_login_limit(
    client, settings, outsider
):
    settings.DIZ_TRUSTED_PROXIES = 0
    for n in range(5):
        # A different account and a different forged address each time: only the per-address
        # limit can catch this, and the address is the connection's own.
        login(client, f"guess{n}@example.org", "wrong-password", f"192.0.2.{n}")
    response = login(client, outsider.email, factories.PASSWORD, "192.0.2.200")
    assertContains(response, TOO_MANY)
    assert "_auth_user_id" not in client.session


@pytest.fixture
def asset(partner_a):
    return make_asset(reference="ALP-LC-0001", name="Edinburgh Way column", owner=partner_a)


@pytest.mark.django_db
def test_behind_a_proxy_the_enquiry_limit_is_per_visitor(client, settings, asset):
    settings.DIZ_TRUSTED_PROXIES = 1
    url = reverse("assets:enquiry", args=[asset.reference])
    for _ in range(ENQUIRY_LIMIT):
        assert client.post(url, ENQUIRY, **via_proxy(CLIENT_A)).status_code == 302
    assert client.post(url, ENQUIRY, **via_proxy(CLIENT_A)).status_code == 429
    # Another visitor through the same proxy is not affected.
    assert client.post(url, ENQUIRY, **via_proxy(CLIENT_B)).status_code == 302
    assert Enquiry.objects.count() == ENQUIRY_LIMIT + 1


@pytest.mark.django_db
def test_with_no_trusted_proxy_a_forged_header_does_not_evade_the_enquiry_limit(
    client, settings, asset
):
    settings.DIZ_TRUSTED_PROXIES = 0
    url = reverse("assets:enquiry", args=[asset.reference])
    for n in range(ENQUIRY_LIMIT):
        assert client.post(url, ENQUIRY, **via_proxy(f"192.0.2.{n}")).status_code == 302
    response = client.post(url, ENQUIRY, **via_proxy("192.0.2.200"))
    assert response.status_code == 429
    assert Enquiry.objects.count() == ENQUIRY_LIMIT


# Run in a fresh process: count `attempts` failed logins (each for a different account, so
# only the per-address limit applies) and `attempts` enquiries, from one address.
WORKER = """
from allauth.core import ratelimit
from django.core.management import call_command
from django.test import RequestFactory
from assets.views import _rate_limited
if FIRST:
    call_command("createcachetable", verbosity=0)
request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.7")
logins = [
    ratelimit.consume(request, action="login_failed", key=f"guess{PROCESS}-{n}@example.org")
    for n in range(ATTEMPTS)
]
enquiries = [not _rate_limited(request) for _ in range(ATTEMPTS)]
print(json.dumps({"logins": logins, "enquiries": enquiries}))
"""


def test_limits_hold_across_processes_without_redis(tmp_path):
    """Three gunicorn workers must not give an attacker three times the guesses: two separate
    processes share the database cache (as workers do without REDIS_URL) and together reach
    the limit of 5."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "REDIS_URL": "",
        "DJANGO_DEBUG": "1",
        "DIZ_TRUSTED_PROXIES": "0",
    }

    def worker(process, attempts):
        preamble = f"FIRST = {process == 1}\nPROCESS = {process}\nATTEMPTS = {attempts}\n"
        return run_django(preamble + WORKER, **env)

    first = worker(1, 3)
    second = worker(2, 3)
    assert first == {"logins": [True, True, True], "enquiries": [True, True, True]}
    # 3 + 2 = 5 allowed; the sixth, in the other process, is refused.
    assert second == {"logins": [True, True, False], "enquiries": [True, True, False]}
