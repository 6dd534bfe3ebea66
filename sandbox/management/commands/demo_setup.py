"""`demo_setup`: what `make run` needs before it starts the sandbox.

Idempotent. On the first run it creates the account `demo`, seeds it, makes
a test key and writes it to `.env` as BRIGHTSTAR_API_KEY (the dashboard's
settings read it from there). Later runs find that key in the sandbox and
reuse it. Either way it ends by printing a curl line that works as pasted.
The key is printed in clear on purpose: it is local test data.
"""

import os
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from sandbox.management.commands.runsandbox import DEFAULT_ADDR, base_url
from sandbox.models import ApiKey, Event
from sandbox.services.accounts import account_get_or_create
from sandbox.services.keys import api_key_create
from sandbox.services.seed import sandbox_seed

ENV_VAR = "BRIGHTSTAR_API_KEY"
DEMO_ACCOUNT = "demo"
DEMO_SEED = 42
_LINE = re.compile(rf"^\s*(?:export\s+)?{ENV_VAR}\s*=\s*(.*?)\s*$")


def env_file_key(path: Path) -> str:
    """The key `path` assigns to BRIGHTSTAR_API_KEY, or "" (last assignment wins)."""
    key = ""
    if path.exists():
        for line in path.read_text().splitlines():
            if match := _LINE.match(line):
                key = match.group(1).strip("'\"")
    return key


def env_file_set_key(path: Path, key: str) -> None:
    """Point BRIGHTSTAR_API_KEY at `key`, keeping every other line as it was."""
    lines = path.read_text().splitlines() if path.exists() else []
    kept = [line for line in lines if not _LINE.match(line)]
    path.write_text("\n".join([*kept, f"{ENV_VAR}={key}"]) + "\n")
    if os.name == "posix":
        path.chmod(0o600)  # a key is a secret, even a test one: not world-readable


class Command(BaseCommand):
    help = "Make sure the demo account, its data and a test key in .env exist; print how to call the API."

    def add_arguments(self, parser):
        parser.add_argument("--env-file", type=Path, default=None, help="default: .env beside manage.py")
        parser.add_argument("--addr", default=DEFAULT_ADDR, help=f"where runsandbox listens (default {DEFAULT_ADDR})")

    def handle(self, *args, env_file, addr, **options):
        env_file = env_file or Path(settings.BASE_DIR) / ".env"
        key = env_file_key(env_file)
        known = bool(key) and ApiKey.objects.filter(key_hash=ApiKey.hash(key), livemode=False).exists()
        if known:
            self.stdout.write(f"Reusing the test key in {env_file}.")
        else:
            with transaction.atomic(using="sandbox"):
                account, _ = account_get_or_create(slug=DEMO_ACCOUNT)
                if not Event.objects.filter(account=account, livemode=False).exists():
                    summary = sandbox_seed(account=account, seed=DEMO_SEED)
                    self.stdout.write(
                        f"Seeded account {DEMO_ACCOUNT!r}: {summary.events} events, {summary.orders} orders, "
                        f"{summary.attendees} attendees."
                    )
                key = api_key_create(account=account)
            env_file_set_key(env_file, key)
            self.stdout.write(f"Wrote a new test key for account {DEMO_ACCOUNT!r} to {env_file}.")

        api = f"{base_url(addr)}/v1/test"
        self.stdout.write(
            "\n".join(
                (
                    f"Sandbox API (test environment): {api}/",
                    f"API key: {key}",
                    "Try it:",
                    f'  curl -H "Authorization: Bearer {key}" {api}/events',
                )
            )
        )
