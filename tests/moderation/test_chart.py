"""The geometry of the scorer page's chart: bars, axes and the overturn line."""

from datetime import date, timedelta

import pytest

from moderation import chart
from moderation.chart import Day, chart_build, nice_ceiling

START = date(2025, 3, 1)


def days(*counts) -> list[Day]:
    """Consecutive days from START, each (published, held, spam, overturned)."""
    return [Day(START + timedelta(days=n), *c) for n, c in enumerate(counts)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, (1, 1)), (1, (1, 1)), (5, (5, 1)), (6, (6, 2)), (7, (8, 2)), (23, (25, 5)),
     (99, (100, 20)), (101, (150, 50)), (1234, (1500, 500))],
)  # fmt: skip
def test_nice_ceiling_takes_at_most_five_round_steps(value, expected):
    """The count axis ends on a round number at or above the largest day, in 1-2-5 steps."""
    top, step = nice_ceiling(value)
    assert (top, step) == expected
    assert top >= value and top / step <= 5


def test_bars_stack_published_held_spam_from_the_baseline():
    """Each day's bars sit on one another, published at the bottom, and fill the axis as
    far as their counts reach."""
    built = chart_build(days((2, 1, 1, 0), (0, 0, 0, 0)))
    plot_height = built.bottom - built.top
    published, held, spam = built.bars
    assert [bar.kind for bar in built.bars] == ["published", "held", "spam"]
    assert published.y + published.height == pytest.approx(built.bottom)
    assert held.y + held.height == pytest.approx(published.y)
    assert spam.y + spam.height == pytest.approx(held.y)
    assert spam.y == pytest.approx(built.top)  # four is the top of a 0-4 axis
    assert published.height == pytest.approx(plot_height / 2)
    assert published.x == held.x == spam.x
    assert published.x + published.width < (built.left + built.right) / 2
    assert published.label == "1 Mar: 2 published"


def test_empty_days_draw_no_bars_and_keep_their_slots():
    """A day with nothing has no bar, and the next day's bar stays in its own slot."""
    built = chart_build(days((0, 0, 0, 0), (1, 0, 0, 0)))
    [bar] = built.bars
    assert bar.x > (built.left + built.right) / 2


def test_the_rate_line_breaks_on_days_with_nothing_to_overturn():
    """The line joins days with published or spam decisions, breaks where there were none
    (held comments alone give no rate), and puts 100% at the top."""
    built = chart_build(
        days((2, 0, 0, 1), (1, 0, 1, 2), (0, 3, 0, 0), (4, 0, 0, 0)),
    )
    assert len(built.line_segments) == 2
    first, second = built.line_segments
    assert len(first.split()) == 2 and len(second.split()) == 1
    half, full, zero = built.points
    assert full.y == pytest.approx(built.top) and zero.y == pytest.approx(built.bottom)
    assert half.y == pytest.approx((built.top + built.bottom) / 2)
    assert half.label == "1 Mar: 1 of 2 overturned"


def test_axes_are_labelled():
    """Counts on the left in round steps, rates on the right from 0% to 100%, and dates
    every week counting back from the last day (which is always labelled)."""
    built = chart_build(days(*[(n, 0, 0, 0) for n in range(15)]))
    assert [tick.label for tick in built.count_ticks] == ["0", "5", "10", "15"]
    assert [tick.label for tick in built.rate_ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert [tick.label for tick in built.day_ticks] == ["1 Mar", "8 Mar", "15 Mar"]
    assert built.count_ticks[0].at == built.rate_ticks[0].at == built.bottom
    assert built.count_label_x < built.left < built.right < built.rate_label_x
    assert built.day_label_y > built.bottom and built.axis_title_y < built.top


def test_everything_stays_inside_the_drawing():
    """Bars and points stay within the plot, whatever the counts."""
    built = chart_build(days(*[(n * 37 % 11, n % 3, n % 5, n % 2) for n in range(30)]))
    for bar in built.bars:
        assert built.left <= bar.x and bar.x + bar.width <= built.right
        assert built.top - 0.01 <= bar.y and bar.y + bar.height <= built.bottom + 0.01
    for point in built.points:
        assert built.top <= point.y <= built.bottom
    assert (built.width, built.height) == (chart.WIDTH, chart.HEIGHT)


def test_no_days_at_all():
    """An empty series still gives axes, and nothing else."""
    built = chart_build([])
    assert built.bars == [] and built.line_segments == [] and built.day_ticks == []
    assert [tick.label for tick in built.count_ticks] == ["0", "1"]
