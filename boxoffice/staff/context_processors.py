from boxoffice.staff.roles import capabilities_of, role_labels, user_roles


def staff(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"can": capabilities_of(user), "staff_roles": role_labels(sorted(user_roles(user)))}
