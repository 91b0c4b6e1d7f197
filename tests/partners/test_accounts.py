import re
import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from diz_portal.models import OutboundEmail
from partners.middleware import NEXT_SESSION_KEY
from partners.models import Invitation, Membership
from tests import factories
from tests.partners.factories import give_totp, make_invitation, remove_two_factor

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a-long-and-unusual-passphrase"


def link_from(message):
    match = re.search(r"https?://[^/\s]+(/partners/invitation/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def accept(client, url, password=NEW_PASSWORD, again=None):
    return client.post(url, {"new_password1": password, "new_password2": again or password})


def test_invitation_from_admin_end_to_end(
    client, manager, partner_a, settings, django_capture_on_commit_callbacks
):
    settings.INVITATION_MAX_AGE_DAYS = 7
    give_totp(manager)
    client.force_login(manager)
    add_url = reverse("admin:partners_invitation_add")
    form = client.get(f"{add_url}?partner={partner_a.pk}")
    assertContains(form, f'<option value="{partner_a.pk}" selected>')
    # The email goes once the invitation is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            add_url, {"email": "New.Person@Example.org", "partner": partner_a.pk}
        )
    assertRedirects(response, reverse("admin:partners_invitation_changelist"))
    invitation = Invitation.objects.get()
    assert invitation.email == "new.person@example.org"
    assert invitation.created_by == manager
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "Alpha District Council" in message.subject
    url = link_from(message)
    # The token is in the email only: the database holds its hash.
    assert url.split("/")[-2] not in invitation.token_hash

    client.logout()
    page = client.get(url)
    assertContains(page, "Accept your invitation")
    assertContains(page, "new.person@example.org")
    response = accept(client, url)
    assertRedirects(response, reverse("dashboard:index"), fetch_redirect_response=False)
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password(NEW_PASSWORD)
    assert not user.is_staff
    assert EmailAddress.objects.get(user=user).verified
    assert Membership.objects.filter(user=user, partner=partner_a).exists()
    dashboard = client.get(reverse("dashboard:index"))
    assert dashboard.context["user"] == user
    assertContains(dashboard, "Welcome. You can now keep the records of Alpha District Council")
    assertContains(dashboard, reverse("dashboard:partners-edit", kwargs={"slug": "alpha"}))
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.history.first().history_user == user

    # The new member can sign in with the password they chose.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new.person@example.org", "password": NEW_PASSWORD}
    )
    assertRedirects(response, reverse("dashboard:index"), fetch_redirect_response=False)


def test_reused_link_is_refused_and_changes_nothing(client, partner_a):
    invitation, token = make_invitation(partner_a)
    url = reverse("partners:invitation", kwargs={"token": token})
    assert accept(client, url).status_code == 302
    client.logout()
    for response in (client.get(url), accept(client, url, password="another-long-passphrase")):
        assert response.status_code == 410
        assertContains(response, "already been used", status_code=410)
        assertContains(response, "Nothing has been changed", status_code=410)
    user = User.objects.get(email=invitation.email)
    assert user.check_password(NEW_PASSWORD)
    assert User.objects.filter(email=invitation.email).count() == 1


def test_expired_link_is_refused_and_changes_nothing(client, partner_a, settings):
    settings.INVITATION_MAX_AGE_DAYS = 7
    invitation, token = make_invitation(partner_a, age=timedelta(days=8))
    url = reverse("partners:invitation", kwargs={"token": token})
    for response in (client.get(url), accept(client, url)):
        assert response.status_code == 410
        assertContains(response, "has expired", status_code=410)
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_unknown_or_malformed_tokens_are_404(client):
    for token in ["nope", "x" * 500, "..%2F..%2Fetc"]:
        response = client.get(f"/partners/invitation/{token}/")
        assert response.status_code == 404, token
    # A NUL is refused as a malformed request before any lookup (diz_portal.middleware).
    assert client.get("/partners/invitation/%00/").status_code == 400
    response = client.get(reverse("partners:invitation", kwargs={"token": "nope"}))
    assertContains(response, "This invitation link is not valid", status_code=404)


