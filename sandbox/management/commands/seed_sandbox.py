"""`seed_sandbox`: fill a sandbox account with realistic demo data.

Deterministic for a given --seed (ids aside), and fast enough for load
tests: `--events 1 --orders-per-event 40000` is about 100,000 attendees.
"""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sandbox.services.accounts import account_get_or_create
from sandbox.services.seed import sandbox_seed


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Add demo events, ticket types, orders, attendees and refunds to a sandbox account."

    def add_arguments(self, parser):
        parser.add_argument("--account", default="demo", help="account slug, created if needed (default: demo)")
        parser.add_argument("--events", type=_non_negative, default=12, help="how many events (default: 12)")
        parser.add_argument(
            "--orders-per-event", type=_non_negative, default=50, help="orders of each event on sale (default: 50)"
        )
        parser.add_argument("--seed", type=int, default=42, help="random seed: same seed, same data (default: 42)")
        parser.add_argument("--live", action="store_true", help="seed the live environment instead of test")

    def handle(self, *args, account, events, orders_per_event, seed, live, **options):
        try:
            acct, _ = account_get_or_create(slug=account)
        except ValidationError as exc:
            raise CommandError(f"--account {account!r}: {' '.join(exc.messages)}") from exc
        started = time.perf_counter()
        summary = sandbox_seed(account=acct, livemode=live, events=events, orders_per_event=orders_per_event, seed=seed)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Seeded account {acct.slug!r} ({'live' if live else 'test'}): {summary.events} events, "
            f"{summary.orders} orders, {summary.attendees} attendees ({summary.checked_in} checked in), "
            f"{summary.refunds} refunds in {elapsed:.1f}s."
        )
