"""The ``vigie`` command: Django's ``manage.py`` plus Vigie's own commands.

``vigie assess`` is answered by the pure decision core without loading Django, so that it starts fast and
runs anywhere; every other word is a Django management command (``vigie migrate``, ``vigie serve``,
``vigie worker``, ``vigie demo``, ``vigie org list``, ``vigie breach list`` …).
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "assess":
        from vigie.risk.cli import main as assess_main

        return assess_main(argv[2:])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
    from django.core.management import execute_from_command_line

    argv[0] = "vigie"
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
