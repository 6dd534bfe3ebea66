from django.shortcuts import render
from django_htmx.http import reswap, retarget

from boxoffice.brightstar.errors import BrightStarError, ConnectionFailed, NotFound, ValidationError
from boxoffice.web.feedback import describe


class BrightStarErrorMiddleware:
    """The last net under every view: an API failure becomes a message, never a 500.

    Views handle the errors they can explain in place (a field error, a
    refused refund); anything they let through lands here. An htmx request
    gets the message in the page's alert area; a full load gets a page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, BrightStarError):
            return None
        context = {"message": describe(exception), "unreachable": isinstance(exception, ConnectionFailed)}
        if getattr(request, "htmx", False):
            response = render(request, "components/alert.html", context)
            return reswap(retarget(response, "#alerts"), "innerHTML")
        if isinstance(exception, NotFound):  # a mistyped or stale link, not an outage
            return render(request, "404.html", context, status=404)
        if isinstance(exception, ValidationError):  # BrightStar refused what was typed: nothing is down
            return render(request, "bad_request.html", context, status=400)
        status = 503 if isinstance(exception, ConnectionFailed) else 502
        return render(request, "api_error.html", context, status=status)
