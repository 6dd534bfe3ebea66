"""Charts as geometry: series in, scales, ticks, paths and bars out, for the SVG templates to draw.

Pure on purpose (no Django, no API): every number a chart draws is computed
and unit-tested here, and templates/components/chart_*.html only place it.
Values are integers in their own unit (tickets, or money in minor units);
`unit` is the smallest step a tick may take (1 ticket, one whole dollar =
100 cents, one yen), so an axis never reads "$0.50" steps or half a ticket.
Labels come from callables the caller passes, so money formatting stays in
boxoffice/money.py. Coordinates are SVG user units in a fixed viewBox that
CSS scales to the container's width.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

# Room for the y labels on the left, the lines' end labels on the right, the x labels below.
WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 112, 12, 28
COLUMN_RIGHT = 16  # columns have no end labels
BAR_HEIGHT, BAR_GAP, BAR_LABEL_WIDTH, BAR_VALUE_WIDTH = 22, 10, 104, 112
# Lines are told apart by dash and marker as well as colour (see chart_line.html): four styles, then they repeat.
STYLES = 4
MAX_COLUMNS = 48
MAX_X_TICKS = 6

Label = Callable[[int], str]


def _plain(value: int) -> str:
    return f"{value:,}"


@dataclass(frozen=True, slots=True)
class Tick:
    pos: float  # along its axis, in user units
    value: int
    label: str


@dataclass(frozen=True, slots=True)
class Scale:
    """0 .. top, mapped onto a pixel range; top is a tick, so the grid ends on a labelled line."""

    top: int
    ticks: tuple[Tick, ...]

    def fraction(self, value: int) -> float:
        return min(max(value, 0), self.top) / self.top


def nice_step(maximum: int, *, unit: int = 1, count: int = 4) -> int:
    """The smallest of unit * {1, 2, 5} * 10**n that covers `maximum` in at most `count` steps."""
    if unit < 1 or count < 1:
        raise ValueError("unit and count must be positive")
    power = 1
    while True:  # integer arithmetic throughout: exact for any size of number
        for m in (1, 2, 5):
            step = unit * m * power
            if step * count >= maximum:
                return step
        power *= 10


def scale(maximum: int, *, unit: int = 1, count: int = 4, label: Label = _plain) -> Scale:
    """Ticks from 0 to the first step at or above `maximum`; never a zero-height scale."""
    maximum = max(maximum, 0)
    step = nice_step(maximum, unit=unit, count=count)
    steps = max(1, -(-maximum // step))
    top = steps * step
    return Scale(
        top=top, ticks=tuple(Tick(pos=i * step / top, value=i * step, label=label(i * step)) for i in range(steps + 1))
    )


def _placed(s: Scale, low: float, high: float) -> tuple[Tick, ...]:
    """The scale's ticks in user units between `low` (value 0) and `high` (the top)."""
    return tuple(Tick(pos=round(low + t.pos * (high - low), 2), value=t.value, label=t.label) for t in s.ticks)


# --- lines -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    style: int  # 0..STYLES-1: colour, dash and marker in the template
    path: str  # SVG path data
    points: tuple[tuple[float, float], ...]  # where the values change: markers go there
    end: tuple[float, float]
    end_label: str


@dataclass(frozen=True, slots=True)
class Plot:
    """What a chart on two axes shares: its viewBox, the plotting area inside it, and both axes' ticks."""

    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]


@dataclass(frozen=True, slots=True)
class LineChart(Plot):
    lines: tuple[Line, ...]


def _x_ticks(xs: Sequence[int], place: Callable[[int], float], label: Label) -> tuple[Tick, ...]:
    if len(xs) <= MAX_X_TICKS:
        chosen = list(xs)
    else:  # evenly spread, first and last always
        n = MAX_X_TICKS - 1
        chosen = [xs[round(i * (len(xs) - 1) / n)] for i in range(n + 1)]
    return tuple(Tick(pos=round(place(x), 2), value=x, label=label(x)) for x in chosen)


