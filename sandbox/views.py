from sandbox import errors
from sandbox.boundary import api_boundary
from sandbox.errors import ApiError


@api_boundary
def unknown_path(request, *args, **kwargs):
    raise ApiError(errors.NOT_FOUND, f"No such endpoint: {request.method} {request.path}")
