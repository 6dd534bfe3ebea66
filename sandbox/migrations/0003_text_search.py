"""Indexes for substring search: `q` anywhere in a name or an email.

The door searches attendees by name or email, the desk searches orders by
buyer name or email. LIKE '%q%' can't use a b-tree, so an exact
X-Total-Count walked every row in scope: 30-45 ms for an event's 100,000
attendees, ~100 ms for the count and page of an account's 40,000 orders.
Each database gets the index it has:

- SQLite: an FTS5 table with the trigram tokenizer over the two columns,
  its rows keyed by the searched row's rowid and kept in step by triggers.
- PostgreSQL: pg_trgm GIN indexes on UPPER(column), the very expression
  Django's `icontains` compares, so the same LIKE uses them.

A later migration that makes SQLite rebuild one of these tables (most
AlterFields do) drops its triggers and renumbers its rowids: it must run
this migration's teardown and setup again. tests/sandbox/test_search.py
checks each FTS table against its rows, so a drift fails the suite.
"""

from django.db import migrations

# table -> the two searched columns
SEARCHED = {
    "sandbox_attendee": ("name", "email"),
    "sandbox_order": ("buyer_name", "buyer_email"),
}


def _sqlite_setup(table: str, a: str, b: str) -> list[str]:
    fts = f"{table}_search"
    new = f"INSERT INTO {fts}(rowid, {a}, {b}) VALUES (new.rowid, new.{a}, new.{b});"
    old = f"INSERT INTO {fts}({fts}, rowid, {a}, {b}) VALUES ('delete', old.rowid, old.{a}, old.{b});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({a}, {b}, content='{table}', content_rowid='rowid',"
        " tokenize='trigram')",
        f"CREATE TRIGGER {fts}_ins AFTER INSERT ON {table} BEGIN {new} END",
        f"CREATE TRIGGER {fts}_del AFTER DELETE ON {table} BEGIN {old} END",
        f"CREATE TRIGGER {fts}_upd AFTER UPDATE OF {a}, {b} ON {table} BEGIN {old} {new} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def _sqlite_teardown(table: str, a: str, b: str) -> list[str]:
    fts = f"{table}_search"
    return [*(f"DROP TRIGGER IF EXISTS {fts}_{t}" for t in ("ins", "del", "upd")), f"DROP TABLE IF EXISTS {fts}"]


def _postgres_setup(table: str, a: str, b: str) -> list[str]:
    return [f"CREATE INDEX {table}_{c}_trgm ON {table} USING gin ((UPPER({c}::text)) gin_trgm_ops)" for c in (a, b)]


def _postgres_teardown(table: str, a: str, b: str) -> list[str]:
    return [f"DROP INDEX IF EXISTS {table}_{c}_trgm" for c in (a, b)]


# Trusted since PostgreSQL 13: the database's owner may create it.
PG_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
FORWARD = {"sqlite": _sqlite_setup, "postgresql": _postgres_setup}
BACKWARD = {"sqlite": _sqlite_teardown, "postgresql": _postgres_teardown}


def _run(builders, *, first: tuple[str, ...] = ()):
    def run(apps, schema_editor):
        build = builders.get(schema_editor.connection.vendor)
        if build is None:
            return
        statements = [s for s in first if schema_editor.connection.vendor == "postgresql"]
        for table, columns in SEARCHED.items():
            statements += build(table, *columns)
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("sandbox", "0002_attendee_covering_index")]

    operations = [migrations.RunPython(_run(FORWARD, first=(PG_EXTENSION,)), _run(BACKWARD))]
