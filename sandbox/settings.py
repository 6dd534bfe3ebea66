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
# The API renders no templates. The dashboard's engine names its template tags
# as builtins, which import dashboard models this settings module does not
# install: runserver's checks build that engine and the server dies at boot.
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": False, "OPTIONS": {}}]
