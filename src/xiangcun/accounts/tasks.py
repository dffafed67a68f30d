"""Background tasks of the accounts app."""

from django_tasks import task

from xiangcun.accounts.sms import sms_sender


# Its own queue, so a backlog of slow work elsewhere never delays a login code.
# The message (possibly a login code) sits in the task row until it runs; codes expire within
# minutes, and `prune_db_task_results` clears finished rows.
@task(queue_name="sms")
def sms_send(*, phone: str, message: str) -> None:
    sms_sender().send(phone, message)
