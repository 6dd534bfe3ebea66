"""Keeps the sandbox's tables in the `sandbox` database and nothing else there."""

SANDBOX_APP = "sandbox"
SANDBOX_DB = "sandbox"


class SandboxRouter:
    def _db_for(self, model):
        return SANDBOX_DB if model._meta.app_label == SANDBOX_APP else "default"

    def db_for_read(self, model, **hints):
        return self._db_for(model)

    def db_for_write(self, model, **hints):
        return self._db_for(model)

    def allow_relation(self, obj1, obj2, **hints):
        # Instances, not type(obj): request.user is a SimpleLazyObject, whose
        # type has no _meta but which proxies the wrapped user's.
        return self._db_for(obj1) == self._db_for(obj2)

    def allow_migrate(self, db, app_label, **hints):
        return (app_label == SANDBOX_APP) == (db == SANDBOX_DB)
