"""Progress in the terminal, for the CLI's long commands (a member import, codes by email):
rich's bar when rich is installed, else tqdm's, else plain text: a line redrawn in place on a
terminal, or a line every few seconds into a log. MUTUALISE_PROGRESS=plain (or rich, tqdm)
chooses; --quiet on a command shows none.

    with terminal.bar(total=rows, unit="rows", label="Checking members.csv") as bar:
        work(progress=bar.update)

`follow(job, work=...)` shows a job's bar while `work()` runs it here (the CLI's --wait), or
while a worker elsewhere runs it, reading the progress any web worker reads (jobs.live).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time

from django.db import connections

from . import services as jobs
from .models import Job

PLAIN_EVERY_SECONDS = 5.0


def _kind() -> str:
    chosen = os.environ.get("MUTUALISE_PROGRESS", "").strip().lower()
    if chosen in ("plain", "rich", "tqdm") and (
        chosen == "plain" or importlib.util.find_spec(chosen)
    ):
        return chosen
    for name in ("rich", "tqdm"):
        if importlib.util.find_spec(name) is not None:
            return name
    return "plain"


class Plain:
    def __init__(self, total: int, unit: str, label: str, stream=None):
        self.total, self.unit, self.label = total, unit, label
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = self.last = time.monotonic()
        self.done = 0

    def _line(self) -> str:
        rate = self.done / max(time.monotonic() - self.started, 1e-9)
        share = f" {min(self.done / self.total, 1):5.1%}" if self.total else ""
        of = f" of {self.total:,}" if self.total else ""
        return f"{self.label}:{share} {self.done:,}{of} {self.unit} ({rate:,.0f}/s)"

    def update(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r" + self._line())
            self.stream.flush()
        elif now - self.last >= PLAIN_EVERY_SECONDS:
            self.last = now
            self.stream.write(self._line() + "\n")
            self.stream.flush()

    def close(self) -> None:
        self.stream.write(("\r" if self.tty else "") + self._line() + "\n")
        self.stream.flush()


class Rich:
    def __init__(self, total: int, unit: str, label: str, stream=None):
        # why: rich is optional, and loaded only when a bar is shown
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            MofNCompleteColumn(),
            TextColumn(unit),
            TimeRemainingColumn(),
            console=Console(file=stream or sys.stderr),
        )
        self.progress.start()
        self.task = self.progress.add_task(label, total=total or None)

    def update(self, done: int, total: int | None = None) -> None:
        fields = {"completed": done}
        if total is not None:
            fields["total"] = total or None
        self.progress.update(self.task, **fields)

    def close(self) -> None:
        self.progress.stop()


class Tqdm:
    def __init__(self, total: int, unit: str, label: str, stream=None):
        from tqdm import tqdm  # why: optional, loaded only when a bar is shown

        self.bar = tqdm(total=total or None, unit=f" {unit}", desc=label, file=stream)

    def update(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


class _Nothing:
    def update(self, done: int, total: int | None = None) -> None:
        pass

    def close(self) -> None:
        pass


class bar:  # noqa: N801 (used as a function: `with terminal.bar(...)`)
    """A progress bar of the installed kind (see the module's doc)."""

    def __init__(self, total: int = 0, *, unit: str = "items", label: str = "", stream=None,
                 quiet: bool = False):  # fmt: skip
        kinds = {"plain": Plain, "rich": Rich, "tqdm": Tqdm}
        self.shown = _Nothing() if quiet else kinds[_kind()](total, unit, label, stream)
        self.update = self.shown.update

    def __call__(self, done: int) -> None:  # as a `progress(done)` callback
        self.shown.update(done)

    def __enter__(self) -> bar:
        return self

    def __exit__(self, *exc) -> None:
        self.shown.close()


def follow(job, *, work=None, interval: float = 0.5, stream=None, quiet: bool = False):
    """Show `job`'s progress until it finishes: while `work()` runs it in this process, or, with
    no `work`, while a worker runs it. Returns the job as it ended."""
    stop = threading.Event()

    def refreshed() -> Job:
        return jobs.live(Job.objects.get(pk=job.pk))

    with bar(job.total, unit=job.unit, label=job.label, stream=stream, quiet=quiet) as shown:
        if work is None:
            while not (current := refreshed()).finished:
                shown.update(current.done, current.total)
                time.sleep(interval)
        else:

            def watch() -> None:
                try:
                    while not stop.wait(interval):
                        current = refreshed()
                        shown.update(current.done, current.total)
                finally:
                    connections.close_all()  # this thread's own connection

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            try:
                work()
            finally:
                stop.set()
                watcher.join()
            current = refreshed()
        shown.update(current.done, current.total)
    return current
