from assets.tasks import send_review_reminders
from diz_portal.commands import TaskCommand


class Command(TaskCommand):
    help = (
        "Email each partner's members the list of their assets due for review (review-by date "
        "passed or within 30 days). A partner gets at most one such email a week, so this is "
        "safe to run as often as you like; run it from cron, for example every Monday morning."
    )
    task = send_review_reminders
    queued = "Queued the review reminders for the worker."

    def report(self, result):
        return f"Review reminders sent to {result} partner(s)."
