from boxoffice.staff.labels import role_labels
from boxoffice.staff.roles import capabilities_of, user_roles


def staff(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"can": capabilities_of(user), "staff_roles": role_labels(sorted(user_roles(user)))}
