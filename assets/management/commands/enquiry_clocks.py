from django.core.management.base import BaseCommand

from assets.tasks import send_enquiry_reminders


class Command(BaseCommand):
    help = (
        "Run the enquiries' clocks: remind owners' members 2 working days before a first "
        "response is due, and tell the programme team about enquiries past their target. "
        "Safe to run as often as you like (each enquiry is reminded once and escalated once); "
        "run it from cron, for example every hour on working days."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Hand the job to the background worker instead of running it now.",
        )

    def handle(self, *args, queue=False, **options):
        if queue:
            send_enquiry_reminders.enqueue()
            self.stdout.write("Queued the enquiry clocks for the worker.")
            return
        reminded, escalated = send_enquiry_reminders.call()
        self.stdout.write(
            f"Reminders sent: {reminded}. Escalations to the programme team: {escalated}."
        )
