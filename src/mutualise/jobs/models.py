"""Long work run by the worker (`mutualise worker`): one Job per piece of work, the progress
record any web worker can show while the queue's task runs it.

The queue itself is django-tasks' database backend (the `django_tasks_db` tables); a Job adds
what people waiting need to see (how far, why it failed) and what a restart needs to decide
(how many attempts so far). Its state changes in the same transaction as the work it records.
"""

from __future__ import annotations

from django.db import models

from .lifecycle import State


class Job(models.Model):
    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        help_text="Empty for install-wide work (the daily reminders run)",
    )
    kind = models.CharField(max_length=60, help_text="What the work is, e.g. register.import")
    label = models.CharField(max_length=200, help_text="Shown to people waiting for it")
    subject = models.CharField(
        max_length=80, blank=True, help_text="What it works on, e.g. election:12 (for its page)"
    )
    state = models.CharField(
        max_length=16, choices=[(s.value, s.label) for s in State], default=State.QUEUED.value
    )
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    unit = models.CharField(max_length=30, default="items")
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(
        default=2, help_text="Runs tried before a job interrupted by a lost worker is failed"
    )
    task_id = models.CharField(max_length=64, blank=True, help_text="The queue's task result")
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, help_text="Last progress: a heartbeat")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "kind", "state"], name="job_by_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in State]), name="job_state_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (State.DONE.value, State.FAILED.value)

    # The questions pages ask of a job (its states are jobs/lifecycle.py's).
    @property
    def succeeded(self) -> bool:
        """The work committed: its result, and any file it made, are there."""
        return self.state == State.DONE.value

    @property
    def has_failed(self) -> bool:
        """The work raised, or its worker was lost too often: nothing of it was kept."""
        return self.state == State.FAILED.value

    @property
    def waiting_to_start(self) -> bool:
        """Queued for a worker (again, after a lost worker, when it has attempts)."""
        return self.state == State.QUEUED.value

    @property
    def percent(self) -> int:
        if self.state == State.DONE.value:
            return 100
        return min(99, (100 * self.done) // self.total) if self.total else 0


class ScheduledRun(models.Model):
    """One day's run of one daily job (jobs/schedule.py): its row is what makes the schedule
    idempotent (a second look on the same day finds it and queues nothing) and what survives a
    restart. Install-wide: a daily job works through every organisation itself."""

    name = models.CharField(max_length=80, help_text="The daily job, e.g. governance.reminders")
    day = models.DateField(help_text="The day (Europe/London) this run is for")
    job = models.OneToOneField(
        Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="scheduled_run"
    )
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "day"], name="scheduled_run_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.day}"


class JobOutput(models.Model):
    """What a finished job made for its starter to download (poll cards, an export), written
    in the job's own final transaction: there is a file exactly when the job is done. It may
    hold personal data or voting codes: it is stored sealed (secrecy.sealing, under a key kept
    out of the database), only the kind's viewers may download it, downloads are audited, it can
    be deleted once fetched, and it is deleted anyway when it expires (its kind says when)."""

    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="output")
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField(help_text="Sealed (services.save_output) unless `sealed` is off")
    sealed = models.BooleanField(default=False, help_text="Files from before sealing: False")
    size = models.PositiveBigIntegerField(help_text="The file's own size, unsealed")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Deleted by the daily jobs.expire_files after this"
    )
    downloads = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.file_name
