from assets.tasks import send_enquiry_reminders
from diz_portal.commands import TaskCommand


class Command(TaskCommand):
    help = (
        "Run the enquiries' clocks: remind owners' members 2 working days before a first "
        "response is due, and tell the programme team about enquiries past their target. "
        "Safe to run as often as you like (each enquiry is reminded once and escalated once); "
        "run it from cron, for example every hour on working days."
    )
    task = send_enquiry_reminders
    queued = "Queued the enquiry clocks for the worker."

    def report(self, result):
        reminded, escalated = result
        return f"Reminders sent: {reminded}. Escalations to the programme team: {escalated}."