def step_lines(
    *,
    xs: Sequence[int],
    series: Sequence[tuple[str, Sequence[int]]],
    x_label: Label,
    y_label: Label = _plain,
    unit: int = 1,
) -> LineChart | None:
    """Cumulative series as step lines: each rises at its x and holds until the next (a day's sales, say).

    `xs` strictly ascending integers (e.g. day ordinals), each series one value
    per x; the axis runs one unit before the first to one after the last, so a
    single day still draws a rise from 0 and a level, not a lone dot.
    None when there is nothing to draw.
    """
    if not xs or not series:
        return None
    if any(len(values) != len(xs) for _, values in series):
        raise ValueError("each series needs one value per x")
    if list(xs) != sorted(set(xs)):
        raise ValueError("xs must be strictly ascending")
    # One x-unit (a day) either side: the lines rise from 0 on the first day and hold through the last.
    domain = (xs[0] - 1, xs[-1] + 1)
    highest = max((max(values) for _, values in series), default=0)
    y = scale(highest, unit=unit, label=y_label)
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP

    def px(x: int) -> float:
        return x0 + (x - domain[0]) / (domain[1] - domain[0]) * (x1 - x0)

    def py(value: int) -> float:
        return round(y0 - y.fraction(value) * (y0 - y1), 2)

    lines = []
    for i, (name, values) in enumerate(series):
        points = [(round(px(domain[0]), 2), py(0))]
        d = [f"M{points[0][0]},{points[0][1]}"]
        for x, value in zip(xs, values, strict=True):
            at = (round(px(x), 2), py(value))
            d.append(f"H{at[0]}V{at[1]}")
            points.append(at)
        end = (round(px(domain[1]), 2), points[-1][1])
        d.append(f"H{end[0]}")
        lines.append(
            Line(
                name=name,
                style=i % STYLES,
                path="".join(d),
                points=tuple(points[1:]),
                end=end,
                end_label=y_label(values[-1]),
            )
        )
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        left=x0,
        right=x1,
        top=y1,
        bottom=y0,
        x_ticks=_x_ticks(xs, px, x_label),
        y_ticks=_placed(y, y0, y1),
        lines=tuple(_spread_labels(lines, low=y1, high=y0)),
    )


LABEL_GAP = 13  # one line of 11-unit text, plus a little


def _spread_labels(lines: list[Line], *, low: float, high: float) -> list[Line]:
    """Move the end labels apart where lines finish at about the same height, so none overlaps."""
    order = sorted(range(len(lines)), key=lambda i: lines[i].end[1])
    placed: dict[int, float] = {}
    last = low - LABEL_GAP
    for i in order:
        at = max(lines[i].end[1], last + LABEL_GAP)
        placed[i] = at
        last = at
    overflow = last - high
    if overflow > 0:  # pushed off the bottom: shift the whole stack up
        placed = {i: at - overflow for i, at in placed.items()}
    return [replace(line, end=(line.end[0], round(placed[i], 2))) for i, line in enumerate(lines)]


# --- bars (horizontal, one per row) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    value_label: str
    kind: str  # a CSS class: what the bar is (its fill, its pattern)
    y: float
    length: float  # 0 for a zero value: the row still shows its label and "0"
    over: bool  # more than the scale's maximum: drawn full, marked


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    x: int  # where bars start
    span: int  # the length of a full bar
    value_x: int  # where the values' words start, after a full bar
    bar_height: int
    bars: tuple[Bar, ...]


