"""The event page's pictures, from one stats answer: what each chart shows, and the table that says the same.

boxoffice/web/charts.py does the geometry; this module decides what goes in
(cumulative sales per ticket type, money against a full house, arrivals per
bin once doors open) and writes the tables screen readers get instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext, pgettext

from boxoffice.brightstar.resources import Event, EventStats, ScanBucket
from boxoffice.money import format_amount
from boxoffice.web import charts

# Doors usually open a while before the start: arrivals are asked for from then (the API keeps at most 72 hours).
DOORS_BEFORE = timedelta(hours=3)
MAX_HOURS = 72
BUCKET = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Table:
    """A chart's figures as a table: the screen reader's version, and anyone's who wants the numbers."""

    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    summary: str  # one sentence: the SVG's <title>, what the picture says at a glance
    geometry: charts.LineChart | charts.BarChart | charts.ColumnChart
    table: Table


@dataclass(frozen=True, slots=True)
class EventCharts:
    sold: Chart | None  # None: nothing sold yet
    money: Chart | None
    arrivals: Chart | None  # None: no scans in the window
    arrivals_note: str  # why there is no arrivals chart, when there is none


def arrivals_hours(event: Event, now: datetime) -> int:
    """How far back the stats' 5-minute buckets should go: from doors-open, 1 to 72 hours."""
    since = now - (event.start_date - DOORS_BEFORE)
    return min(max(1, math.ceil(since / timedelta(hours=1))), MAX_HOURS)


def event_charts(*, event: Event, stats: EventStats) -> EventCharts:
    arrivals, note = _arrivals(event, stats)
    return EventCharts(sold=_sold(event, stats), money=_money(event, stats), arrivals=arrivals, arrivals_note=note)


def _day(day: date) -> str:
    # Translators: a day on a chart's axis, in Django's date format letters (German: "j. M").
    return date_format(day, pgettext("chart day", "j M"))


def count(value: int) -> str:
    """A whole number grouped as the reader's language groups it (2,000 or 2.000): for text, never SVG geometry."""
    return number_format(value, force_grouping=True)


def _sold(event: Event, stats: EventStats) -> Chart | None:
    days = [day for day in stats.sales if day.sold]
    if not days:
        return None
    types = [t for t in stats.ticket_types if any(t.id in day.by_ticket_type for day in days)]
    running = {t.id: list(accumulate(day.by_ticket_type.get(t.id, 0) for day in days)) for t in types}
    ordinals = {day.day.toordinal(): day.day for day in days}
    geometry = charts.step_lines(
        xs=list(ordinals),
        series=[(t.name, running[t.id]) for t in types],
        x_label=lambda x: _day(ordinals[x]),
        y_label=count,
    )  # no capacity line: each ticket type has its own, and the event's would flatten small sales to nothing
    assert geometry is not None  # days and types are not empty
    total = sum(day.sold for day in days)
    names = tuple(t.name for t in types)
    rows = tuple(
        (
            _day(day.day),
            *(count(running[t.id][i]) for t in types),
            count(sum(running[t.id][i] for t in types)),
        )
        for i, day in enumerate(days)
    )
    return Chart(
        title=gettext("Tickets sold over time"),
        summary=ngettext(
            "{total} ticket sold by {day}, of {capacity}, per ticket type, day by day.",
            "{total} tickets sold by {day}, of {capacity}, per ticket type, day by day.",
            total,
        ).format(total=count(total), day=_day(days[-1].day), capacity=count(stats.capacity)),
        geometry=geometry,
        table=Table(
            caption=gettext("Tickets sold so far, by day and ticket type"),
            head=(gettext("Day"), *names, gettext("All")),
            rows=rows,
        ),
    )


def _money(event: Event, stats: EventStats) -> Chart | None:
    full = sum(t.price * t.quantity for t in stats.ticket_types)
    gross = sum(day.gross for day in stats.sales)
    refunded = sum(day.refunded for day in stats.sales)
    if not full and not gross:
        return None

    def amount(cents: int) -> str:
        return format_amount(cents, event.currency)

    rows = [
        (gettext("Full house"), full, "capacity"),
        (gettext("Gross sales"), gross, "gross"),
        (gettext("Refunded"), refunded, "refunded"),
        (gettext("Net"), gross - refunded, "net"),
    ]
    geometry = charts.bars(rows, value_label=amount)
    assert geometry is not None
    said = {"gross": amount(gross), "refunded": amount(refunded), "net": amount(gross - refunded)}
    if full:
        summary = gettext("Gross sales {gross} ({share} of a full house), {refunded} refunded, net {net}.").format(
            share=f"{round(100 * gross / full)}%", **said
        )
    else:
        summary = gettext("Gross sales {gross}, {refunded} refunded, net {net}.").format(**said)
    return Chart(
        title=gettext("Revenue and refunds against capacity"),
        summary=summary,
        geometry=geometry,
        table=Table(
            caption=gettext("Revenue and refunds against a full house (every ticket sold at its price)"),
            head=("", gettext("Amount")),
            rows=tuple((label, amount(value)) for label, value, _ in rows),
        ),
    )


def _arrivals(event: Event, stats: EventStats) -> tuple[Chart | None, str]:
    chart = arrivals_chart(buckets=stats.buckets, zone=event.timezone)
    if chart is not None:
        return chart, ""
    if stats.checked_in:  # scanned, but before the window the page asked for (doors-open, at most 72 h back)
        hours = len(stats.buckets) * BUCKET // timedelta(hours=1)
        return None, ngettext(
            "No scans in the last hour: arrivals are charted from then.",
            "No scans in the last {hours} hours: arrivals are charted from then.",
            hours,
        ).format(hours=hours)
    return None, gettext("No arrivals yet: the chart starts with the first scan at the door.")


def arrivals_chart(*, buckets: Sequence[ScanBucket], zone: str) -> Chart | None:
    """Admitted and refused scans per bin, from the first bucket with a scan; None when no bucket has one.

    The event page and the doors overview draw the same picture from their stats answers.
    """
    first = next((i for i, b in enumerate(buckets) if b.admitted or b.refused), None)
    if first is None:
        return None
    buckets = buckets[first:]
    factor, rows = charts.rebin([(b.admitted, b.refused) for b in buckets])
    tz = ZoneInfo(zone)
    # As charts.rebin cuts them: the first bin may be the short one, the others `factor` buckets each.
    short = len(buckets) % factor or factor
    starts = [buckets[0].start, *(buckets[j].start for j in range(short, len(buckets), factor))]
    width = BUCKET * factor
    labels = [f"{start.astimezone(tz):%H:%M}" for start in starts]
    geometry = charts.columns(
        labels=labels, names=(gettext("Admitted"), gettext("Refused")), values=rows, y_label=count
    )
    assert geometry is not None
    admitted = sum(a for a, _ in rows)
    refused = sum(r for _, r in rows)
    minutes = int(width.total_seconds() // 60)
    return Chart(
        title=gettext("Arrivals over time"),
        summary=gettext("{admitted} admitted and {refused} refused since {start}, per {minutes} minutes.").format(
            admitted=count(admitted), refused=count(refused), start=labels[0], minutes=minutes
        ),
        geometry=geometry,
        table=Table(
            caption=gettext("Scans per {minutes} minutes ({zone})").format(minutes=minutes, zone=zone),
            head=(gettext("From"), gettext("Admitted"), gettext("Refused")),
            rows=tuple((label, count(a), count(r)) for label, (a, r) in zip(labels, rows, strict=True)),
        ),
    )
