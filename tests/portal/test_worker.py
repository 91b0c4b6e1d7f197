"""The worker path for real: a `db_worker` process sends a queued email to an SMTP server.

The rest of the suite runs tasks at once, in-process. Here the email is queued through the
database backend, exactly as a web request queues it, and a worker started as a separate
process takes it from the test database (a file on SQLite: see DATABASES in settings) and
delivers it to a local SMTP server. Runs on SQLite and on PostgreSQL alike.
"""

import os
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from diz_portal import outbox
from diz_portal.models import OutboundEmail

# Committed for real: the worker process must see the rows.
pytestmark = pytest.mark.django_db(transaction=True)

DELIVERY_TIMEOUT = 30  # seconds


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


def worker_database_url():
    """The URL of the database this test runs on, for the worker process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        assert db["NAME"] and "memory" not in str(db["NAME"]), (
            "The SQLite test database must be a file for a worker process to reach it."
        )
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'])}"


def start_worker(database_url, smtp_port, log, cwd):
    env = {
        **os.environ,
        "DIZ_TASKS_BACKEND": "database",
        "DATABASE_URL": database_url,
        "DJANGO_EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}/?timeout=10",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable, "manage.py", "db_worker", "--queue-name", "email", "--interval", "0.2",
        "--no-startup-delay", "--no-reload",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(worker):
    """Stop the worker we started, by its PID: SIGTERM, which it handles gracefully."""
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def test_a_worker_process_delivers_a_queued_email(settings, smtp_server, tmp_path):
    smtp_port, inbox = smtp_server
    # This process enqueues into the database, as a production web process does.
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    }
    with transaction.atomic():
        message = EmailMessage(
            "Worker check: Jo\nBloggs",  # a stored line break must not stop the send
            "Sent by a real worker.\nSecond line.",
            to=["ops@example.org"],
        )
        email = outbox.queue(message, kind="test")
        assert not DBTaskResult.objects.exists()  # nothing is queued before the commit
    task = DBTaskResult.objects.get()
    assert (task.queue_name, task.status) == ("email", "READY")

    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = start_worker(worker_database_url(), smtp_port, log, settings.BASE_DIR)
        try:
            deadline = time.monotonic() + DELIVERY_TIMEOUT
            while time.monotonic() < deadline and worker.poll() is None:
                email.refresh_from_db()
                if email.status == OutboundEmail.Status.SENT and inbox.envelopes:
                    break
                time.sleep(0.2)
        finally:
            stop(worker)
    output = log_path.read_text(errors="replace")

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT, output
    assert (email.attempts, email.last_error) == (1, "")
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["ops@example.org"]
    content = envelope.content.decode()
    assert "Subject: Worker check: Jo Bloggs" in content
    assert "Sent by a real worker.\r\nSecond line." in content
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL", output
    assert task.return_value == "sent"
