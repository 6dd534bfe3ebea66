from django.urls import path, re_path

from sandbox.api import live_api, test_api
from sandbox.boundary import wrap_urls
from sandbox.views import unknown_path

# /v1/test/ first: the live API's patterns must never see a test URL.
urlpatterns = [
    path("v1/test/", wrap_urls(test_api.urls)),
    path("v1/", wrap_urls(live_api.urls)),
    re_path(r"^v1(/.*)?$", unknown_path),
]

# Served alone (runsandbox, gunicorn), paths outside /v1/ also answer in the envelope.
handler404 = "sandbox.views.not_found"
handler500 = "sandbox.views.server_error"
