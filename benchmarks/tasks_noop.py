"""The no-op task bench_tasks.py queues (a module of its own: a task is declared once Django is
set up, and named by its import path)."""

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the backport
    from django_tasks import task


@task()
def noop(n: int) -> int:
    return n
