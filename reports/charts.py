"""The reports' two charts, drawn here as inline SVG: no JavaScript, nothing from elsewhere, and
only presentation attributes (no style attribute or element), which the CSP allows.

Hand-written because the Python chart libraries that emit SVG (pygal, matplotlib) put a
<style> element or style attributes in it, which this site's CSP blocks, and pygal adds
scripts for its tooltips. Each chart is an image with a title and a text summary as its
accessible name and description; the page shows the same numbers as a table beside it.
Colours contrast at least 4.5:1 with the white background, and every series also differs by
pattern (solid, hatched, dotted) or by line dash and marker shape.
"""

import math

from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 64
INK = "#1a1a1a"
GRID = "#767676"
# (colour, fill pattern, line dash, marker) per series.
SERIES = [
    ("#1f4e79", "solid", "", "circle"),
    ("#9c4300", "hatch", "6 4", "square"),
    ("#2d6a2e", "dots", "2 3", "diamond"),
    ("#6b2d86", "cross", "10 3 2 3", "triangle"),
]


GRID_STEPS = 4


def _join(parts):
    return format_html_join("", "{}", ((part,) for part in parts))


def _series_style(index):
    return SERIES[index % len(SERIES)]


def _nice_ceiling(value):
    """A round top for the axis: 1, 2, 2.5 or 5 times a power of ten, at least `value`."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _number(value):
    return f"{value:g}"


def _patterns(prefix, count):
    parts = []
    for index in range(count):
        colour, pattern, _dash, _marker = _series_style(index)
        if pattern == "solid":
            continue
        mark = format_html(
            {
                "hatch": '<line x1="0" y1="0" x2="0" y2="8" stroke="{}" stroke-width="2"/>',
                "dots": '<circle cx="4" cy="4" r="1.5" fill="{}"/>',
                "cross": '<path d="M0 4H8M4 0V8" stroke="{}" stroke-width="1.5"/>',
            }[pattern],
            "#ffffff",
        )
        parts.append(
            format_html(
                '<pattern id="{}-{}" width="8" height="8" patternUnits="userSpaceOnUse"{}>'
                '<rect width="8" height="8" fill="{}"/>{}</pattern>',
                prefix,
                index,
                format_html(' patternTransform="{}"', "rotate(45)") if pattern == "hatch" else "",
                colour,
                mark,
            )
        )
    return format_html("<defs>{}</defs>", _join(parts)) if parts else ""


def _fill(prefix, index):
    colour, pattern, _dash, _marker = _series_style(index)
    return colour if pattern == "solid" else f"url(#{prefix}-{index})"


def _marker(shape, x, y, colour):
    if shape == "circle":
        return format_html('<circle cx="{}" cy="{}" r="4" fill="{}"/>', x, y, colour)
    if shape == "square":
        return format_html('<rect x="{}" y="{}" width="8" height="8" fill="{}"/>', x - 4, y - 4, colour)
    if shape == "diamond":
        return format_html('<path d="M{} {}l5 5l-5 5l-5 -5z" fill="{}"/>', x, y - 5, colour)
    return format_html('<path d="M{} {}l5 9h-10z" fill="{}"/>', x, y - 5, colour)


def _frame(prefix, title, summary, top, unit, labels, body, legend):
    """The chart's box: accessible name and description, the y grid, x labels, the legend."""
    plot_height = HEIGHT - TOP - BOTTOM
    grid = []
    for step in range(GRID_STEPS + 1):
        value = top * step / GRID_STEPS
        y = TOP + plot_height - plot_height * step / GRID_STEPS
        grid.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{}</text>',
                LEFT,
                y,
                WIDTH - RIGHT,
                y,
                GRID,
                "1" if step == 0 else "0.5",
                LEFT - 6,
                y + 4,
                INK,
                _number(value),
            )  # fmt: skip
        )
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    every = max(1, math.ceil(len(labels) / 8))
    x_labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">{}</text>',
        ((LEFT + slot * (index + 0.5), HEIGHT - BOTTOM + 16, INK, label) for index, label in enumerate(labels)
         if index % every == 0),
    )  # fmt: skip
    unit_label = format_html('<text x="{}" y="{}" font-size="12" fill="{}">{}</text>', 4, TOP - 12, INK, unit)
    legend_items = []
    x = LEFT
    for swatch, name in legend:
        legend_items.append(
            format_html(
                '<g transform="translate({} {})">{}<text x="22" y="12" font-size="12" fill="{}">{}</text></g>',
                x,
                HEIGHT - 24,
                swatch,
                INK,
                name,
            )  # fmt: skip
        )
        x += 34 + 7 * len(str(name))
    return format_html(
        '<svg class="report-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'focusable="false" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}'
        '<rect width="{}" height="{}" fill="#ffffff"/>{}{}{}{}{}</svg>',
        WIDTH, HEIGHT, prefix, prefix, prefix, title, prefix, summary, _patterns(prefix, len(legend)),
        WIDTH, HEIGHT, _join(grid), unit_label, body, x_labels, _join(legend_items),
    )  # fmt: skip


def stacked_bars(prefix, title, summary, unit, labels, series):
    """A bar per label, stacked from the series [(name, values)], first series at the bottom."""
    totals = [sum(values[index] for _name, values in series) for index in range(len(labels))]
    # Counts: the four grid steps are whole numbers ("6.25 requests" means nothing).
    top = GRID_STEPS * max(1, math.ceil(max(totals, default=0) / GRID_STEPS))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    bar = slot * 0.7
    bars = []
    for index in range(len(labels)):
        base = TOP + plot_height
        x = LEFT + slot * index + (slot - bar) / 2
        for number, (_name, values) in enumerate(series):
            height = plot_height * values[index] / top
            if height:
                base -= height
                # A white edge between segments, so stacked pieces stay apart without colour.
                bars.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff"/>',
                        round(x, 1),
                        round(base, 1),
                        round(bar, 1),
                        round(height, 1),
                        _fill(prefix, number),
                    )  # fmt: skip
                )
    legend = [
        (format_html('<rect width="16" height="16" fill="{}"/>', _fill(prefix, number)), name)
        for number, (name, _values) in enumerate(series)
    ]
    return _frame(prefix, title, summary, top, unit, labels, _join(bars), legend)


def lines(prefix, title, summary, unit, labels, series):
    """A line per series [(name, values)]; a value of None leaves a gap (a week with no data)."""
    top = _nice_ceiling(max((value for _name, values in series for value in values if value is not None), default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    drawn = []
    legend = []
    for number, (name, values) in enumerate(series):
        colour, _pattern, dash, marker = _series_style(number)
        segments, current = [], []
        for index, value in enumerate(values):
            if value is None:
                segments.append(current)
                current = []
            else:
                current.append((LEFT + slot * (index + 0.5), TOP + plot_height - plot_height * value / top))
        segments.append(current)
        for segment in segments:
            if len(segment) > 1:
                drawn.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"{}/>',
                        " ".join(f"{x:.1f},{y:.1f}" for x, y in segment),
                        colour,
                        format_html(' stroke-dasharray="{}"', dash) if dash else "",
                    )
                )
        drawn.extend(_marker(marker, round(x, 1), round(y, 1), colour) for segment in segments for x, y in segment)
        swatch = format_html(
            '<line x1="0" y1="8" x2="16" y2="8" stroke="{}" stroke-width="2.5"{}/>{}',
            colour,
            format_html(' stroke-dasharray="{}"', dash) if dash else "",
            _marker(marker, 8, 8, colour),
        )
        legend.append((swatch, name))
    return _frame(prefix, title, summary, top, unit, labels, _join(drawn), legend)
