"""The geometry of the scorer page's chart: stacked daily bars and an overturn-rate line.

Pure: numbers in, coordinates and labels out (in the active language), drawn as inline SVG
by the template. No chart library, no JavaScript, nothing the Content-Security-Policy would
refuse.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Bottom to top in each day's stack.
KINDS = ("published", "held", "spam")
WIDTH, HEIGHT = 720, 300
# Room for the count labels on the left, the rate labels on the right and the dates below.
LEFT, RIGHT, TOP, BOTTOM = 52, 56, 30, 44
LABEL_GAP = 6  # between an axis and its labels
BAR_SHARE = 0.7  # of a day's slot; the rest is the gap between days
RATE_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class Day:
    day: date
    published: int
    held: int
    spam: int
    overturned: int

    @property
    def decided(self) -> int:
        """Automatic decisions a moderator can overturn: the scorer published or marked spam."""
        return self.published + self.spam

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.decided if self.decided else None

    @property
    def overturn_percent(self) -> str:
        rate = self.overturn_rate
        return "" if rate is None else percent_shown(rate)


@dataclass(frozen=True)
class Bar:
    kind: str
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Tick:
    at: float  # y for the vertical axes, x for the dates
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    count_label_x: float
    rate_label_x: float
    day_label_y: float
    axis_title_y: float
    bars: list[Bar]
    count_ticks: list[Tick]
    rate_ticks: list[Tick]
    day_ticks: list[Tick]
    # The line breaks on days with nothing to overturn: a rate of no decisions is no rate.
    line_segments: list[str]
    points: list[Point]


def percent_shown(ratio: float, decimals: int = 1) -> str:
    """A share as a percentage in the active language: "12.5%", "12,5 %"."""
    number = number_format(round(ratio * 100, decimals), decimals)
    return _("%(number)s%%") % {"number": number}


def nice_ceiling(value: int) -> tuple[int, int]:
    """The top of the count axis and its step: 1, 2 or 5 times a power of ten, with at most
    five steps from zero to a top no lower than `value`."""
    if value <= 0:
        return 1, 1
    magnitude = 1
    while True:
        for multiple in (1, 2, 5):
            step = multiple * magnitude
            if value <= 5 * step:
                return step * math.ceil(value / step), step
        magnitude *= 10


def chart_build(days: Sequence[Day], *, label_every: int = 7) -> Chart:
    """Bars, axes and the rate line for these consecutive days, in SVG user units."""
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    plot_width, plot_height = right - LEFT, bottom - TOP
    slot = plot_width / max(len(days), 1)
    top_count, step = nice_ceiling(max((d.published + d.held + d.spam for d in days), default=0))

    def count_y(count: float) -> float:
        return bottom - count / top_count * plot_height

    def rate_y(rate: float) -> float:
        return bottom - rate * plot_height

    bars, points, segments, current = [], [], [], []
    for index, day in enumerate(days):
        x = LEFT + index * slot
        stacked = 0
        for kind in KINDS:
            count = getattr(day, kind)
            if count:
                bars.append(
                    Bar(
                        kind=kind,
                        x=_r(x + slot * (1 - BAR_SHARE) / 2),
                        y=_r(count_y(stacked + count)),
                        width=_r(slot * BAR_SHARE),
                        height=_r(count / top_count * plot_height),
                        label=_bar_label(day.day, kind, count),
                    )
                )
            stacked += count
        rate = day.overturn_rate
        if rate is None:
            if current:
                segments.append(current)
            current = []
            continue
        point = Point(
            x=_r(x + slot / 2),
            y=_r(rate_y(rate)),
            label=_("%(day)s: %(overturned)s of %(decided)s overturned")
            % {"day": _day_label(day.day), "overturned": day.overturned, "decided": day.decided},
        )
        points.append(point)
        current.append(point)
    if current:
        segments.append(current)
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        count_label_x=LEFT - LABEL_GAP,
        rate_label_x=right + LABEL_GAP,
        day_label_y=bottom + LABEL_GAP + 12,
        axis_title_y=TOP - LABEL_GAP - 8,
        bars=bars,
        count_ticks=[
            Tick(_r(count_y(count)), str(count)) for count in range(0, top_count + 1, step)
        ],
        rate_ticks=[Tick(_r(rate_y(rate)), percent_shown(rate, 0)) for rate in RATE_TICKS],
        day_ticks=[
            Tick(_r(LEFT + index * slot + slot / 2), _day_label(day.day))
            for index, day in enumerate(days)
            if (len(days) - 1 - index) % label_every == 0
        ],
        line_segments=[" ".join(f"{p.x},{p.y}" for p in segment) for segment in segments],
        points=points,
    )


def _day_label(day: date) -> str:
    return date_format(day, "j M")


def _bar_label(day: date, kind: str, count: int) -> str:
    """What one part of a day's bar counts: "1 Mar: 2 published"."""
    said = {
        "published": ngettext(
            "%(day)s: %(count)s published", "%(day)s: %(count)s published", count
        ),
        "held": ngettext("%(day)s: %(count)s held", "%(day)s: %(count)s held", count),
        "spam": ngettext("%(day)s: %(count)s spam", "%(day)s: %(count)s spam", count),
    }[kind]
    return said % {"day": _day_label(day), "count": count}


def _r(value: float) -> float:
    return round(value, 2)
