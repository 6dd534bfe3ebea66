"""`sandbox_apikey`: a new API key for an account of the local sandbox.

The key is stdout's last (and only) line, so `KEY=$(python manage.py
sandbox_apikey)` works; the chatter goes to stderr. Only a hash is stored,
so this is the one time the key is shown.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sandbox.services.accounts import account_get_or_create
from sandbox.services.keys import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a sandbox account (created if needed); the key is the last line of stdout."

    def add_arguments(self, parser):
        parser.add_argument("--account", default="demo", help="account slug (default: demo)")
        parser.add_argument(
            "--live", action="store_true", help="a bs_live_ key for /v1/ instead of a bs_test_ key for /v1/test/"
        )
        parser.add_argument("--read-only", action="store_true", help="a key that can only GET")

    def handle(self, *args, account, live, read_only, **options):
        try:
            with transaction.atomic(using="sandbox"):
                acct, created = account_get_or_create(slug=account)
                key = api_key_create(account=acct, livemode=live, read_only=read_only)
        except ValidationError as exc:
            raise CommandError(f"--account {account!r}: {' '.join(exc.messages)}") from exc
        if created:
            self.stderr.write(f"Created account {acct.slug!r}.")
        kind = ("live" if live else "test") + (", read-only" if read_only else "")
        self.stderr.write(f"New {kind} key for account {acct.slug!r} (shown once, keep it):")
        self.stdout.write(key)
