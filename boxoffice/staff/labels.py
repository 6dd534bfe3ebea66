"""Roles and capabilities in the staff member's language.

roles.py keeps the names the database and the code use (a group is called "Box office"
whatever language the page is in); this is what a page shows for them. A capability with
no entry here is shown with its English description.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boxoffice.staff.roles import BOX_OFFICE, DOOR, ORGANIZER, Capability

ROLE_LABELS = {
    DOOR: pgettext_lazy("role", "Door"),
    BOX_OFFICE: pgettext_lazy("role", "Box office"),
    ORGANIZER: pgettext_lazy("role", "Organizer"),
}

# By Capability.name: "To <this> you need the role …" (templates/403.html).
CAPABILITY_WORDS = {
    "view_events": _("see events and their ticket types"),
    "check_in": _("check attendees in at the door"),
    "view_money": _("see sales and refunded amounts"),
    "view_orders": _("look up orders"),
    "view_emails": _("see attendees' and buyers' emails"),
    "refund": _("refund orders"),
    "resend": _("resend order confirmations"),
    "manage_events": _("create and edit events and ticket types"),
    "view_audit": _("read the audit log"),
    "view_conflicts": _("see offline check-ins BrightStar refused"),
    "view_doors": _("see the doors overview"),
}


def role_labels(roles) -> list[str]:
    """The roles as staff read them, in the active language, in the order given."""
    return [str(ROLE_LABELS.get(role, role)) for role in roles]


def capability_words(capability: Capability) -> str:
    return str(CAPABILITY_WORDS.get(capability.name, capability.description))
