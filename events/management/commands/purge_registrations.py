from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from events.models import Registration, new_manage_key


class Command(BaseCommand):
    help = (
        "Remove attendees' personal data (name, email, organisation, needs, and their change "
        "history) from registrations for events that ended more than --days days ago. "
        "Counts of who came are kept; manage links stop working."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=365,
            help="Purge events that ended more than this many days ago (default 365).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be purged; change nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 0:
            raise CommandError("--days must be zero or more.")
        registrations = Registration.objects.purgeable(days)
        ids = list(registrations.values_list("pk", flat=True))
        events = registrations.values("event").distinct().count()
        if dry_run:
            self.stdout.write(
                f"Would purge {len(ids)} registration(s) for {events} event(s) that ended more "
                f"than {days} day(s) ago. Nothing changed (dry run)."
            )
            return
        with transaction.atomic():
            # update() skips history on purpose: the point is to leave no copy behind.
            # A purged row's manage link stops working (from_token skips purged rows).
            Registration.objects.filter(pk__in=ids).update(
                name="",
                email="",
                organisation="",
                needs="",
                manage_key=new_manage_key(),
                purged_at=timezone.now(),
            )
            Registration.history.filter(id__in=ids).delete()
        self.stdout.write(
            self.style.SUCCESS(
                f"Purged personal data from {len(ids)} registration(s) for {events} event(s) "
                f"that ended more than {days} day(s) ago."
            )
        )
