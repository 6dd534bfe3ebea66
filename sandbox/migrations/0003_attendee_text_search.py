"""An index for the door's search: `q` anywhere in an attendee's name or email.

LIKE '%q%' can't use a b-tree, so an exact X-Total-Count walked every attendee
of the event (30-45 ms at 100,000). Each database gets the index it has:

- SQLite: an FTS5 table with the trigram tokenizer over (name, email), its
  rows keyed by the attendee's rowid and kept in step by triggers.
- PostgreSQL: pg_trgm GIN indexes on UPPER(name) and UPPER(email), the very
  expressions Django's `icontains` compares, so the same LIKE uses them.

A later migration that makes SQLite rebuild sandbox_attendee (most
AlterFields do) drops the triggers and renumbers rowids: it must run
SQLITE_TEARDOWN and SQLITE_SETUP again. tests/sandbox/test_search.py checks
the FTS table against the attendees, so a drift fails the suite.
"""

from django.db import migrations

SQLITE_SETUP = [
    """CREATE VIRTUAL TABLE sandbox_attendee_search USING fts5(
        name, email, content='sandbox_attendee', content_rowid='rowid', tokenize='trigram')""",
    """CREATE TRIGGER sandbox_attendee_search_ins AFTER INSERT ON sandbox_attendee BEGIN
        INSERT INTO sandbox_attendee_search(rowid, name, email) VALUES (new.rowid, new.name, new.email);
    END""",
    """CREATE TRIGGER sandbox_attendee_search_del AFTER DELETE ON sandbox_attendee BEGIN
        INSERT INTO sandbox_attendee_search(sandbox_attendee_search, rowid, name, email)
        VALUES ('delete', old.rowid, old.name, old.email);
    END""",
    """CREATE TRIGGER sandbox_attendee_search_upd AFTER UPDATE OF name, email ON sandbox_attendee BEGIN
        INSERT INTO sandbox_attendee_search(sandbox_attendee_search, rowid, name, email)
        VALUES ('delete', old.rowid, old.name, old.email);
        INSERT INTO sandbox_attendee_search(rowid, name, email) VALUES (new.rowid, new.name, new.email);
    END""",
    "INSERT INTO sandbox_attendee_search(sandbox_attendee_search) VALUES ('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS sandbox_attendee_search_ins",
    "DROP TRIGGER IF EXISTS sandbox_attendee_search_del",
    "DROP TRIGGER IF EXISTS sandbox_attendee_search_upd",
    "DROP TABLE IF EXISTS sandbox_attendee_search",
]
POSTGRES_SETUP = [
    # Trusted since PostgreSQL 13: the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX att_name_trgm ON sandbox_attendee USING gin ((UPPER(name::text)) gin_trgm_ops)",
    "CREATE INDEX att_email_trgm ON sandbox_attendee USING gin ((UPPER(email::text)) gin_trgm_ops)",
]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS att_name_trgm", "DROP INDEX IF EXISTS att_email_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("sandbox", "0002_attendee_covering_index")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP}),
            _run({"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN}),
        ),
    ]
