from django.core.validators import validate_slug

from sandbox.models import Account


def account_get_or_create(*, slug: str) -> tuple[Account, bool]:
    """The account with this slug, created (named after it) if it is new.

    Raises ValidationError for a slug that is not one: it ends up in URLs and
    log lines, and SlugField does not check on save.
    """
    validate_slug(slug)
    return Account.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").replace("_", " ").title()})
