"""Which language the dashboard speaks to whom: the staff member's choice, else the browser's.

Django's LocaleMiddleware reads the language cookie, then Accept-Language; this
runs after authentication and puts the staff profile's choice first. The choice
is read from the database on every request, in the same query as the roles, so a
language picked on one device holds at the next page on every other.
"""

from django.conf import settings
from django.utils import translation

from boxoffice.staff.models import StaffProfile
from boxoffice.staff.roles import user_language

SUPPORTED = frozenset(code for code, _ in settings.LANGUAGES)


def staff_language(user) -> str:
    """The language `user` chose ('' to follow the browser, and for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    chosen = user_language(user)
    return chosen if chosen in SUPPORTED else ""


def staff_language_set(*, user, language: str) -> None:
    """Remember `language` ('' = the browser's) on the staff member's profile."""
    if language and language not in SUPPORTED:
        raise ValueError(f"unsupported language {language!r}")
    StaffProfile.objects.update_or_create(user=user, defaults={"language": language})


class StaffLanguageMiddleware:
    """After AuthenticationMiddleware: the profile's language wins over the cookie and Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if chosen := staff_language(getattr(request, "user", None)):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)
