"""Two-factor authentication is required for staff: they hold the keys to every partner's data."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

NEXT_SESSION_KEY = "two_factor_next"
MESSAGE = (
    "Staff accounts must use two-factor authentication. Set up an authenticator app to "
    "continue; you will then be given recovery codes to keep safe."
)


class StaffTwoFactorRequiredMiddleware:
    """Sends a staff user without an authenticator app from the admin or the dashboard to
    set one up. Runs one query, for signed-in staff on those paths only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(self.protected_prefixes())
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
        ):
            messages.warning(request, MESSAGE)
            # Where they were going, for the "Continue" link after the recovery codes.
            request.session[NEXT_SESSION_KEY] = request.get_full_path()
            return redirect("mfa_activate_totp")
        if (
            request.path == reverse("mfa_view_recovery_codes")
            and NEXT_SESSION_KEY in request.session
        ):
            return self.show_next_once(request)
        return self.get_response(request)

    def show_next_once(self, request):
        """The recovery codes page, the last step of the set-up, links on to where the staff
        member was going (`request.two_factor_next`). Once the page has been shown the key is
        gone, so the link is offered once and never again later."""
        next_url = request.session[NEXT_SESSION_KEY]
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            request.two_factor_next = next_url
        response = self.get_response(request)
        if response.status_code == 200 or not getattr(request, "two_factor_next", None):
            request.session.pop(NEXT_SESSION_KEY, None)
        return response

    @staticmethod
    def protected_prefixes():
        return (reverse("admin:index"), reverse("dashboard:index"))