def bars(
    rows: Sequence[tuple[str, int, str]], *, value_label: Label = _plain, maximum: int | None = None
) -> BarChart | None:
    """One horizontal bar per (label, value, kind), all on one scale: `maximum`, else the largest value.

    A value over `maximum` (sold past capacity, say) is drawn full and flagged
    `over`; a zero or negative value draws no bar, but keeps its row.
    """
    if not rows:
        return None
    top = maximum if maximum is not None else max(value for _, value, _ in rows)
    span = WIDTH - BAR_LABEL_WIDTH - BAR_VALUE_WIDTH
    out = []
    for i, (label, value, kind) in enumerate(rows):
        fraction = 0.0 if top <= 0 or value <= 0 else min(value / top, 1.0)
        out.append(
            Bar(
                label=label,
                value=value,
                value_label=value_label(value),
                kind=kind,
                y=i * (BAR_HEIGHT + BAR_GAP),
                length=round(fraction * span, 2),
                over=top > 0 and value > top,
            )
        )
    height = len(rows) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    return BarChart(
        width=WIDTH,
        height=height,
        x=BAR_LABEL_WIDTH,
        span=span,
        value_x=BAR_LABEL_WIDTH + span + 8,
        bar_height=BAR_HEIGHT,
        bars=tuple(out),
    )


@dataclass(frozen=True, slots=True)
class Meter:
    """A one-row bar for a table cell: value out of maximum, as a fraction of 100 units."""

    length: float
    over: bool
    empty: bool  # no maximum (zero capacity): nothing to measure against


def meter(value: int, maximum: int) -> Meter:
    if maximum <= 0:
        return Meter(length=0.0, over=value > 0, empty=True)
    return Meter(length=round(min(max(value, 0) / maximum, 1.0) * 100, 2), over=value > maximum, empty=False)


# --- columns (stacked, over time) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    kind: int  # which series: its index
    y: float
    height: float


@dataclass(frozen=True, slots=True)
class Column:
    x: float
    label: str
    values: tuple[int, ...]
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class ColumnChart(Plot):
    column_width: float
    names: tuple[str, ...]
    columns: tuple[Column, ...]


def rebin(rows: Sequence[Sequence[int]], *, most: int = MAX_COLUMNS) -> tuple[int, list[tuple[int, ...]]]:
    """Sum neighbouring rows so at most `most` are left: the factor used, and the merged rows (oldest first).

    The first bin is the short one when the rows do not divide evenly, so the
    latest bins (the ones staff watch) are whole.
    """
    if not rows:
        return 1, []
    factor = max(1, -(-len(rows) // most))
    first = len(rows) % factor or factor
    starts = [0, *range(first, len(rows), factor)]
    ends = [*starts[1:], len(rows)]
    return factor, [tuple(sum(col) for col in zip(*rows[a:b], strict=True)) for a, b in zip(starts, ends, strict=True)]


def columns(
    *, labels: Sequence[str], names: Sequence[str], values: Sequence[Sequence[int]], y_label: Label = _plain
) -> ColumnChart | None:
    """Stacked columns, one per label, each stacking its values in the order of `names`."""
    if not labels:
        return None
    if len(labels) != len(values) or any(len(v) != len(names) for v in values):
        raise ValueError("one row of values per label, one value per name")
    y = scale(max((sum(v) for v in values), default=0), label=y_label)
    x0, x1, y0, y1 = LEFT, WIDTH - COLUMN_RIGHT, HEIGHT - BOTTOM, TOP
    slot = (x1 - x0) / len(labels)
    width = round(max(slot * 0.8, 0.5), 2)
    out = []
    for i, (label, row) in enumerate(zip(labels, values, strict=True)):
        base = 0
        segments = []
        for kind, value in enumerate(row):
            if value > 0:
                top_at = y0 - y.fraction(base + value) * (y0 - y1)
                bottom_at = y0 - y.fraction(base) * (y0 - y1)
                segments.append(Segment(kind=kind, y=round(top_at, 2), height=round(bottom_at - top_at, 2)))
            base += value
        out.append(
            Column(
                x=round(x0 + i * slot + (slot - width) / 2, 2), label=label, values=tuple(row), segments=tuple(segments)
            )
        )
    chosen = _x_ticks(list(range(len(labels))), lambda i: x0 + (i + 0.5) * slot, lambda i: labels[i])
    return ColumnChart(
        width=WIDTH,
        height=HEIGHT,
        left=x0,
        right=x1,
        top=y1,
        bottom=y0,
        column_width=width,
        names=tuple(names),
        columns=tuple(out),
        x_ticks=chosen,
        y_ticks=_placed(y, y0, y1),
    )
