import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings")
application = get_wsgi_application()

if "gunicorn" in sys.modules:  # served by gunicorn: its own refusals in the envelope too
    from sandbox import gunicorn_errors

    gunicorn_errors.install()
