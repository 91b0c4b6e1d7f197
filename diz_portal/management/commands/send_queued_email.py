from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from diz_portal import outbox


class Command(BaseCommand):
    help = (
        "Queue delivery again for emails that are due but have no task: lost in a crash "
        "between saving and queuing, left by a worker that died mid-send, or waiting for a "
        "retry where tasks run at once (DIZ_TASKS_BACKEND=immediate). Safe to run any time: "
        "an email is never sent twice because of it, except one whose worker died mid-send."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=10,
            metavar="MINUTES",
            help="Only emails due for at least this many minutes (default 10), so emails "
            "whose task is simply still waiting for a worker are left alone.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the emails, queue nothing."
        )

    def handle(self, *args, older_than, dry_run, **options):
        if older_than < 0:
            raise CommandError("--older-than must be 0 minutes or more.")
        count = outbox.requeue_stalled(older_than=timedelta(minutes=older_than), dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"{count} email(s) would be queued again.")
        else:
            self.stdout.write(f"{count} email(s) queued again.")
