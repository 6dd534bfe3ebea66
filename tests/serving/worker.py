import os

WORKER_HEADER = "X-Test-Worker-Pid"


class WorkerPidMiddleware:
    """Says which gunicorn worker answered, so a test knows it reached every one of them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response[WORKER_HEADER] = str(os.getpid())
        return response
