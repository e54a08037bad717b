from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running `manage.py worker`, touched every TASKS_HEARTBEAT_INTERVAL seconds.

    A task RUNNING on a worker whose row has not been touched for TASKS_HEARTBEAT_TIMEOUT
    seconds lost its worker (kill -9, the OOM killer, a reboot) and is run again
    (forum/operations/task_queue.py). `last_seen` is the database's clock, never a worker's: workers on
    several machines are compared with one another, and their clocks may disagree.
    """

    # django-tasks-db's worker id, as written in the task results' `worker_ids`.
    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"worker {self.worker_id} ({self.hostname} pid {self.pid})"


class SentMail(models.Model):
    """A message the mail server accepted, written the moment it did (accounts/tasks.py).

    A delivery task run again (its worker died after the send) finds the row and does not send
    the message a second time. Keyed by the Message-ID fixed when the mail was queued; no
    address or content is kept. Rows are forgotten after SENT_MAIL_KEEP_DAYS, long after any
    retry of the same message could come.
    """

    message_id = models.CharField(max_length=255, unique=True)
    sent_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.message_id} sent {self.sent_at:%Y-%m-%d %H:%M:%S}"
