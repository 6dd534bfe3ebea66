"""An event's orders as CSV or XLSX, with totals, refunds and status, and a totals row.

Orders arrive a page at a time (services.order_iter) and are written as
they arrive, so memory holds one page whatever the event sold:

- CSV streams to the browser line by line (web.spreadsheets.csv_stream).
- XLSX is a zip whose directory is written last, so it cannot go out
  before the last row is in. XlsxWriter in `constant_memory` mode writes
  each row to a temporary file as soon as the next begins, with strings
  inline (no shared-strings table, which grows with every distinct name
  and email); the finished file is then sent from disk. openpyxl's
  write-only mode was the other candidate: it still keeps every distinct
  string in memory, and has had no release since 2024.
  Building first has one upside: BrightStar failing mid-way is an error
  page, not half a workbook.

Emails of every buyer leave the building here: orders staff only (VIEW_ORDERS).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO
from zoneinfo import ZoneInfo

import xlsxwriter
from django.http import FileResponse, Http404, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from boxoffice.brightstar import errors
from boxoffice.brightstar.resources import Event, Order
from boxoffice.events.services import event_get, ticket_type_list
from boxoffice.money import exponent
from boxoffice.orders import services
from boxoffice.orders.forms import OrderFiltersForm
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import VIEW_ORDERS
from boxoffice.web.http import HtmxHttpRequest
from boxoffice.web.spreadsheets import cell, csv_stream, local_time, started, units

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOTAL_LABEL = "Total"


def header(zone: str) -> list[str]:
    return [
        "order id",
        f"placed at ({zone})",
        "buyer name",
        "buyer email",
        "status",
        "tickets",
        "ticket types",
        "currency",
        "total",
        "refunded",
        "net",
    ]


# Where the figures sit (0-based), for the totals row and the workbook's number formats.
TICKETS, TOTAL, REFUNDED, NET = 5, 8, 9, 10


@dataclass
class Totals:
    orders: int = 0
    tickets: int = 0
    total: int = 0
    refunded: int = 0

    def add(self, order: Order) -> None:
        self.orders += 1
        self.tickets += _tickets(order)
        self.total += order.total
        self.refunded += order.amount_refunded


def _tickets(order: Order) -> int:
    return sum(item.quantity for item in order.items)


def _types(order: Order, names: dict[str, str]) -> str:
    return "; ".join(f"{item.quantity} x {names.get(item.ticket_type_id, item.ticket_type_id)}" for item in order.items)


# --- CSV ------------------------------------------------------------------------------


def _csv_rows(orders: Iterator[Order], names: dict[str, str], event: Event) -> Iterator[list[str]]:
    totals = Totals()
    money = event.currency
    for order in orders:
        totals.add(order)
        yield [
            order.id,
            local_time(order.created_at, event.timezone),
            cell(order.buyer_name),
            cell(order.buyer_email),
            order.status,
            str(_tickets(order)),
            cell(_types(order, names)),
            order.currency,
            str(units(order.total, order.currency)),
            str(units(order.amount_refunded, order.currency)),
            str(units(order.total - order.amount_refunded, order.currency)),
        ]
    # Written only once every page arrived: an export cut short ends on its error line, never on a wrong total.
    yield [
        f"{TOTAL_LABEL} ({totals.orders} orders)",
        "",
        "",
        "",
        "",
        str(totals.tickets),
        "",
        money,
        str(units(totals.total, money)),
        str(units(totals.refunded, money)),
        str(units(totals.total - totals.refunded, money)),
    ]


# --- XLSX -----------------------------------------------------------------------------


def write_xlsx(target: IO[bytes], orders: Iterator[Order], names: dict[str, str], event: Event) -> Totals:
    """The workbook, one row per order as it arrives, then the totals row (SUM formulas)."""
    zone = ZoneInfo(event.timezone)
    places = exponent(event.currency)
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
    try:
        bold = book.add_format({"bold": True})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        amount = "#,##0." + "0" * places if places else "#,##0"
        money = book.add_format({"num_format": amount})
        money_bold = book.add_format({"num_format": amount, "bold": True})
        sheet = book.add_worksheet("Orders")
        sheet.freeze_panes(1, 0)
        for column, width in ((0, 18), (1, 20), (2, 24), (3, 30), (4, 18), (6, 30)):
            sheet.set_column(column, column, width)
        sheet.set_column(TOTAL, NET, 12, money)
        for column, title in enumerate(header(event.timezone)):
            sheet.write_string(0, column, title, bold)
        totals = Totals()
        row = 0
        for order in orders:
            row += 1
            totals.add(order)
            # write_string, never write(): write() takes "=…" for a formula, a buyer's name included.
            sheet.write_string(row, 0, order.id)
            if order.created_at:
                sheet.write_datetime(row, 1, order.created_at.astimezone(zone).replace(tzinfo=None), when)
            sheet.write_string(row, 2, order.buyer_name)
            sheet.write_string(row, 3, order.buyer_email)
            sheet.write_string(row, 4, order.status)
            sheet.write_number(row, TICKETS, _tickets(order))
            sheet.write_string(row, 6, _types(order, names))
            sheet.write_string(row, 7, order.currency)
            sheet.write_number(row, TOTAL, float(units(order.total, order.currency)), money)
            sheet.write_number(row, REFUNDED, float(units(order.amount_refunded, order.currency)), money)
            sheet.write_number(row, NET, float(units(order.total - order.amount_refunded, order.currency)), money)
        last = row + 1
        row += 1
        sheet.write_string(row, 0, f"{TOTAL_LABEL} ({totals.orders} orders)", bold)
        sheet.write_string(row, 7, event.currency, bold)
        # Formulas, so deleting a row in Excel moves the total; the value is stored too, for apps that never calculate.
        for column, value, fmt in (
            (TICKETS, totals.tickets, bold),
            (TOTAL, float(units(totals.total, event.currency)), money_bold),
            (REFUNDED, float(units(totals.refunded, event.currency)), money_bold),
            (NET, float(units(totals.total - totals.refunded, event.currency)), money_bold),
        ):
            letter = xlsxwriter.utility.xl_col_to_name(column)
            formula = f"=SUM({letter}2:{letter}{last})" if last > 1 else "=0"
            sheet.write_formula(row, column, formula, fmt, value)
    finally:
        book.close()
    return totals


# --- the view ---------------------------------------------------------------------------


@require_GET
@requires(VIEW_ORDERS)
def export(request: HtmxHttpRequest, event_id: str, fmt: str) -> HttpResponseBase:
    """The event's orders under the list's filters, as `fmt` (csv or xlsx)."""
    try:
        event = event_get(event_id=event_id)
    except errors.NotFound:
        raise Http404("No such event") from None
    form = OrderFiltersForm(request.GET)
    if not form.is_valid():  # the list explains what is wrong with the filters
        return redirect(reverse("orders:event_orders", args=[event_id]) + "?" + request.GET.urlencode())
    names = {t.id: t.name for t in ticket_type_list(event_id=event_id)}
    orders = started(services.order_iter(event_id=event_id, **form.values()))
    filename = f"orders-{event_id}-{timezone.localtime().strftime('%Y%m%d-%H%M')}.{fmt}"
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_stream(header(event.timezone), _csv_rows(orders, names, event)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        # On disk, not in memory, and gone once closed.
        spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it, after the last byte
        try:
            write_xlsx(spool, orders, names, event)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        response = FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response["Cache-Control"] = "no-store"  # buyers' names and emails: not for a shared cache
    return response
