from django.db.models import Model

from sandbox.errors import not_found


def lock(model: type[Model], pk: str, what: str):
    """Re-read a row under a row lock; gone since it was looked up means 404.

    Call inside transaction.atomic: the lock lasts until the transaction ends.
    """
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise not_found(what) from None
