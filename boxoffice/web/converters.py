"""URL converters: only well-formed BrightStar ids reach the service layer.

An id from the URL is pasted into an API path; "..", "?" or "#" in it would
point the request somewhere else. Refusing them at routing makes them a
plain 404 before any API call.
"""


class BrightStarId:
    regex = r"[A-Za-z0-9_]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
