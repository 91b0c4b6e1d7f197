"""Management commands that run one background task: now, or handed to the worker."""

from django.core.management.base import BaseCommand


class TaskCommand(BaseCommand):
    """Runs `task` in this process and prints `report(result)`, or with --queue enqueues it
    for the worker and prints `queued`. Cron can call either: the tasks are safe to repeat."""

    task = None
    queued = ""

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Hand the job to the background worker instead of running it now.",
        )

    def handle(self, *args, queue=False, **options):
        if queue:
            self.task.enqueue()
            self.stdout.write(self.queued)
            return
        self.stdout.write(self.report(self.task.call()))

    def report(self, result):
        raise NotImplementedError
