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
