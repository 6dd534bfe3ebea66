"""boxoffice/web/charts.py: the numbers the SVG charts draw, edge cases first."""

import itertools
import re

import pytest

from boxoffice.money import format_amount
from boxoffice.web import charts


def test_an_empty_scale_still_has_height_and_a_labelled_top():
    s = charts.scale(0)
    assert s.top == 1 and [t.value for t in s.ticks] == [0, 1]
    assert s.fraction(0) == 0 and s.fraction(5) == 1  # clamped, never a division by zero


@pytest.mark.parametrize(
    ("maximum", "step", "top"),
    [(1, 1, 1), (3, 1, 3), (7, 2, 8), (10, 5, 10), (99, 50, 100), (101, 50, 150), (4000, 1000, 4000)],
)
def test_steps_are_one_two_or_five_times_a_power_of_ten(maximum, step, top):
    s = charts.scale(maximum)
    assert s.ticks[1].value == step and s.top == top
    assert s.top >= maximum and len(s.ticks) <= 5


def test_money_ticks_fall_on_whole_units_of_the_currency():
    # 7 cents: the axis goes to $1.00, not to 7 odd cents; 7 yen: to 8 yen (JPY has no minor unit).
    usd = charts.scale(7, unit=100, label=lambda c: format_amount(c, "USD"))
    jpy = charts.scale(7, unit=1, label=lambda c: format_amount(c, "JPY"))
    assert [t.label for t in usd.ticks] == ["$0.00", "$1.00"]
    assert [t.value for t in jpy.ticks] == [0, 2, 4, 6, 8] and jpy.ticks[-1].label == "¥8"
    assert all(t.value % 100 == 0 for t in charts.scale(123_456, unit=100).ticks)


def test_huge_numbers_stay_exact():
    big = 10**18 + 1  # past a float's integer precision
    s = charts.scale(big)
    assert s.top >= big and all(isinstance(t.value, int) for t in s.ticks)
    assert s.ticks[1].value == 5 * 10**17


def test_a_single_day_of_sales_draws_a_rise_from_zero_and_a_level():
    g = charts.step_lines(xs=[738000], series=[("General", [3])], x_label=str)
    assert g is not None
    [line] = g.lines
    middle = (g.left + g.right) / 2  # the day sits between the day before and the day after
    assert line.path == f"M{g.left}.0,{g.bottom}.0H{middle}V{g.top}.0H{g.right}.0"
    assert line.points == ((middle, g.top),) and line.end == (g.right, g.top) and line.end_label == "3"
    assert [(t.pos, t.label) for t in g.x_ticks] == [(middle, "738000")]


def test_lines_end_where_the_cumulative_value_ends_and_stay_inside_the_plot():
    g = charts.step_lines(xs=[1, 2, 5], series=[("General", [1, 4, 9]), ("VIP", [0, 2, 2])], x_label=str)
    assert g is not None
    for line in g.lines:
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", line.path)]
        assert all(g.top <= n <= g.right for n in numbers)
        assert line.end[0] == g.right
    assert [p[1] for p in g.lines[0].points] == sorted((p[1] for p in g.lines[0].points), reverse=True)  # rising
    assert g.y_ticks[-1].value == 10 and g.lines[0].end[1] == pytest.approx(g.top + 0.1 * (g.bottom - g.top))
    assert [line.style for line in g.lines] == [0, 1]
    # Gaps between days are drawn to scale: day 5 is three steps after day 2.
    xs = [t.pos for t in g.x_ticks]
    assert xs[2] - xs[1] == pytest.approx(3 * (xs[1] - xs[0]), abs=0.05)  # positions are rounded to 0.01


def test_end_labels_that_would_overlap_are_moved_apart():
    g = charts.step_lines(xs=[1], series=[("A", [10]), ("B", [10]), ("C", [10])], x_label=str)
    assert g is not None
    ys = sorted(line.end[1] for line in g.lines)
    assert all(b - a >= charts.LABEL_GAP for a, b in itertools.pairwise(ys))
    assert all(g.top - charts.LABEL_GAP <= y <= g.bottom for y in ys)


