from django.utils.functional import SimpleLazyObject

from boxoffice.staff.labels import role_labels
from boxoffice.staff.roles import capabilities_of, user_roles


def staff(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    # Worked out when a template first reads them: most of the door's traffic is fragments that never do.
    return {
        "can": SimpleLazyObject(lambda: capabilities_of(user)),
        "staff_roles": SimpleLazyObject(lambda: role_labels(sorted(user_roles(user)))),
    }
