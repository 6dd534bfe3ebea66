"""What the client announces, so it never has to store anything itself."""

from django.dispatch import Signal

# One HTTP exchange with BrightStar failed: no answer, a 5xx or a 429 (kwargs: method, path, code).
exchange_failed = Signal()
