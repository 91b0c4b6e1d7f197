from django.core.management.base import BaseCommand

from assets.tasks import send_review_reminders


class Command(BaseCommand):
    help = (
        "Email each partner's members the list of their assets due for review (review-by date "
        "passed or within 30 days). A partner gets at most one such email a week, so this is "
        "safe to run as often as you like; run it from cron, for example every Monday morning."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Hand the job to the background worker instead of running it now.",
        )

    def handle(self, *args, queue=False, **options):
        if queue:
            send_review_reminders.enqueue()
            self.stdout.write("Queued the review reminders for the worker.")
            return
        sent = send_review_reminders.call()
        self.stdout.write(f"Review reminders sent to {sent} partner(s).")
