"""`runsandbox [ADDR:PORT]`: serve the BrightStar API alone (default 127.0.0.1:8001).

Django's runserver, run with sandbox.settings so that only the API's URLs
(and none of the dashboard's browser middleware) are served, just as the
real BrightStar would be: a separate server the dashboard reaches by URL.
Settings are chosen at process start, so this process becomes runserver
(exec) rather than calling it: Ctrl-C, signals and the exit status then
belong to the server itself.
"""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DEFAULT_ADDR = "127.0.0.1:8001"
SETTINGS_MODULE = "sandbox.settings"


def base_url(addrport: str) -> str:
    if addrport.isdigit():  # a bare port, as runserver allows
        addrport = f"127.0.0.1:{addrport}"
    host, _, port = addrport.rpartition(":")
    if host in ("0.0.0.0", "::", "[::]", ""):  # noqa: S104 - naming a bind address, not binding
        host = "127.0.0.1"
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = f"Serve the sandbox API alone on ADDR:PORT (default {DEFAULT_ADDR})."
    requires_system_checks = []  # the child runserver runs them, with the right settings

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default=DEFAULT_ADDR, help=f"default {DEFAULT_ADDR}")
        parser.add_argument("--noreload", action="store_true", help="do not restart on code changes")

    def handle(self, *args, addrport, noreload, **options):
        url = base_url(addrport)
        self.stdout.write(
            f"BrightStar sandbox API: {url}/v1/test/ (bs_test_ keys), {url}/v1/ (bs_live_ keys), "
            f"OpenAPI at {url}/v1/openapi.json. Get a key: python manage.py sandbox_apikey"
        )
        self.stdout.flush()
        command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "runserver", addrport]
        if noreload:
            command.append("--noreload")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE}
        os.chdir(settings.BASE_DIR)
        if os.name == "posix":
            os.execve(sys.executable, command, env)  # noqa: S606 - our own interpreter and manage.py
        # Windows has no real exec: wait for a child instead.
        try:
            returncode = subprocess.call(command, env=env)  # noqa: S603
        except KeyboardInterrupt:
            return
        if returncode:
            raise CommandError(f"runserver exited with status {returncode}")