def test_nothing_to_draw_is_none_and_bad_shapes_are_refused():
    assert charts.step_lines(xs=[], series=[], x_label=str) is None
    assert charts.bars([]) is None
    assert charts.columns(labels=[], names=["a"], values=[]) is None
    with pytest.raises(ValueError):
        charts.step_lines(xs=[1, 2], series=[("A", [1])], x_label=str)
    with pytest.raises(ValueError):
        charts.step_lines(xs=[2, 1], series=[("A", [1, 2])], x_label=str)


def test_bars_share_one_scale_and_zero_keeps_its_row():
    g = charts.bars([("Full house", 200, "capacity"), ("Gross", 50, "gross"), ("Refunded", 0, "refunded")])
    assert g is not None
    full, gross, refunded = g.bars
    assert full.length == g.span and gross.length == g.span / 4 and refunded.length == 0
    assert refunded.value_label == "0" and refunded.y > gross.y > full.y
    assert g.value_x > g.x + g.span


def test_a_bar_past_its_maximum_is_drawn_full_and_flagged():
    g = charts.bars([("Sold", 150, "sold")], maximum=100)
    assert g is not None and g.bars[0].length == g.span and g.bars[0].over


def test_all_zero_bars_and_zero_capacity_meters_draw_nothing():
    g = charts.bars([("Gross", 0, "gross")], maximum=0)
    assert g is not None and g.bars[0].length == 0 and not g.bars[0].over
    assert charts.meter(0, 0) == charts.Meter(length=0.0, over=False, empty=True)
    assert charts.meter(3, 0).over  # sold with no capacity at all: say so
    assert charts.meter(12, 100).length == 12.0
    assert charts.meter(250, 100) == charts.Meter(length=100.0, over=True, empty=False)
    assert charts.meter(10**18, 10**18 + 1).length == 100.0  # rounds, never exceeds


def test_rebin_keeps_every_scan_and_the_latest_bins_whole():
    rows = [(i, 1) for i in range(100)]
    factor, merged = charts.rebin(rows, most=48)
    assert factor == 3 and len(merged) == 34
    assert sum(a for a, _ in merged) == sum(range(100)) and sum(r for _, r in merged) == 100
    assert merged[0] == (0, 1)  # the one left over is the first, short bin
    assert merged[-1] == (97 + 98 + 99, 3)
    assert charts.rebin([(1, 2)] * 5, most=48) == (1, [(1, 2)] * 5)
    assert charts.rebin([]) == (1, [])


def test_columns_stack_in_order_and_skip_zero_segments():
    g = charts.columns(labels=["19:00", "19:05"], names=["Admitted", "Refused"], values=[(3, 1), (0, 0)])
    assert g is not None
    first, empty = g.columns
    admitted, refused = first.segments
    assert (admitted.kind, refused.kind) == (0, 1)
    assert admitted.y + admitted.height == g.bottom  # sits on the axis
    assert refused.y + refused.height == pytest.approx(admitted.y)  # on top of it
    assert refused.y == g.top  # 4 is the scale's top
    assert empty.segments == () and empty.x > first.x + g.column_width
    assert [t.label for t in g.x_ticks] == ["19:00", "19:05"]


def test_many_columns_get_at_most_six_labels_first_and_last_included():
    labels = [f"{i:02d}" for i in range(48)]
    g = charts.columns(labels=labels, names=["n"], values=[(1,)] * 48)
    assert g is not None
    assert len(g.x_ticks) == charts.MAX_X_TICKS
    assert (g.x_ticks[0].label, g.x_ticks[-1].label) == ("00", "47")
    assert g.columns[-1].x + g.column_width <= g.right
