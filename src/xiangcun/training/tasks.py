"""Background tasks of training: the day-before texts to everyone with a seat."""

from django_tasks import task

from xiangcun.training.services import session_reminders_queue


@task()
def session_reminders_send() -> int:
    """Queue tomorrow's session reminders (each person once; safe to run every minute)."""
    return session_reminders_queue()
