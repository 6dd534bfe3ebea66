"""`sandbox_purge_keys`: delete idempotency records past their 24 hours.

Each sandbox process also does this hourly on its own; the command is for a
cron job, or a database that no process has served for a while.
"""

from django.core.management.base import BaseCommand

from sandbox.idempotency import idempotency_purge


class Command(BaseCommand):
    help = "Delete idempotency records that expired (24 h) or were abandoned mid-request (5 min)."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {idempotency_purge()} stale idempotency records.")
