"""`xiangcun roles_sync`: create the role groups and give them their permissions (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from xiangcun.accounts.services import roles_sync


class Command(BaseCommand):
    help = "Create one group per role with the permissions listed in accounts/roles.py."

    def handle(self, *args: Any, **options: Any) -> None:
        missing = roles_sync()
        self.stdout.write(f"Roles synced; {len(missing)} permissions wait for apps not built yet.")
