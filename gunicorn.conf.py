"""gunicorn settings shared by the dashboard and the sandbox (make serve, make bench).

Threads per worker stay within the BrightStar client's connection pool
(boxoffice/brightstar/client.py POOL_SIZE = 16), so a busy worker never waits
on the pool rather than on the API.
"""

import os
import re

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

# gunicorn >= 25.1 opens a control socket for `gunicornc` at ONE path per user
# ($XDG_RUNTIME_DIR/gunicorn.ctl, else ~/.gunicorn/gunicorn.ctl). Two servers
# on one machine (make serve starts two; the benchmarks three) then unlink
# each other's socket or fail with "Control server error: Address ... is
# already in use". One socket per bound address instead, in the same place:
# `gunicornc -s ~/.gunicorn/gunicorn-127.0.0.1-8000.ctl -c "show workers"`.
_runtime = os.environ.get("XDG_RUNTIME_DIR")
_control_dir = _runtime if _runtime and os.path.isdir(_runtime) else os.path.expanduser("~/.gunicorn")
control_socket = os.path.join(_control_dir, f"gunicorn-{re.sub(r'[^A-Za-z0-9._-]+', '-', bind)}.ctl")
