from allauth.account.adapter import DefaultAccountAdapter


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Partner accounts come only from the programme manager's invitations."""

    def is_open_for_signup(self, request):
        return False
