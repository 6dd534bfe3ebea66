import pytest
from django.contrib.auth.models import AnonymousUser

from boxoffice.staff import roles
from boxoffice.staff.services import demo_staff_create

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

EXPECTED = {
    "door": {"view_events", "check_in"},
    "box_office": {
        "view_events",
        "check_in",
        "view_money",
        "view_orders",
        "view_emails",
        "refund",
        "resend",
        "view_conflicts",
        "view_doors",
    },
    "organizer": {c.name for c in roles.CAPABILITIES},
    "admin": {c.name for c in roles.CAPABILITIES},
    "nobody": set(),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_has_exactly_its_capabilities(staff_users, who):
    granted = {name for name, ok in roles.capabilities_of(staff_users[who]).items() if ok}
    assert granted == EXPECTED[who]


def test_anonymous_and_inactive_users_can_do_nothing(staff_users):
    assert not any(roles.capabilities_of(AnonymousUser()).values())
    organizer = staff_users["organizer"]
    organizer.is_active = False
    assert not roles.has(organizer, roles.MANAGE_EVENTS)


def test_the_migration_creates_the_three_roles():
    # The flush of transactional tests removes migration data; re-apply the migration's function to check it.
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    import_module("boxoffice.staff.migrations.0001_roles").create_roles(apps, None)
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


def test_demo_staff_passwords_are_shown_once(transactional_db):
    from django.contrib.auth.models import Group

    for name in roles.ROLES:
        Group.objects.get_or_create(name=name)
    first = demo_staff_create()
    assert all(password for _, _, password in first)
    assert {role for _, role, _ in first} == set(roles.ROLES)
    assert all(password is None for _, _, password in demo_staff_create())


def test_a_role_change_takes_effect_for_the_next_user_object(staff_users):
    from django.contrib.auth.models import Group, User

    user = User.objects.get(pk=staff_users["door"].pk)
    assert not roles.has(user, roles.REFUND)
    user.groups.add(Group.objects.get_or_create(name=roles.BOX_OFFICE)[0])
    assert roles.has(User.objects.get(pk=user.pk), roles.REFUND)
    Group.objects.get(name=roles.BOX_OFFICE).user_set.remove(user)
    assert not roles.has(User.objects.get(pk=user.pk), roles.REFUND)


def test_roles_cost_one_query_per_user_object(staff_users, django_assert_num_queries):
    from django.contrib.auth.models import User

    user = User.objects.get(pk=staff_users["organizer"].pk)
    with django_assert_num_queries(1):
        assert roles.has(user, roles.MANAGE_EVENTS)
        assert roles.capabilities_of(user)[roles.VIEW_AUDIT.name]


def test_a_user_without_a_role_or_profile_has_neither(staff_users, django_assert_num_queries):
    from django.contrib.auth.models import User

    user = User.objects.get(pk=staff_users["nobody"].pk)
    with django_assert_num_queries(1):
        assert roles.user_roles(user) == frozenset()
        assert roles.user_language(user) == ""


def test_roles_and_language_come_from_one_query(staff_users, django_assert_num_queries):
    from django.contrib.auth.models import Group, User

    from boxoffice.staff.models import StaffProfile

    user = User.objects.get(pk=staff_users["door"].pk)
    user.groups.add(
        Group.objects.get_or_create(name="Not a role")[0], Group.objects.get_or_create(name=roles.ORGANIZER)[0]
    )
    StaffProfile.objects.create(user=user, language="de")
    user = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        assert roles.user_language(user) == "de"
        assert roles.user_roles(user) == {roles.DOOR, roles.ORGANIZER}


@pytest.mark.parametrize("who", ["nobody", "door", "organizer", "inactive"])
def test_the_login_backend_reads_user_roles_and_language_in_one_query(staff_users, who, django_assert_num_queries):
    """What each request does: the session's user id in, the user out with roles and language, one query."""
    from django.contrib.auth.models import Group, User

    from boxoffice.staff.backends import StaffBackend
    from boxoffice.staff.models import StaffProfile

    user = staff_users["door" if who == "inactive" else who]
    if who == "organizer":  # two roles, a group that is no role, and a language: still one row's user
        user.groups.add(Group.objects.get_or_create(name="Not a role")[0], Group.objects.get(name=roles.DOOR))
        StaffProfile.objects.update_or_create(user=user, defaults={"language": "de"})
    if who == "inactive":
        User.objects.filter(pk=user.pk).update(is_active=False)
    with django_assert_num_queries(1):
        found = StaffBackend().get_user(str(user.pk))  # the session keeps the id as a string
        if who == "inactive":
            assert found is None
            return
        assert found.pk == user.pk and found.get_username() == user.get_username()
        assert (
            roles.user_roles(found)
            == {"nobody": set(), "door": {roles.DOOR}, "organizer": set(roles.ROLES) - {roles.BOX_OFFICE}}[who]
        )
        assert roles.user_language(found) == ("de" if who == "organizer" else "")


def test_the_login_backend_knows_no_user_it_does_not_have(transactional_db):
    from boxoffice.staff.backends import StaffBackend

    assert StaffBackend().get_user("424242") is None
