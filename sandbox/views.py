from django.http import JsonResponse

from sandbox import errors
from sandbox.boundary import api_boundary
from sandbox.errors import ApiError


@api_boundary
def unknown_path(request, *args, **kwargs):
    raise ApiError(errors.NOT_FOUND, f"No such endpoint: {request.method} {request.path}")


def not_found(request, exception=None):
    """Django's own 404 (a path outside /v1/), in the envelope like every other error."""
    return JsonResponse(ApiError(errors.NOT_FOUND, "No such endpoint").envelope(), status=404)


def server_error(request):
    return JsonResponse(ApiError(errors.INTERNAL_ERROR, "Internal error", status=500).envelope(), status=500)
