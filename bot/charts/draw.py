"""Drawing the charts: matplotlib's object-oriented API on the Agg canvas (no pyplot, no GUI).

Called from a worker thread (asyncio.to_thread) so the event loop never waits on a drawing;
one figure at a time, because matplotlib's global state (fonts, rcParams) is not thread-safe.
Every chart is a phone-sized PNG of WIDTH x HEIGHT pixels with large type (a chat shows it at
about a third of its size). The layout is placed in pixels, measuring only the labels whose
width depends on the language: a layout engine would double the drawing time.
Colours are Okabe–Ito's, told apart also by hatching, line style and marker, so the charts
read for colour-blind people and in grayscale.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

import matplotlib
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from bot.charts import texts
from bot.charts.rules import (
    GROUPS,
    AttendanceNumbers,
    FeedbackNumbers,
    GoalNumbers,
    ProgramNumbers,
)
from bot.models import Group
from bot.schedule import Schedule
from bot.storage.goals import STATUSES
from bot.viewer import Viewer

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

WIDTH, HEIGHT, DPI = 960, 1200, 120  # pixels; under Telegram's 1280, so never scaled down
PAD = 20  # pixels around the edges
INK, GRID, TRACK = "#222222", "#BBBBBB", "#EBEBEB"
ON_TIME, LATE = "#0072B2", "#E69F00"  # blue (dark in grayscale), orange hatched (light)
CORE, WIDER = "#0072B2", "#D55E00"  # solid line with circles, dashed line with squares
STATUS_STYLE = {  # face colour, hatch
    "done": ("#009E73", ""),
    "in_progress": ("#56B4E9", "//"),
    "not_started": ("#FFFFFF", ""),
    "dropped": ("#999999", "xx"),
}
ACHIEVED = "#009E73"
RATING_STYLE = {  # 1 (poor) to 5 (excellent): face colour, hatch
    1: ("#D55E00", "xx"),
    2: ("#E69F00", "//"),
    3: ("#F0E442", ""),
    4: ("#56B4E9", "\\\\"),
    5: ("#0072B2", ""),
}
HALO = {"facecolor": "white", "edgecolor": "none", "pad": 1, "alpha": 0.85}  # behind figures
STYLE: dict[RcKeyType, Any] = {
    "font.size": 15, "axes.titlesize": 16, "axes.titleweight": "bold", "axes.labelsize": 15,
    "xtick.labelsize": 14, "ytick.labelsize": 14, "legend.fontsize": 15,
    "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": INK,
    "text.color": INK, "axes.labelcolor": INK, "xtick.color": INK, "ytick.color": INK,
    "hatch.linewidth": 1.5, "hatch.color": INK, "legend.frameon": False,
    "axes.titlelocation": "left", "axes.titlepad": 8,
}

_LOCK = threading.Lock()


@contextmanager
def _canvas() -> Iterator[Figure]:
    with _LOCK, matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
        FigureCanvasAgg(fig)
        yield fig


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def _width(fig: Figure, labels: Sequence[str], size: float, weight: str = "normal") -> float:
    """The widest of these labels, in pixels, as drawn on this figure."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    widest = 0.0
    for label in labels:
        text = fig.text(0, 0, label, fontsize=size, weight=weight)
        widest = max(widest, text.get_window_extent(renderer).width)
        text.remove()
    return widest


def _rect(left: float, bottom: float, width: float, height: float
          ) -> tuple[float, float, float, float]:
    """Pixels (from the bottom left) to figure fractions, for add_axes."""
    return left / WIDTH, bottom / HEIGHT, width / WIDTH, height / HEIGHT


def _header(fig: Figure, title: str, subtitle: str, legend: Sequence[Artist] = ()) -> float:
    """Title, subtitle (wrapped for long translations) and legend on top; returns the pixel
    height left below them."""
    y = HEIGHT - PAD
    lines = textwrap.wrap(title, 40)
    fig.text(PAD / WIDTH, y / HEIGHT, "\n".join(lines), ha="left", va="top", fontsize=21,
             weight="bold")
    y -= 42 * len(lines) + 6
    lines = textwrap.wrap(subtitle, 66)
    fig.text(PAD / WIDTH, y / HEIGHT, "\n".join(lines), ha="left", va="top", fontsize=14)
    y -= 28 * len(lines) + 8
    if legend:
        fig.legend(handles=list(legend), loc="upper left", ncols=len(legend),
                   bbox_to_anchor=((PAD - 8) / WIDTH, y / HEIGHT), handlelength=2.4,
                   columnspacing=1.4, borderaxespad=0)
        y -= 42
    return y


def _percent_axis(v: Viewer, axis: Callable[[FuncFormatter], None]) -> None:
    axis(FuncFormatter(lambda x, _pos: texts.pct(v, x)))


