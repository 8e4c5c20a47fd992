"""The SVG charts of the HTML and PDF reports, drawn as text: no plotting library, and the
same numbers give the same bytes."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from sopgen.conformance.engine import INFO_KINDS, KIND_LABELS
from sopgen.conformance.report.words import angka, persen

_GOOD, _FAIR, _BAD, _GRID, _INK, _STD, _THIN = "#2e7d32", "#f9a825", "#c62828", "#d0d0d0", "#222", "#c62828", "#8a8a8a"


def _color(p: float | None) -> str:
    if p is None:
        return "#9e9e9e"
    return _GOOD if p >= 90 else (_FAIR if p >= 70 else _BAD)


def _t(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def percent_chart(items: list[tuple[str, float | None]], *, label_width: float = 150, width: float = 640) -> Markup:
    """Horizontal bars of percentages (0-100 %), one per item, with gridlines and values."""
    bar_h, gap, top, bottom = 16, 8, 8, 22
    plot_w = width - label_width - 60
    h = top + bottom + len(items) * (bar_h + gap)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grafik" viewBox="0 0 {_t(width)} {_t(h)}" width="{_t(width)}" height="{_t(h)}" role="img">']
    for p in range(0, 101, 25):
        x = label_width + plot_w * p / 100
        out.append(f'<line x1="{_t(x)}" y1="{top - 4}" x2="{_t(x)}" y2="{_t(h - bottom + 2)}" stroke="{_GRID}" stroke-width="0.8"/>')
        out.append(f'<text x="{_t(x)}" y="{_t(h - 6)}" font-size="9" text-anchor="middle" fill="#555">{p} %</text>')
    for i, (label, p) in enumerate(items):
        y = top + i * (bar_h + gap)
        out.append(f'<text x="{_t(label_width - 6)}" y="{_t(y + bar_h - 4)}" font-size="10" text-anchor="end" fill="{_INK}">{escape(label)}</text>')
        w = plot_w * (p or 0) / 100
        out.append(f'<rect x="{_t(label_width)}" y="{_t(y)}" width="{_t(max(w, 0.5))}" height="{bar_h}" fill="{_color(p)}" rx="2"/>')
        out.append(f'<text x="{_t(label_width + w + 4)}" y="{_t(y + bar_h - 4)}" font-size="10" fill="{_INK}">{escape(persen(p))}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def duration_chart(steps: list[dict[str, Any]], *, width: float = 640) -> Markup:
    """Per step, the durations against the standard, on one axis of 'times the standard'.

    Each row: a bar to the median, a line from the median to p90 ending in a tick, a dot at
    the maximum; the red line at 1x is the standard. A value past the axis end is drawn at the
    edge with an arrow. Numbers in minutes are written at the right."""
    label_w, text_w = 70, 190
    plot_w = width - label_w - text_w
    row_h, top, bottom = 26, 14, 24
    ratios = []
    for s in steps:
        std = s["standard_minutes"] or 0
        for key in ("median_minutes", "p90_minutes"):
            v = s.get(key)
            if v is not None and std > 0:
                ratios.append(v / std)
    limit = 2.0
    for r in ratios:
        while r > limit and limit < 5:
            limit += 1.0
    h = top + bottom + len(steps) * row_h
    x_of = lambda ratio: label_w + plot_w * min(ratio, limit) / limit  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grafik" viewBox="0 0 {_t(width)} {_t(h)}" width="{_t(width)}" height="{_t(h)}" role="img">']
    step_tick = 0.5 if limit <= 3 else 1.0
    tick = 0.0
    while tick <= limit + 1e-9:
        x = x_of(tick)
        out.append(f'<line x1="{_t(x)}" y1="{top - 6}" x2="{_t(x)}" y2="{_t(h - bottom + 2)}" stroke="{_GRID}" stroke-width="0.8"/>')
        out.append(f'<text x="{_t(x)}" y="{_t(h - 8)}" font-size="9" text-anchor="middle" fill="#555">{angka(tick)}×</text>')
        tick += step_tick
    xs = x_of(1.0)
    out.append(f'<line x1="{_t(xs)}" y1="{top - 8}" x2="{_t(xs)}" y2="{_t(h - bottom + 2)}" stroke="{_STD}" stroke-width="1.6" stroke-dasharray="4 2"/>')
    out.append(f'<text x="{_t(xs + 3)}" y="{top - 4}" font-size="9" fill="{_STD}">standar</text>')
    for i, s in enumerate(steps):
        y = top + i * row_h
        mid = y + row_h / 2
        std = s["standard_minutes"] or 0
        label = f"Langkah {s['step']}"
        out.append(f'<text x="{_t(label_w - 6)}" y="{_t(mid + 3.5)}" font-size="10" text-anchor="end" fill="{_INK}">{escape(label)}</text>')
        med, p90, mx = s.get("median_minutes"), s.get("p90_minutes"), s.get("max_minutes")
        if med is None or std <= 0:
            out.append(f'<text x="{_t(label_w + 4)}" y="{_t(mid + 3.5)}" font-size="9" fill="#777">belum ada langkah yang selesai</text>')
        else:
            color = _color(s.get("percent_within"))
            xm = x_of(med / std)
            out.append(f'<rect x="{_t(label_w)}" y="{_t(mid - 6)}" width="{_t(max(xm - label_w, 0.8))}" height="12" fill="{color}" opacity="0.85" rx="1.5"/>')
            if p90 is not None:
                xp = x_of(p90 / std)
                out.append(f'<line x1="{_t(xm)}" y1="{_t(mid)}" x2="{_t(xp)}" y2="{_t(mid)}" stroke="{_INK}" stroke-width="1.2"/>')
                out.append(f'<line x1="{_t(xp)}" y1="{_t(mid - 5)}" x2="{_t(xp)}" y2="{_t(mid + 5)}" stroke="{_INK}" stroke-width="1.2"/>')
            if mx is not None:
                r = mx / std
                xx = x_of(r)
                if r > limit:
                    out.append(f'<path d="M{_t(xx - 6)},{_t(mid - 4)} L{_t(xx)},{_t(mid)} L{_t(xx - 6)},{_t(mid + 4)}" fill="none" stroke="{_INK}" stroke-width="1.2"/>')
                else:
                    out.append(f'<circle cx="{_t(xx)}" cy="{_t(mid)}" r="2.6" fill="#fff" stroke="{_INK}" stroke-width="1.1"/>')
        info = f"{angka(med)} · {angka(p90)} · {angka(mx)} / {angka(std)}"
        out.append(f'<text x="{_t(width - text_w + 8)}" y="{_t(mid + 3.5)}" font-size="9" fill="{_INK}">{escape(info)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def kinds_chart(kinds: dict[str, int], *, width: float = 640) -> Markup:
    """Horizontal bars of finding counts per kind (violations in red, information in grey)."""
    items = [(k, n) for k, n in kinds.items() if n]
    label_w, bar_h, gap, top, bottom = 170, 14, 6, 4, 4
    plot_w = width - label_w - 70
    h = top + bottom + max(len(items), 1) * (bar_h + gap)
    biggest = max((n for _, n in items), default=1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grafik" viewBox="0 0 {_t(width)} {_t(h)}" width="{_t(width)}" height="{_t(h)}" role="img">']
    for i, (k, n) in enumerate(items):
        y = top + i * (bar_h + gap)
        color = "#9e9e9e" if k in INFO_KINDS else ("#f9a825" if k in ("invalid_row", "duplicate_row") else _BAD)
        w = plot_w * n / biggest
        out.append(f'<text x="{_t(label_w - 6)}" y="{_t(y + bar_h - 3)}" font-size="10" text-anchor="end" fill="{_INK}">{escape(KIND_LABELS[k])}</text>')
        out.append(f'<rect x="{_t(label_w)}" y="{_t(y)}" width="{_t(max(w, 0.8))}" height="{bar_h}" fill="{color}" rx="2"/>')
        out.append(f'<text x="{_t(label_w + w + 4)}" y="{_t(y + bar_h - 3)}" font-size="10" fill="{_INK}">{escape(angka(n))}</text>')
    out.append("</svg>")
    return Markup("".join(out))


# A month with far fewer rows than the others (under a quarter of the median month, and under
# 30 rows) is drawn hollow and left out of the lines: one row makes 0 % or 100 %, which says
# nothing of the month. An office whose every month is small has no thin month.
THIN_MONTH_ROWS = 30
TREND_NAMED_MONTHS = 12  # month names (and values) the trend chart's width holds


def thin_limit(months: list[dict[str, Any]]) -> float:
    """Months with fewer rows than this are thin (see THIN_MONTH_ROWS)."""
    import statistics

    return min(THIN_MONTH_ROWS, statistics.median(m["rows"] for m in months) / 4) if months else 0


def _value_label_y(month: dict[str, Any], y_of: Any, bottom: float) -> dict[str, float]:
    """Where a month's two value labels go: the higher above its point, the lower below,
    so close values never print over each other; a label that would reach the month names
    under the axis goes above its point instead, stacked over the other one."""
    keys = sorted((k for k in ("percent_compliant", "percent_within") if month[k] is not None), key=lambda k: (-month[k], k != "percent_compliant"))
    ys = {k: y_of(month[k]) for k in keys}
    out = {keys[0]: ys[keys[0]] - 7} if keys else {}
    if len(keys) == 2:
        low = keys[1]
        if ys[low] + 13 <= bottom - 2:
            out[low] = ys[low] + 13
        else:
            out[low] = ys[low] - 7
            out[keys[0]] = min(out[keys[0]], out[low] - 10)
    return out


def trend_chart(months: list[dict[str, Any]], *, width: float = 640) -> Markup:
    """Compliance (solid) and within time (dashed) per month, 0-100 %, one point a month,
    each labelled with its value; the month names under the axis (past a year: every k-th
    name, no values, which the table under the chart holds). A thin month
    (`thin_limit`) is a hollow grey point with its row count under its name, and the
    lines join the other months only."""
    from sopgen.render.html import BULAN

    left, right, top, bottom = 44, 16, 36, 44
    plot_w, plot_h = width - left - right, 150
    h = top + plot_h + bottom
    n = len(months)
    x_of = lambda i: left + (plot_w * (i + 0.5) / n)  # noqa: E731
    y_of = lambda p: top + plot_h * (1 - p / 100)  # noqa: E731
    limit = thin_limit(months)
    thin = [m["rows"] < limit for m in months]
    # A year fits with every name and value; past that they would print over each other, so
    # every `every`-th month is named and the values are left to the table under the chart.
    every = -(-n // TREND_NAMED_MONTHS)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grafik" viewBox="0 0 {_t(width)} {_t(h)}" width="{_t(width)}" height="{_t(h)}" role="img">']
    for p in range(0, 101, 25):
        y = y_of(p)
        out.append(f'<line x1="{left}" y1="{_t(y)}" x2="{_t(width - right)}" y2="{_t(y)}" stroke="{_GRID}" stroke-width="0.8"/>')
        out.append(f'<text x="{left - 6}" y="{_t(y + 3)}" font-size="9" text-anchor="end" fill="#555">{p} %</text>')
    series = (("percent_compliant", _INK, "", "kepatuhan"), ("percent_within", "#1565c0", ' stroke-dasharray="5 3"', "tepat waktu"))
    label_y = [_value_label_y(m, y_of, top + plot_h) for m in months]
    for key, color, dash, _name in series:
        points = [(x_of(i), y_of(m[key])) for i, m in enumerate(months) if m[key] is not None and not thin[i]]
        if len(points) > 1:
            d = " ".join(f"{'M' if j == 0 else 'L'}{_t(x)},{_t(y)}" for j, (x, y) in enumerate(points))
            out.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="1.8"{dash}/>')
        for i, m in enumerate(months):
            if m[key] is None:
                continue
            x, y = x_of(i), y_of(m[key])
            fill, ring, ink = ("#ffffff", _THIN, _THIN) if thin[i] else (_color(m[key]), color, color)
            out.append(f'<circle cx="{_t(x)}" cy="{_t(y)}" r="3" fill="{fill}" stroke="{ring}" stroke-width="1"/>')
            if every == 1:
                out.append(f'<text x="{_t(x)}" y="{_t(label_y[i][key])}" font-size="8.5" text-anchor="middle" fill="{ink}">{escape(persen(m[key]))}</text>')
    for i, m in enumerate(months):
        if i % every:
            continue  # a thin month not named here is named in the legend
        year, mon = m["month"].split("-")
        label = f"{BULAN[int(mon) - 1][:3]} {year}"
        out.append(f'<text x="{_t(x_of(i))}" y="{_t(top + plot_h + 14)}" font-size="9" text-anchor="middle" fill="{_INK}">{escape(label)}</text>')
        if thin[i]:
            rows = f"{angka(m['rows'])}\u00a0baris"
            out.append(f'<text x="{_t(x_of(i))}" y="{_t(top + plot_h + 25)}" font-size="8" text-anchor="middle" fill="{_THIN}">{escape(rows)}</text>')
    lx = left
    for _key, color, dash, name in series:
        out.append(f'<line x1="{_t(lx)}" y1="10" x2="{_t(lx + 22)}" y2="10" stroke="{color}" stroke-width="1.8"{dash}/>')
        out.append(f'<text x="{_t(lx + 26)}" y="13" font-size="9" fill="{_INK}">{escape(name)}</text>')
        lx += 110
    out.append("</svg>")
    return Markup("".join(out))
