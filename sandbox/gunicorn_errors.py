"""Under gunicorn, a header it refuses is answered in the API's envelope too.

gunicorn refuses a header value holding a control character (RFC 9110 §5.5)
or a malformed header name while parsing, before any application code runs,
and answers with an HTML page. The contract says every error is the JSON
envelope, and a client that sent `Idempotency-Key: ab\\x00cd` should learn
which field was wrong whichever server the sandbox runs under.

gunicorn's only hook for this is its worker class, which the shared
gunicorn.conf.py chooses for the dashboard too; so sandbox/wsgi.py installs
this on the worker class instead, in the sandbox's processes only. Every
other refusal keeps gunicorn's own answer.
"""

import json
import secrets

from sandbox import errors

_installed = False


def _header_name(raw: str) -> str:
    # gunicorn upper-cases names ("IDEMPOTENCY-KEY"); the API names them as clients write them.
    return "-".join(part.capitalize() for part in str(raw).split("-"))


def envelope(exc) -> bytes:
    field = _header_name(exc.hdr)
    body = json.dumps(
        {"error": {"code": errors.VALIDATION_ERROR, "message": f"{field}: not a valid header value", "field": field}}
    ).encode()
    head = (
        "HTTP/1.1 400 Bad Request\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"X-Request-Id: req_{secrets.token_hex(8)}\r\n"
        "\r\n"
    )
    return head.encode("latin-1") + body


def install() -> None:
    """Answer gunicorn's header refusals in the envelope; a no-op outside gunicorn or when done."""
    global _installed
    if _installed:
        return
    try:
        from gunicorn import util
        from gunicorn.http.errors import InvalidHeader, InvalidHeaderName
        from gunicorn.workers.base import Worker
    except ImportError:  # pragma: no cover - gunicorn is in requirements.txt
        return
    original = Worker.handle_error

    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, InvalidHeader | InvalidHeaderName):
            return original(self, req, client, addr, exc)
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            util.write_nonblock(client, envelope(exc))
        except Exception:  # the client may be gone; gunicorn does the same
            self.log.debug("Failed to send error message.")
        return None

    Worker.handle_error = handle_error
    _installed = True
