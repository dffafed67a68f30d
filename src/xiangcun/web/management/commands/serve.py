"""`xiangcun serve`: Django's development server with DEBUG on, gunicorn in production.

Production (`--production`, or DEBUG off) collects static files first, so WhiteNoise serves the
hashed, compressed copies, then replaces this process with gunicorn.
"""

import os
import shutil
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def default_port() -> int:
    value = os.environ.get("PORT", "")
    return int(value) if value.isdigit() else 8000


def default_workers() -> int:
    # gunicorn's rule of thumb for sync workers.
    return 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "Run the web server: runserver when DEBUG is on, gunicorn with --production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument(
            "--port", type=int, default=default_port(), help="Port (default: $PORT or 8000)."
        )
        parser.add_argument(
            "--production",
            action="store_true",
            help="Run gunicorn even when DEBUG is on (always the case when DEBUG is off).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="gunicorn worker processes (default: 2 x CPU cores + 1).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}")
        if settings.DEBUG and not options["production"]:
            # IPv6 literals need brackets in runserver's addrport.
            address = f"[{host}]" if ":" in host else host
            call_command("runserver", f"{address}:{port}", use_reloader=True)
            return
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.exec_gunicorn(host=host, port=port, workers=options["workers"])

    def exec_gunicorn(self, *, host: str, port: int, workers: int) -> None:
        """Replace this process with gunicorn, so signals from the supervisor reach it directly."""
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            raise CommandError("gunicorn is not installed")
        argv = [
            gunicorn,
            "xiangcun.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ]
        self.stdout.write(f"Starting gunicorn on {bind} with {workers} workers")
        self.stdout.flush()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.settings")
        os.execv(gunicorn, argv)  # noqa: S606 - fixed argv, no shell
