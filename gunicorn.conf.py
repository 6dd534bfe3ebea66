"""gunicorn settings shared by the dashboard and the sandbox (make serve, make bench).

Threads per worker stay within the BrightStar client's connection pool
(boxoffice/brightstar/client.py POOL_SIZE = 16), so a busy worker never waits
on the pool rather than on the API.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")
