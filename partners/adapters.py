import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records

from diz_portal.clientip import client_ip


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Partner accounts come only from the programme manager's invitations."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        # allauth's own reading of X-Forwarded-For refuses a request whose header is shorter
        # than the proxy count; ours falls back to REMOTE_ADDR, and the enquiry limit uses it too.
        return client_ip(request)

    def is_reauthentication_required(self, *, app, **kwargs):
        # Staff set up two-factor authentication straight after their first sign-in; asking for
        # the password they typed a moment ago would be the same check twice. Later changes to
        # two-factor settings still ask for it.
        if app == "allauth.mfa" and self._signed_in_recently():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _signed_in_recently(self):
        request = self.request
        if request is None or not request.user.is_authenticated:
            return False
        records = get_authentication_records(request, request.user)
        return bool(records) and (
            time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
        )

    def send_mail(self, template_prefix, email, context):
        # Password resets and address checks go through the outbox like every other email,
        # so a mail outage never fails the request.
        from diz_portal import outbox

        outbox.queue(self.render_mail(template_prefix, email, context), kind="account")
