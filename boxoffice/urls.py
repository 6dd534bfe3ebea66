from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from django.utils import timezone
from django.views.decorators.http import last_modified
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from boxoffice.staff import views as staff_views
from boxoffice.staff.forms import StaffLoginForm
from boxoffice.web.converters import BrightStarId

register_converter(BrightStarId, "bsid")

# The JavaScript catalogs change only with a deploy, which restarts the server: a page load after the
# first asks "modified since?" and gets a 304 instead of a rebuilt catalog. The script's URL names the
# language (_base.html), so a switch of language is a different URL, never a stale copy.
_STARTED = timezone.now()
javascript_catalog = last_modified(lambda request: _STARTED)(JavaScriptCatalog.as_view(domain="djangojs"))

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="events:list"), name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=StaffLoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", staff_views.language_set, name="language"),
    # The JavaScript strings of the active language, as a script file (a strict CSP allows it).
    path("jsi18n/", javascript_catalog, name="javascript-catalog"),
    path("events/", include("boxoffice.events.urls")),
    path("events/", include("boxoffice.door.urls")),
    path("events/", include("boxoffice.venue.urls")),
    path("orders/", include("boxoffice.orders.urls")),
    path("audit/", include("boxoffice.audit.urls")),
    path("admin/", admin.site.urls),
]
