"""`migrate` that sets up every database, not just `default`.

The project keeps the sandbox's tables in a database of their own (see
sandbox/dbrouter.py). A newcomer should not have to know that: plain
`python manage.py migrate` migrates `default`, then `sandbox`. An explicit
`--database X` still migrates X alone, which is what Django's test runner
and pytest-django ask for when they build each test database.
"""

from django.conf import settings
from django.core.management.commands import migrate


class Command(migrate.Command):
    help = "Updates the schema of every database (default, then sandbox), or of --database alone."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # None (rather than Django's "default") is how we tell "not given".
        parser.set_defaults(database=None)

    def get_check_kwargs(self, options):
        kwargs = super(migrate.Command, self).get_check_kwargs(options)
        return {**kwargs, "databases": self._databases(options)}

    def handle(self, *args, **options):
        databases = self._databases(options)
        for database in databases:
            if len(databases) > 1 and options["verbosity"] >= 1:
                self.stdout.write(self.style.MIGRATE_HEADING(f"Database {database!r}:"))
            super().handle(*args, **{**options, "database": database})

    @staticmethod
    def _databases(options) -> list[str]:
        if options["database"]:
            return [options["database"]]
        # default first: nothing in it depends on the sandbox, and Django's
        # own bookkeeping (contenttypes, auth) lives there.
        return sorted(settings.DATABASES, key=lambda alias: alias != "default")
