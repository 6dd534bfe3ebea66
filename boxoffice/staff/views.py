"""The header's language switcher: a plain POST form, so it works without JavaScript."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from boxoffice.staff.language import SUPPORTED, staff_language_set


@require_POST
def language_set(request):
    """Save the chosen language on the profile (signed in) and in the cookie (the login page too).

    An unknown language is ignored rather than refused: the form offers only known ones, so
    anything else is a mangled request, and the page it came from is the right answer.
    """
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    if language and language not in SUPPORTED:
        return response
    if request.user.is_authenticated:
        staff_language_set(user=request.user, language=language)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response
