"""WSGI entry point: ``gunicorn vigie.wsgi`` in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
application = get_wsgi_application()
