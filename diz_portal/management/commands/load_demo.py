from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from diz_portal.hooks import app_modules, hooks
from diz_portal.roles import PROGRAMME_MANAGER_GROUP

DEMO_PASSWORD = "diz-demo-2026!"  # noqa: S105 - demo accounts only, printed on purpose
DEMO_MANAGER = "manager@demo.diz.org.uk"
DEMO_PARTNER_USER = "partner@demo.diz.org.uk"


class Command(BaseCommand):
    help = (
        "Load the DIZ demo content (site text, pages, partners, projects, assets, events) and "
        "demo accounts. Safe to run again: existing rows are kept, missing ones are added."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        # Each app's demo.load() is idempotent and runs in dependency order.
        for module in app_modules("demo"):
            module.load(stdout=self.stdout)
        self.create_accounts()

    def create_accounts(self):
        User = get_user_model()
        manager, created = User.objects.get_or_create(
            username="demo-manager",
            defaults={"email": DEMO_MANAGER, "first_name": "Demo", "last_name": "Manager"},
        )
        if created:
            manager.set_password(DEMO_PASSWORD)
        manager.is_staff = True
        manager.save()
        manager.groups.add(Group.objects.get(name=PROGRAMME_MANAGER_GROUP))
        partner_user, created = User.objects.get_or_create(
            username="demo-partner",
            defaults={"email": DEMO_PARTNER_USER, "first_name": "Demo", "last_name": "Partner"},
        )
        if created:
            partner_user.set_password(DEMO_PASSWORD)
            partner_user.save()
        for user in (manager, partner_user):
            self.verify_email(user)
        # The app that owns memberships makes the demo partner user a member (partners/demo.py).
        partner_name = next(
            (link(partner_user) for link in hooks("demo", "link_demo_member")), None
        )

        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for both: {DEMO_PASSWORD})"))
        self.stdout.write(
            f"  Programme manager: {DEMO_MANAGER}  (admin at /admin/; set up two-factor "
            "authentication with an authenticator app on first sign-in)"
        )
        member_of = f", member of {partner_name}" if partner_name else ""
        self.stdout.write(f"  Partner user:      {DEMO_PARTNER_USER}{member_of}  (/dashboard/)")

    def verify_email(self, user):
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
