"""Settings for serving the sandbox alone (runsandbox, gunicorn sandbox.wsgi).

Same databases and environment as the dashboard, but only the API's URLs and
none of the browser machinery (admin, sessions, CSRF): the API authenticates
with Bearer keys, like the real BrightStar.
"""

from boxoffice.settings import *  # noqa: F403

INSTALLED_APPS = ["django.contrib.contenttypes", "sandbox"]
ROOT_URLCONF = "sandbox.urls"
WSGI_APPLICATION = "sandbox.wsgi.application"
MIDDLEWARE = []
# The dashboard's template builtins and context processors read its own apps, which are not installed here.
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {}}]
