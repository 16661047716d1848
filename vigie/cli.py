"""The ``vigie`` command: Django's ``manage.py`` plus Vigie's own commands.

``vigie assess`` is answered by the pure decision core without loading Django, so that it starts fast and
runs anywhere; every other word is a Django management command (``vigie migrate``, ``vigie serve``,
``vigie worker``, ``vigie demo``, ``vigie org list``, ``vigie breach list`` …), whose messages are in the language
of ``VIGIE_LANGUAGE`` (``fr`` by default, or ``en``).
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "assess":
        from vigie.risk.cli import main as assess_main

        return assess_main(argv[2:])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
    from django.core.management import execute_from_command_line

    argv[0] = "vigie"
    with command_language():
        execute_from_command_line(argv)
    return 0


@contextmanager
def command_language() -> Iterator[None]:
    """Every command speaks ``VIGIE_LANGUAGE`` (fr by default, or en); what it records stays French.

    Translations need the apps loaded: ``django.setup()`` is run first (``execute_from_command_line`` runs it again,
    which does nothing the second time). Where settings cannot load, the command goes on untranslated and Django
    reports the problem itself."""
    import django
    from django.conf import settings
    from django.utils import translation

    try:
        django.setup()
        language = settings.VIGIE_LANGUAGE
    except Exception:  # noqa: BLE001 (Django's own error handling says what is wrong)
        yield
        return
    with translation.override(language):
        yield


if __name__ == "__main__":
    sys.exit(main())
