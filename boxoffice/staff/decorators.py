import functools

from django.contrib.auth.views import redirect_to_login
from django.template.response import TemplateResponse

from boxoffice.staff.labels import capability_words, role_labels
from boxoffice.staff.roles import Capability, has


def forbidden(request, capability: Capability) -> TemplateResponse:
    """A 403 that says which role would be needed, rendered in place for htmx."""
    context = {"capability": capability, "what": capability_words(capability), "roles": role_labels(capability.roles)}
    template = "403.html#message" if getattr(request, "htmx", False) else "403.html"
    return TemplateResponse(request, template, context, status=403)


def requires(capability: Capability):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has(request.user, capability):
                return forbidden(request, capability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