# attendance per session and country --------------------------------------------------------


def attendance_png(v: Viewer, schedule: Schedule, n: AttendanceNumbers) -> bytes:
    labels = texts.attendance_labels(v)
    count = len(n.countries)
    cols = 1 if count == 1 else 2
    rows = -(-count // cols)
    with _canvas() as fig:
        legend = [Patch(facecolor=ON_TIME, edgecolor=INK, label=labels["on_time"]),
                  Patch(facecolor=LATE, edgecolor=INK, hatch="//", label=labels["late"])]
        top = _header(fig, labels["title"], labels["subtitle"], legend) - 40  # panel titles
        left = PAD + _width(fig, [texts.pct(v, 1.0)], 14) + 12
        bottom, gap_y, gap_x = 80, 100, 24
        width = (WIDTH - PAD - left - gap_x * (cols - 1)) / cols
        height = (top - bottom - gap_y * (rows - 1)) / rows
        positions = list(range(len(n.sessions)))
        first: Axes | None = None
        for i, code in enumerate(n.countries):
            row, col = divmod(i, cols)
            ax = fig.add_axes(_rect(left + col * (width + gap_x),
                                    top - (row + 1) * height - row * gap_y, width, height),
                              sharex=first, sharey=first)
            first = first or ax
            on_time, late = [], []
            for s in n.sessions:
                t = n.tally(s.number, code)
                on_time.append(t.present / t.expected if t.expected else 0.0)
                late.append(t.late / t.expected if t.expected else 0.0)
            ax.bar(positions, on_time, width=0.75, color=ON_TIME, edgecolor=INK, linewidth=0.6)
            ax.bar(positions, late, width=0.75, bottom=on_time, color=LATE, hatch="//",
                   edgecolor=INK, linewidth=0.6)
            if cols == 1:  # room for the figures above the bars
                for x, a, b in zip(positions, on_time, late, strict=True):
                    ax.annotate(texts.pct(v, a + b), (x, a + b), textcoords="offset points",
                                xytext=(0, 4), ha="center", fontsize=12, weight="bold")
            title = f"{texts.place(v, schedule, code)} · {texts.pct(v, n.overall(code).rate)}"
            wide = _width(fig, [title], 16, "bold")  # long names shrink to fit their panel
            room = width + (gap_x if col < cols - 1 else PAD) - 8
            ax.set_title(title, fontsize=16 * min(1.0, room / wide))
            ax.set_ylim(0, 1.08 if cols == 1 else 1.0)
            ax.yaxis.set_major_locator(
                FixedLocator([0, 0.25, 0.5, 0.75, 1.0] if cols == 1 else [0, 0.5, 1.0]))
            _percent_axis(v, ax.yaxis.set_major_formatter)
            ax.tick_params(axis="y", labelleft=col == 0)
            ax.grid(axis="y", color=GRID, linewidth=0.8)
            ax.set_axisbelow(True)
            ax.set_xticks(positions, [str(s.number) for s in n.sessions])
            ax.set_xlim(-0.6, len(positions) - 0.4)
            if row == rows - 1 or i + cols >= count:
                ax.set_xlabel(labels["session"])
        return _png(fig)


# the program so far -----------------------------------------------------------------------


def program_png(v: Viewer, schedule: Schedule, n: ProgramNumbers) -> bytes:
    labels = texts.program_labels(v)
    styles: dict[Group, tuple[str, Literal["-", "--"], str]] = {
        "core": (CORE, "-", "o"), "wider": (WIDER, "--", "s")}
    with _canvas() as fig:
        legend = [Line2D([], [], color=colour, linestyle=line, linewidth=3, marker=marker,
                         markersize=10, markeredgecolor=INK, label=labels[group])
                  for group, (colour, line, marker) in styles.items()]
        top = _header(fig, labels["title"], labels["subtitle"], legend) - 10
        left = PAD + _width(fig, [texts.pct(v, 1.0)], 14) + 12
        bottom = 110
        ax = fig.add_axes(_rect(left, bottom, WIDTH - PAD - left, top - bottom))
        index = {s.number: i for i, s in enumerate(n.sessions)}
        points = {g: {index[s.number]: t.rate or 0.0 for s, t in n.series(g)} for g in GROUPS}
        for group, (colour, line, marker) in styles.items():
            mine, other = points[group], points["wider" if group == "core" else "core"]
            if not mine:
                continue
            ax.plot(list(mine), list(mine.values()), color=colour, linestyle=line, linewidth=3,
                    marker=marker, markersize=10, markeredgecolor=INK)
            for x, y in mine.items():
                # The higher point of a session gets its figure above, the lower one below.
                below = x in other and (y, group == "wider") < (other[x], group == "core")
                ax.annotate(texts.pct(v, y), (x, y), textcoords="offset points",
                            xytext=(0, -26 if below else 12), ha="center", fontsize=12,
                            color=colour, weight="bold", bbox=HALO)
        ax.set_ylim(0, 1.1)
        ax.yaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
        _percent_axis(v, ax.yaxis.set_major_formatter)
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        ax.set_xlim(-0.6, max(len(n.sessions) - 0.4, 2.4))
        ax.set_xticks(list(index.values()),
                      [f"{s.number}\n{texts.numeric_date(v, s.start)}" for s in n.sessions],
                      fontsize=12)
        ax.set_xlabel(labels["axis"])
        return _png(fig)


# goals -------------------------------------------------------------------------------------


def goals_png(v: Viewer, schedule: Schedule, n: GoalNumbers) -> bytes:
    labels = texts.goals_labels(v)
    names = [texts.place(v, schedule, c) for c in n.countries]  # one line each, never wrapped
    slots = max(len(names), 3)  # one country still gets a slim bar
    ys = list(range(len(names)))
    with _canvas() as fig:
        top = _header(fig, labels["title"], labels["subtitle"])
        label_size = 14.0
        while label_size > 10 and _width(fig, names, label_size) > 300:  # long names: smaller
            label_size -= 1
        left = PAD + _width(fig, names, label_size) + 14
        width = WIDTH - PAD - 24 - left  # room for half of the last tick label ("100 %")
        # Above each panel: its title (and the status legend, two rows); below: tick labels.
        above = [44, 84, 44][:3 if n.reviewed else 2]  # the status legend: a row of its own
        bottom, below = 40, 40
        height = (top - bottom - sum(above) - below * (len(above) - 1)) / len(above)
        axes = []
        y = top
        for space in above:
            y -= space + height
            axes.append(fig.add_axes(_rect(left, y, width, height)))
            y -= below

        steps = axes[0]
        shares = [n.per_country[c].steps_share for c in n.countries]
        steps.barh(ys, [1.0] * len(ys), height=0.6, color=TRACK)
        steps.barh(ys, [s or 0.0 for s in shares], height=0.6, color=ON_TIME, edgecolor=INK,
                   linewidth=0.6)
        for y_, code, share in zip(ys, n.countries, shares, strict=True):
            g = n.per_country[code]
            text = (f"{texts.pct(v, share)} ({g.steps_done}/{g.steps_total})" if share is not None
                    else labels["no_steps"])
            _bar_label(steps, y_, share, text)
        _share_axis(v, steps, names, slots, labels["steps"], label_size)

        statuses = axes[1]
        start = [0] * len(ys)
        for status in STATUSES:
            counts = [n.per_country[c].statuses[status] for c in n.countries]
            colour, hatch = STATUS_STYLE[status]
            statuses.barh(ys, counts, left=start, height=0.6, color=colour, hatch=hatch,
                          edgecolor=INK, linewidth=0.8)
            for y_, x0, count in zip(ys, start, counts, strict=True):
                if count:
                    statuses.text(x0 + count / 2, y_, str(count), ha="center", va="center",
                                  fontsize=13, weight="bold", bbox=HALO)
            start = [a + b for a, b in zip(start, counts, strict=True)]
        _bars_axis(statuses, names, slots, labels["statuses"], label_size)
        statuses.set_xlim(0, max([*start, 1]) * 1.05)
        statuses.xaxis.set_major_locator(MaxNLocator(integer=True))
        # The legend on one row of its own above the panel's title, from the left edge: it
        # never crowds the title, whatever the language.
        box = statuses.get_position()
        fig.legend(
            handles=[Patch(facecolor=STATUS_STYLE[s][0], hatch=STATUS_STYLE[s][1],
                           edgecolor=INK, label=labels[s]) for s in STATUSES],
            loc="lower left", bbox_to_anchor=((PAD - 8) / WIDTH, box.y1 + 40 / HEIGHT),
            ncols=len(STATUSES), fontsize=13, handlelength=1.4, columnspacing=1.0,
            borderaxespad=0)

        if n.reviewed:
            review = axes[2]
            achieved = [n.achieved(c) for c in n.countries]
            review.barh(ys, [1.0] * len(ys), height=0.6, color=TRACK)
            review.barh(ys, [a or 0.0 for a in achieved], height=0.6, color=ACHIEVED,
                        edgecolor=INK, linewidth=0.6)
            for y_, share in zip(ys, achieved, strict=True):
                _bar_label(review, y_, share,
                           texts.pct(v, share) if share is not None else labels["not_closed"])
            _share_axis(v, review, names, slots, labels["review"], label_size)
        return _png(fig)


def _bar_label(ax: Axes, y: float, share: float | None, text: str) -> None:
    """White inside a long bar, dark just after a short one (or on the empty track)."""
    inside = share is not None and share >= 0.3
    ax.text(0.02 if inside else (share or 0.0) + 0.02, y, text, va="center", ha="left",
            fontsize=13, weight="bold", color="white" if inside else INK)


def _bars_axis(ax: Axes, names: list[str], slots: int, title: str, size: float = 14) -> None:
    ax.set_title(title)
    ax.set_yticks(list(range(len(names))), names, fontsize=size)
    ax.set_ylim(slots - 0.5, -0.5)  # first country on top
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)


