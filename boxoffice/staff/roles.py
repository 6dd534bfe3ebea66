"""Who may do what: three roles, as Django groups, and the capabilities they grant.

Views ask for a capability (`requires(REFUND)`), never for a role, so that
what a role may do is decided here and only here. Templates get the same
answers through the `can` context variable, and so never show a button the
user cannot use.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from boxoffice.prepared import Prepared

DOOR = "Door"
BOX_OFFICE = "Box office"
ORGANIZER = "Organizer"
ROLES = (DOOR, BOX_OFFICE, ORGANIZER)


@dataclass(frozen=True)
class Capability:
    name: str
    description: str
    roles: tuple[str, ...]


VIEW_EVENTS = Capability("view_events", "see events and their ticket types", (DOOR, BOX_OFFICE, ORGANIZER))
CHECK_IN = Capability("check_in", "check attendees in at the door", (DOOR, BOX_OFFICE, ORGANIZER))
VIEW_MONEY = Capability("view_money", "see sales and refunded amounts", (BOX_OFFICE, ORGANIZER))
VIEW_ORDERS = Capability("view_orders", "look up orders", (BOX_OFFICE, ORGANIZER))
# The door needs a name and a ticket type; an email is for contacting the buyer, which is the desk's job.
VIEW_EMAILS = Capability("view_emails", "see attendees' and buyers' emails", (BOX_OFFICE, ORGANIZER))
REFUND = Capability("refund", "refund orders", (BOX_OFFICE, ORGANIZER))
RESEND = Capability("resend", "resend order confirmations", (BOX_OFFICE, ORGANIZER))
MANAGE_EVENTS = Capability("manage_events", "create and edit events and ticket types", (ORGANIZER,))
VIEW_AUDIT = Capability("view_audit", "read the audit log", (ORGANIZER,))
# Offline admissions BrightStar refused (refunded meanwhile, in another way): for whoever can settle them, not the door.
VIEW_CONFLICTS = Capability("view_conflicts", "see offline check-ins BrightStar refused", (BOX_OFFICE, ORGANIZER))
# The supervisor's view of every door; a door volunteer has their own door's page and needs no more.
VIEW_DOORS = Capability("view_doors", "see the doors overview", (BOX_OFFICE, ORGANIZER))

CAPABILITIES = (
    VIEW_EVENTS,
    CHECK_IN,
    VIEW_MONEY,
    VIEW_ORDERS,
    VIEW_EMAILS,
    REFUND,
    RESEND,
    MANAGE_EVENTS,
    VIEW_AUDIT,
    VIEW_CONFLICTS,
    VIEW_DOORS,
)


# Roles and the staff profile's language in one query, compiled once (boxoffice/prepared.py): a row per group
# (all of them: a name__in filter would turn the outer join inner and lose a user with no role). The request's
# own user arrives with them already (backends.py reads all three in its one query); this is for any other user.
_ROLES_OF = Prepared(
    lambda user_id: (
        get_user_model()._default_manager.filter(pk=user_id).values_list("groups__name", "staff_profile__language")
    ),
    user_id=-424242,
)


def remember(user, rows) -> frozenset[str]:
    """Keep on `user` the roles and language its (group name, language) rows hold: one read per user object."""
    roles = frozenset(name for name, _ in rows if name in ROLES)
    user._boxoffice_roles = roles
    user._boxoffice_language = next((language for _, language in rows if language), "")
    return roles


def _read(user) -> frozenset[str]:
    return remember(user, _ROLES_OF.rows(user_id=user.pk))


def user_roles(user) -> frozenset[str]:
    """The user's roles, read from the database once per user object, and so once per request.

    Never from Django's cache: without CACHE_URL that is a copy per worker
    process, and a role removed through one worker stayed granted on the
    others. The query costs ~0.15 ms (SQLite, measured); a removed role is
    refused at the very next request, on every worker, however it was removed.
    """
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_boxoffice_roles", None)
    return _read(user) if cached is None else cached


def user_language(user) -> str:
    """The language code on the user's staff profile ('' if none), read with their roles (one query)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if getattr(user, "_boxoffice_language", None) is None:
        _read(user)
    return user._boxoffice_language


def has(user, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(user_roles(user) & set(capability.roles))


def capabilities_of(user) -> dict[str, bool]:
    return {capability.name: has(user, capability) for capability in CAPABILITIES}
