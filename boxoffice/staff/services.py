import secrets

from django.contrib.auth.models import Group, User

from boxoffice.staff.roles import BOX_OFFICE, DOOR, ORGANIZER

DEMO_STAFF = (("door", DOOR), ("boxoffice", BOX_OFFICE), ("organizer", ORGANIZER))


def demo_staff_create() -> list[tuple[str, str, str | None]]:
    """One demo user per role; (username, role, password) with the password only when just created.

    Passwords are random and shown once: a demo left running on a shared
    network must not open with a guessable login.
    """
    created = []
    for username, role in DEMO_STAFF:
        user, is_new = User.objects.get_or_create(username=username)
        password = None
        if is_new:
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        created.append((username, role, password))
    return created
