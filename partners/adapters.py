from allauth.account.adapter import DefaultAccountAdapter

from diz_portal.clientip import client_ip


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Partner accounts come only from the programme manager's invitations."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        # allauth's own reading of X-Forwarded-For refuses a request whose header is shorter
        # than the proxy count; ours falls back to REMOTE_ADDR, and the enquiry limit uses it too.
        return client_ip(request)

    def send_mail(self, template_prefix, email, context):
        # Password resets and address checks go through the outbox like every other email,
        # so a mail outage never fails the request.
        from diz_portal import outbox

        outbox.queue(self.render_mail(template_prefix, email, context), kind="account")
