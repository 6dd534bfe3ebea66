"""What the demo data is made of: kinds of event, their titles, venues and
ticket types, and the people who buy the tickets.

Plain data, kept apart from the generator in `seed.py` so that one reads as
an algorithm and this one as a casting sheet. Everything here is fictional.
Buyer emails use the reserved example.* domains (RFC 2606) on purpose: the
sandbox really sends confirmation emails on resend, and a demo must never
mail a stranger.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class TicketTemplate:
    name: str
    price_range: tuple[int, int]  # cents, inclusive, drawn in steps of 500
    popularity: int  # relative share of sales: cheap seats sell more


@dataclass(frozen=True)
class EventKind:
    name: str
    start_hour: int
    start_minute: int
    duration_hours: int
    ticket_types: tuple[TicketTemplate, ...]  # the first two are always offered
    titles: tuple[str, ...]
    blurb: str


T = TicketTemplate

KINDS: tuple[EventKind, ...] = (
    EventKind(
        "concert",
        20,
        0,
        3,
        (
            T("General Admission", (3500, 6500), 60),
            T("Balcony", (4500, 8000), 25),
            T("Early Bird", (2500, 4000), 30),
            T("VIP Meet & Greet", (12000, 20000), 5),
        ),
        (
            "The Lanterns — Night Swim Tour",
            "Marisol Vega & the Tidewater Band",
            "Copper Canyon Live",
            "An Evening with Theo Blackwood",
            "Northern Static: Album Launch",
            "The Velvet Hours Reunion Show",
        ),
        "A full-length live set with support from local openers. Doors open one hour before the show.",
    ),
    EventKind(
        "theatre",
        19,
        30,
        3,
        (
            T("Stalls", (4500, 7500), 50),
            T("Dress Circle", (3500, 6000), 35),
            T("Upper Circle", (2000, 3500), 30),
            T("Box Seat", (9000, 14000), 5),
        ),
        (
            "A Midsummer Night's Dream",
            "The Importance of Being Earnest",
            "Uncle Vanya",
            "Pygmalion",
            "The Seagull",
            "Twelfth Night",
        ),
        "A new staging by the Riverside Players. Running time about two and a half hours with one interval.",
    ),
    EventKind(
        "comedy",
        21,
        0,
        2,
        (
            T("General Admission", (2000, 3000), 70),
            T("Front Row", (3500, 4500), 15),
            T("Late Show", (1500, 2500), 25),
        ),
        (
            "Priya Sundaram: No Notes",
            "Laugh Factory Friday Showcase",
            "Dan Okafor Works It Out",
            "The Improv Hour",
        ),
        "Stand-up for grown-ups. Strong language; recommended for ages 16 and over.",
    ),
    EventKind(
        "conference",
        9,
        0,
        32,
        (
            T("Standard", (29500, 49500), 50),
            T("Early Bird", (19500, 29500), 30),
            T("Student", (5000, 9500), 15),
            T("Workshop Pass", (9500, 15000), 10),
        ),
        (
            "Northwind Developer Summit",
            "Future of Cities Forum",
            "Open Data Day",
            "Small Business Growth Expo",
            "DesignOps Conference",
        ),
        "Two days of talks, workshops and hallway track. Lunch and coffee included.",
    ),
    EventKind(
        "festival",
        12,
        0,
        58,
        (
            T("Day Pass", (5500, 8500), 55),
            T("Weekend Pass", (12500, 18500), 35),
            T("VIP Weekend", (25000, 35000), 5),
            T("Child (under 12)", (1000, 2000), 10),
        ),
        (
            "Harbour Lights Jazz Festival",
            "Summer Food & Wine Fair",
            "Greenfield Folk Weekend",
            "Riverside Arts Festival",
        ),
        "Three stages, food trucks and late sets all weekend. Rain or shine.",
    ),
    EventKind(
        "workshop",
        18,
        30,
        2,
        (
            T("General", (2500, 4500), 60),
            T("Member", (1500, 3000), 30),
            T("Student", (1000, 1500), 15),
        ),
        (
            "Intro to Sourdough Baking",
            "Night Sky Photography Walk",
            "Wine Tasting: Old World Reds",
            "Pottery Wheel Basics",
        ),
        "Small group, hands-on, all materials provided.",
    ),
)

VENUES: tuple[str, ...] = (
    "Orpheum Theatre, Portland",
    "Riverside Hall, Austin",
    "The Foundry, Pittsburgh",
    "Civic Auditorium, Sacramento",
    "Harborview Convention Center, Seattle",
    "The Blue Room, Chicago",
    "Greenfield Park Amphitheater, Denver",
    "Hotel Meridian Ballroom, Boston",
    "Lakeside Pavilion, Minneapolis",
    "Old Mill Arts Centre, Asheville",
    "The Warehouse, Detroit",
    "Sunset Terrace, San Diego",
)


@dataclass(frozen=True)
class Abroad:
    """A night of the tour abroad, sold in the local currency and shown in the local time zone."""

    venue: str
    currency: str
    timezone: str
    per_usd_cent: tuple[int, int]  # a price in the catalogue's US cents becomes this ratio of minor units


# Every third event of the demo plays abroad, in this order: so `make run` shows euros, pounds and
# yen (no minor units) beside dollars, and each language and currency can be tried on a fresh clone.
ABROAD: tuple[Abroad, ...] = (
    Abroad("Konzerthaus, Berlin", "EUR", "Europe/Berlin", (1, 1)),
    Abroad("Roundhouse, London", "GBP", "Europe/London", (4, 5)),
    Abroad("Blue Note, Tokyo", "JPY", "Asia/Tokyo", (3, 2)),
    Abroad("Paradiso, Amsterdam", "EUR", "Europe/Amsterdam", (1, 1)),
)

FIRST_NAMES: tuple[str, ...] = (
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Mateo",
    "Sophia",
    "Lucas",
    "Isabella",
    "Ethan",
    "Mia",
    "James",
    "Amelia",
    "Benjamin",
    "Harper",
    "Elijah",
    "Aisha",
    "Omar",
    "Chloe",
    "Daniel",
    "Priya",
    "Arjun",
    "Mei",
    "Wei",
    "Yuki",
    "Hiroshi",
    "Fatima",
    "Yusuf",
    "Sofia",
    "Diego",
    "Grace",
    "Samuel",
    "Zoe",
    "Nathan",
    "Leila",
    "Kwame",
    "Amara",
    "Chidi",
    "Ingrid",
    "Lars",
    "Camille",
    "Hugo",
    "Elena",
    "Marco",
    "Hannah",
    "Jonas",
    "Nadia",
    "Ivan",
    "Rosa",
    "Tomás",
)

LAST_NAMES: tuple[str, ...] = (
    "Smith",
    "Johnson",
    "Garcia",
    "Martinez",
    "Brown",
    "Nguyen",
    "Patel",
    "Kim",
    "Lee",
    "Walker",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Moore",
    "Okafor",
    "Mensah",
    "Tanaka",
    "Sato",
    "Chen",
    "Wang",
    "Singh",
    "Sharma",
    "Haddad",
    "Khan",
    "Rossi",
    "Bianchi",
    "Müller",
    "Schmidt",
    "Dubois",
    "Laurent",
    "Novak",
    "Kowalski",
    "Johansson",
    "Nielsen",
    "O'Brien",
    "Murphy",
    "Costa",
    "Silva",
    "Cohen",
    "Levi",
    "Ivanova",
    "Petrov",
    "Reyes",
    "Cruz",
    "Baker",
    "Clarke",
    "Evans",
    "Wright",
)

EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net")

FULL_REFUND_REASONS: tuple[str, ...] = (
    "Customer request",
    "Duplicate order",
    "Customer can no longer attend",
    "Bought tickets for the wrong date",
)
PARTIAL_REFUND_REASONS: tuple[str, ...] = (
    "One guest can no longer attend",
    "Booking fee waived as a goodwill gesture",
    "Partial view seat: goodwill refund",
    "Show started late: goodwill refund",
)
CANCELLED_REFUND_REASON = "Event cancelled"