def test_weak_or_mismatched_passwords_are_form_errors(client, partner_a):
    invitation, token = make_invitation(partner_a, email="kim@alpha.example.org")
    url = reverse("partners:invitation", kwargs={"token": token})
    response = accept(client, url, password="short")
    assert response.status_code == 400
    assertContains(response, "This password is too short", status_code=400)
    # The weak password's error is on the first box, where the fault is.
    errors = response.context["form"].errors
    assert "new_password1" in errors and "new_password2" not in errors
    response = accept(client, url, password="password123")
    assertContains(response, "This password is too common", status_code=400)
    response = accept(client, url, password=NEW_PASSWORD, again=NEW_PASSWORD + "!")
    assertContains(response, "The two passwords do not match", status_code=400)
    response = accept(client, url, password="kim@alpha.example.org")
    assertContains(response, "too similar", status_code=400)
    assert not User.objects.filter(email="kim@alpha.example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_for_an_existing_address_changes_nothing(client, member, partner_b):
    invitation, token = make_invitation(partner_b, email=member.email.upper())
    url = reverse("partners:invitation", kwargs={"token": token})
    response = accept(client, url)
    assert response.status_code == 400
    assertContains(response, "already exists", status_code=400)
    member.refresh_from_db()
    assert member.check_password(factories.PASSWORD)
    assert not Membership.objects.filter(user=member, partner=partner_b).exists()


def test_admin_refuses_invitation_for_existing_account(client, manager, member, partner_a):
    give_totp(manager)
    client.force_login(manager)
    response = client.post(
        reverse("admin:partners_invitation_add"), {"email": member.email, "partner": partner_a.pk}
    )
    assertContains(response, "This person already has an account")
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_send_new_link_replaces_the_old_one(
    client, manager, partner_a, django_capture_on_commit_callbacks
):
    give_totp(manager)
    invitation, old_token = make_invitation(partner_a, age=timedelta(days=30))
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:partners_invitation_changelist"),
            {"action": "send_new_link", "_selected_action": [invitation.pk]},
        )
    assert len(mail.outbox) == 1
    new_url = link_from(mail.outbox[0])
    old_url = reverse("partners:invitation", kwargs={"token": old_token})
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now()


def test_partner_action_and_button_lead_to_the_invitation_form(client, manager, partner_a):
    give_totp(manager)
    client.force_login(manager)
    response = client.post(
        reverse("admin:partners_partner_changelist"),
        {"action": "invite_person", "_selected_action": [partner_a.pk]},
    )
    assertRedirects(
        response,
        f"{reverse('admin:partners_invitation_add')}?partner={partner_a.pk}",
        fetch_redirect_response=False,
    )
    change = client.get(reverse("admin:partners_partner_change", args=[partner_a.pk]))
    assertContains(change, "Invite a person")


