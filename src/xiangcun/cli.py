"""The `xiangcun` command: Django's management commands under one name.

`xiangcun demo` loads the Danzhai demo, `xiangcun serve` runs the web server, `xiangcun worker`
runs background tasks; any other word is passed to Django (`xiangcun migrate`, ...). Dashes in
a command name are accepted for underscores (`xiangcun trace-verify`).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
