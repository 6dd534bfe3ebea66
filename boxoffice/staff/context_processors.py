from boxoffice.staff.roles import capabilities_of, user_roles


def staff(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"can": capabilities_of(user), "staff_roles": sorted(user_roles(user))}