def test_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assertContains(response, "Partner accounts are by invitation only")
    response = client.post(
        reverse("account_signup"),
        {"email": "walk.in@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assertContains(response, "by invitation only")
    assert not User.objects.filter(email="walk.in@example.org").exists()
    assert not User.objects.exists()


def test_login_page_offers_no_signup(client):
    response = client.get(reverse("account_login"))
    assertContains(response, "Partner sign in")
    assertContains(response, reverse("account_reset_password"))
    assert reverse("account_signup") not in response.content.decode()


def test_repeated_failed_logins_are_refused(client, member):
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": member.email, "password": "wrong-password"})
        assertContains(response, "not correct")
    # Now even the right password is refused for a while, with a clear message.
    response = client.post(url, {"login": member.email, "password": factories.PASSWORD})
    assertContains(response, "Too many failed login attempts. Try again later.")
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": member.email})
    assertRedirects(response, reverse("account_reset_password_done"))
    # Through the outbox, like every other email.
    assert OutboundEmail.objects.get().kind == "account"
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    response = client.get(match.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_unknown_address_gets_no_reset_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert all("/password/reset/key/" not in message.body for message in mail.outbox)


def test_staff_without_totp_must_set_it_up(client, manager, superuser, member):
    for user in (manager, superuser):
        remove_two_factor(user)
        client.force_login(user)
        for url in (reverse("admin:index"), reverse("dashboard:index")):
            response = client.get(url)
            assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)
        # The rest of the site, and the two-factor pages themselves, stay open.
        assert client.get(reverse("partners:list")).status_code == 200
        assert client.get(reverse("mfa_index")).status_code == 200
        give_totp(user)
        assert client.get(reverse("admin:index")).status_code == 200
        assert client.get(reverse("dashboard:index")).status_code == 200
        client.logout()
    # Partner users may use two-factor authentication but are not made to.
    client.force_login(member)
    assert client.get(reverse("dashboard:index")).status_code == 200


def test_redirected_staff_are_told_why(client, manager):
    client.force_login(remove_two_factor(manager))
    response = client.get(reverse("admin:index"), follow=True)
    assert any("must use two-factor authentication" in str(m) for m in response.context["messages"])


def test_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_login_asks_for_the_authenticator_code(client, manager):
    give_totp(manager)
    response = client.post(
        reverse("account_login"), {"login": manager.email, "password": factories.PASSWORD}
    )
    assertRedirects(response, reverse("mfa_authenticate"), fetch_redirect_response=False)
    assert "_auth_user_id" not in client.session


def test_account_pages_use_sentence_case(client):
    page = client.get(reverse("account_reset_password"))
    assertContains(page, '<h1 class="govuk-heading-xl">Reset your password</h1>', html=True)
    assertNotContains(page, "Password Reset")
    assertNotContains(page, "Reset My Password")


def test_sign_in_form_is_govuk_markup_with_linked_errors(client):
    page = client.get(reverse("account_login"))
    assertContains(page, '<label class="govuk-label govuk-label--s" for="id_login">')
    assertContains(page, 'class="govuk-button" data-module="govuk-button"')
    response = client.post(reverse("account_login"), {"login": "", "password": ""})
    assertContains(response, "govuk-error-summary")
    assertContains(response, '<a href="#id_login">')
    assertContains(response, 'id="id_login_error"')
    assertContains(response, "govuk-input--error")
    assertNotContains(response, "errorlist")


def test_allauth_field_element_is_govuk_markup():
    """The fields allauth writes by hand (the authenticator secret, the recovery codes) get
    GOV.UK classes, and their hint and error are tied to the input."""
    from django.template import Context, Template
    from django.template.base import Origin

    template = Template(
        "{% load allauth %}"
        '{% element field id="code" name="code" type="text" errors=errors %}'
        "{% slot label %}Code{% endslot %}{% slot help_text %}Six digits{% endslot %}"
        "{% endelement %}"
        '{% element field id="saved" type="checkbox" %}'
        "{% slot label %}I have saved my codes{% endslot %}{% endelement %}",
        origin=Origin("element_test.html", template_name="element_test.html"),
    )
    html = template.render(Context({"errors": ["Enter the 6-digit code"]}))
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert '<label class="govuk-label govuk-label--s" for="code">' in html
    assert '<div class="govuk-hint" id="code_helptext">' in html
    assert '<p class="govuk-error-message" id="code_error">' in html
    assert 'class="govuk-input govuk-input--error"' in html
    assert 'aria-describedby="code_helptext code_error"' in html
    assert 'class="govuk-checkboxes__input" type="checkbox"' in html
    assert '<label class="govuk-label govuk-checkboxes__label" for="saved">' in html


def test_first_sign_in_asks_for_the_password_once_and_continues_after_two_factor(client, manager):
    """A new staff member signs in, sets up an authenticator app without typing the password
    again, and from the recovery codes page goes on to where they were going."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    remove_two_factor(manager)
    response = client.post(
        reverse("account_login"), {"login": manager.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    response = client.get(reverse("admin:index"))
    assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200  # not "Confirm access" again
    secret = client.session["mfa.totp.secret"]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assertRedirects(response, reverse("mfa_view_recovery_codes"), fetch_redirect_response=False)
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assertContains(codes, "Continue to where you were going")
    assertContains(codes, f'href="{reverse("admin:index")}"')
    # Shown once: the session no longer holds where they were going.
    assert NEXT_SESSION_KEY not in client.session
    assert client.get(reverse("admin:index")).status_code == 200
    assertNotContains(client.get(reverse("mfa_view_recovery_codes")), "Continue to where")


def test_continue_link_waits_for_the_page_and_never_leaves_the_site(client, manager):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    client.force_login(give_totp(manager))

    def remember(url):
        session = client.session
        session[NEXT_SESSION_KEY] = url
        # Signed in a moment ago with the password, so the codes page asks for nothing more.
        session["account_authentication_methods"] = [{"method": "password", "at": time.time()}]
        session["account_authentication_methods_user"] = str(manager.pk)
        session.save()

    # No recovery codes yet: the page is not shown (404), so the address is kept for it.
    remember(reverse("admin:index"))
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 404
    assert client.session[NEXT_SESSION_KEY] == reverse("admin:index")
    # An address on another site is never offered, and is forgotten.
    RecoveryCodes.activate(manager)
    remember("https://evil.example.com/")
    page = client.get(reverse("mfa_view_recovery_codes"))
    assert page.status_code == 200
    assertNotContains(page, "evil.example.com")
    assertNotContains(page, "Continue to where")
    assert NEXT_SESSION_KEY not in client.session
