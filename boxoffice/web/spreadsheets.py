"""What every export shares: files a spreadsheet opens right, whatever is in the data.

- CSV starts with a UTF-8 byte order mark: without it Excel reads the file
  as the machine's ANSI code page, and "Zoë" arrives as "ZoÃ«".
- Times are written `2031-01-14 19:30:00` in the event's time zone (the
  header names it): a form Excel reads as a date in every locale, where
  ISO 8601 with "T" and an offset stays text.
- Money is a plain decimal in currency units ("25.00", no symbol, no
  grouping), which Excel reads as a number in any locale using a point.
- A text cell that starts like a formula is defused (`cell`): a buyer named
  "=HYPERLINK(...)" stays a name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from itertools import batched
from zoneinfo import ZoneInfo

from boxoffice.brightstar import errors
from boxoffice.money import exponent
from boxoffice.web.feedback import describe

BOM = "\ufeff"
EXCEL_TIME = "%Y-%m-%d %H:%M:%S"
LINES_PER_CHUNK = 100  # one API page of rows per write to the socket, not one write per row
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """csv.writer wants a file; each write is one line to yield."""

    def write(self, value: str) -> str:
        return value


def cell(text: str) -> str:
    # A name like "=HYPERLINK(...)" must stay text when the file opens in a spreadsheet.
    return "'" + text if text[:1] in FORMULA_STARTS else text


def local_time(value: datetime | None, zone: str) -> str:
    """`value` as Excel reads a date and time, in `zone` (the event's); "" for none."""
    return value.astimezone(ZoneInfo(zone)).strftime(EXCEL_TIME) if value else ""


def units(cents: int, currency: str) -> Decimal:
    """Cents as the currency's units: 2500 USD is 25.00, 2500 JPY is 2500."""
    return Decimal(cents).scaleb(-exponent(currency))


def csv_stream(header: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """The file, a chunk of lines at a time, rows written as they arrive.

    The first chunk is the BOM and the header. A BrightStar failure after
    the download has begun is written into the file as its last line: the
    headers are gone already, and a file that ends silently short would be
    taken for the whole list.
    """
    writer = csv.writer(_Line())
    yield BOM + writer.writerow(header)
    try:
        for chunk in batched(rows, LINES_PER_CHUNK):
            yield "".join(writer.writerow(row) for row in chunk)
    except errors.BrightStarError as exc:
        yield writer.writerow([f"EXPORT INCOMPLETE: {describe(exc)}"])


def started[T](items: Iterator[T]) -> Iterator[T]:
    """`items` with its first page fetched now, before any response is sent.

    If BrightStar is down the view raises here, and the user gets the
    error page instead of a download that is only a header line.
    """
    first = next(items, None)
    return items if first is None else _chain(first, items)


def _chain[T](first: T, rest: Iterator[T]) -> Iterator[T]:
    yield first
    yield from rest