def _share_axis(v: Viewer, ax: Axes, names: list[str], slots: int, title: str,
                size: float = 14) -> None:
    _bars_axis(ax, names, slots, title, size)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_locator(FixedLocator([0, 0.5, 1.0]))
    _percent_axis(v, ax.xaxis.set_major_formatter)


# session feedback --------------------------------------------------------------------------


def feedback_png(v: Viewer, schedule: Schedule, n: FeedbackNumbers) -> bytes:
    labels = texts.feedback_labels(v)
    names = [f"{s.session.number} · {texts.numeric_date(v, s.session.start)}"
             for s in n.sessions]
    beside = [texts.feedback_beside(v, s) for s in n.sessions]
    ys = list(range(len(names)))
    with _canvas() as fig:
        legend = [Patch(facecolor=colour, hatch=hatch, edgecolor=INK, label=f"{rating} ★")
                  for rating, (colour, hatch) in RATING_STYLE.items()]
        top = _header(fig, labels["title"], labels["subtitle"], legend) - 6
        fig.text(PAD / WIDTH, top / HEIGHT, labels["axis"], ha="left", va="top", fontsize=14,
                 weight="bold")  # above the session labels
        top -= 36
        left = PAD + max(_width(fig, names, 14), 40) + 12
        right = _width(fig, beside, 13, "bold") + 16
        width = WIDTH - PAD - right - left
        # Below the sessions, all of them together (answers per rating): with a few sessions
        # the page is not half empty, with many the sessions keep the larger part.
        totals_height = max(260.0, top - 60 - 110 * len(names) - 100)
        height = top - 60 - totals_height - 100
        ax = fig.add_axes(_rect(left, top - height, width, height))
        figure = _width(fig, [texts.pct(v, 0.88)], 12, "bold") + 14  # room a figure needs
        start = [0.0] * len(ys)
        for rating, (colour, hatch) in RATING_STYLE.items():
            shares = [s.share(rating) for s in n.sessions]
            ax.barh(ys, shares, left=start, height=0.6, color=colour, hatch=hatch,
                    edgecolor=INK, linewidth=0.8)
            for y, x0, share in zip(ys, start, shares, strict=True):
                if share * width >= figure:  # the figure fits inside its part of the bar
                    ax.text(x0 + share / 2, y, texts.pct(v, share), ha="center", va="center",
                            fontsize=12, weight="bold", bbox=HALO)
            start = [a + b for a, b in zip(start, shares, strict=True)]
        for y, text in zip(ys, beside, strict=True):
            ax.text(1.02, y, text, ha="left", va="center", fontsize=13, weight="bold",
                    clip_on=False)
        _bars_axis(ax, names, max(len(names), 3), "")
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
        _percent_axis(v, ax.xaxis.set_major_formatter)
        _feedback_totals(v, fig, n, labels["totals"], totals_height)
        return _png(fig)


def _feedback_totals(v: Viewer, fig: Figure, n: FeedbackNumbers, title: str,
                     height: float) -> None:
    """Every answer together: one column per rating, its count and share above it."""
    counts = {r: sum(s.counts[r] for s in n.sessions) for r in RATING_STYLE}
    total = sum(counts.values()) or 1
    left = PAD + 60
    ax = fig.add_axes(_rect(left, 50, WIDTH - PAD - 20 - left, height - 44))
    ax.set_title(title)
    xs = list(RATING_STYLE)
    for x in xs:
        colour, hatch = RATING_STYLE[x]
        ax.bar([x], [counts[x]], width=0.6, color=colour, hatch=hatch, edgecolor=INK,
               linewidth=0.8)
        ax.text(x, counts[x], f"{v.number(counts[x])} ({texts.pct(v, counts[x] / total)})",
                ha="center", va="bottom", fontsize=13, weight="bold")
    ax.set_xticks(xs, [f"{x} ★" for x in xs])
    ax.set_ylim(0, max(counts.values() or [1]) * 1.2 or 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ax.tick_params(axis="x", length=0)
