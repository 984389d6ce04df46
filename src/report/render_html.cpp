// A sheet as one self-contained HTML page with inline CSS and SVG charts.
#include "okr/report/sheet.hpp"

#include "okr/report/table.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace okr::report {

std::string html_escape(std::string_view raw) {
    // Control characters are not allowed in HTML text even as references: show them escaped.
    std::string out;
    for (char c : escape_control(raw)) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

namespace {

constexpr const char* k_css = R"css(
:root { --ink: #1d2330; --muted: #6b7280; --line: #e5e7eb; --green: #15803d; --yellow: #b45309;
        --red: #b91c1c; --blue: #1d4ed8; --track: #eef0f3; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 2rem auto; max-width: 72rem; padding: 0 1.5rem; }
header { border-bottom: 2px solid var(--ink); margin-bottom: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
.sub { color: var(--muted); margin: 0 0 .75rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: .8rem; text-transform: uppercase;
     letter-spacing: .03em; border-bottom: 1px solid var(--line); padding: .35rem .5rem; }
td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; vertical-align: middle;
     white-space: nowrap; }
td.num, td.bar { text-align: right; }
.scroll { overflow-x: auto; max-width: 100%; }
td.title, td.prose, td.ref { white-space: normal; }
td.ref .id { white-space: nowrap; }
td.title { min-width: 16rem; width: 100%; }
td.prose { min-width: 12rem; }
td.bar { text-align: left; }
.key { display: inline-block; width: 1.6rem; height: 0; border-top: 2px solid var(--blue); margin: 0 .35rem .2rem .8rem; }
.key.k1 { border-color: #9ca3af; } .key.k2 { border-color: var(--yellow); } .key.dashed { border-top-style: dashed; }
.key.bound { border-top: 1px dashed var(--red); }
tr.objective td, tr.root td { font-weight: 600; background: #f8fafc; }
tr.dropped td { color: var(--muted); text-decoration: line-through; }
.bar { vertical-align: middle; margin-right: .4rem; }
.bar .track { fill: var(--track); }
.fill-green { fill: var(--green); } .fill-yellow { fill: var(--yellow); } .fill-red { fill: var(--red); }
.spark polyline { fill: none; stroke: var(--blue); stroke-width: 1.5; }
.st { font-size: .8rem; font-weight: 600; padding: .1rem .45rem; border-radius: .6rem; white-space: nowrap;
      background: var(--track); }
.st-on-track, .st-ok, .st-green, .st-delivered { color: var(--green); background: #dcfce7; }
.st-at-risk, .st-warn, .st-yellow, .st-in-progress { color: var(--yellow); background: #fef3c7; }
.st-off-track, .st-breach, .st-red, .st-missed, .st-unresolved { color: var(--red); background: #fee2e2; }
.st-done { color: var(--blue); background: #dbeafe; }
p.note { margin: .4rem 0; padding-left: .75rem; border-left: 3px solid var(--line); }
figure { margin: 1rem 0; }
figcaption { color: var(--muted); font-size: .85rem; }
.chart text { font-size: 11px; fill: var(--muted); }
.chart .axis { stroke: #9ca3af; stroke-width: 1; }
.chart .s0 { stroke: var(--blue); } .chart .s1 { stroke: #9ca3af; } .chart .s2 { stroke: var(--yellow); }
.chart polyline { fill: none; stroke-width: 2; }
.chart .dashed { stroke-dasharray: 5 4; }
.chart circle { fill: var(--blue); }
.chart .bound { stroke: var(--red); stroke-width: 1; stroke-dasharray: 2 3; }
footer { color: var(--muted); font-size: .8rem; margin-top: 2rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  section, figure, tr { break-inside: avoid; }
  tr.objective td, tr.root td { background: none; }
}
)css";

const char* band_class(double fraction) {
    return fraction >= 0.7 ? "fill-green" : fraction >= 0.4 ? "fill-yellow" : "fill-red";
}

std::string svg_bar(double fraction) {
    const double f = std::clamp(std::isfinite(fraction) ? fraction : 0.0, 0.0, 1.0);
    return fmt::format(
        R"(<svg class="bar" width="96" height="10" viewBox="0 0 96 10" role="img" aria-label="{}">)"
        R"(<rect class="track" width="96" height="10" rx="2"/>)"
        R"(<rect class="{}" width="{:.1f}" height="10" rx="2"/></svg>)",
        format_percent(fraction), band_class(f), 96 * f);
}

std::string svg_spark(const std::vector<double>& values) {
    if (values.empty()) return "";
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const double span = *hi - *lo;
    std::string points;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double x = values.size() == 1 ? 40
                                            : 2 + 76.0 * static_cast<double>(i) /
                                                      static_cast<double>(values.size() - 1);
        const double y = span > 0 ? 18 - 16 * (values[i] - *lo) / span : 10;
        points += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", x, y);
    }
    return fmt::format(
        R"(<svg class="spark" width="80" height="20" viewBox="0 0 80 20" role="img" aria-label="trend">)"
        R"(<polyline points="{}"/></svg>)",
        points);
}

std::string css_token(std::string_view text) {
    std::string out;
    for (char c : text)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '-';
    return out;
}

// An escaped reference with a break opportunity after each `/` and `.`, and none inside an id
// (not at its `-`): `growth/<wbr/>eco.<wbr/>kr`, each part in a span that does not wrap.
std::string ref_breaks(const std::string& ref) {
    std::string out = "<span class=\"id\">";
    for (char c : ref) {
        out += c;
        if (c == '/' || c == '.') out += "</span><wbr/><span class=\"id\">";
    }
    return out + "</span>";
}

// Columns of prose, which wrap in the page rather than widen the table.
bool prose_column(std::string_view key) {
    return key == "note" || key == "notes" || key == "detail" || key == "text" ||
           key == "command" || key == "outcome";
}

std::string html_cell(const SheetCell& cell) {
    switch (cell.kind) {
    case CellKind::bar:
        return cell.number ? svg_bar(*cell.number) + html_escape(cell.text) : "-";
    case CellKind::spark:
        return svg_spark(cell.series);
    case CellKind::status:
        return cell.text.empty() || cell.text == "-"
                   ? html_escape(cell.text)
                   : fmt::format(R"(<span class="st st-{}">{}</span>)", css_token(cell.text),
                                 html_escape(cell.text));
    default:
        return html_escape(cell.text);
    }
}

std::string svg_chart(const Chart& chart) {
    constexpr double W = 640, H = 220, L = 56, R = 16, T = 12, B = 28;
    const auto range = value_range(chart);
    if (!range) return "";
    auto [lo, hi] = *range;
    const double pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
    const double days = std::max(1, chart.to - chart.from);
    auto x = [&](Date d) {
        return L + (W - L - R) * std::clamp((d - chart.from) / days, 0.0, 1.0);
    };
    auto y = [&](double v) { return T + (H - T - B) * (1 - (v - lo) / (hi - lo)); };
    std::string svg = fmt::format(
        R"(<svg class="chart" width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img" aria-label="{2}">)",
        W, H, html_escape(chart.title));
    svg += fmt::format(
        R"(<line class="axis" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/><line class="axis" x1="{0}" y1="{2}" x2="{3}" y2="{2}"/>)",
        L, T, H - B, W - R);
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", L - 6, T + 8,
                       html_escape(axis_label(chart, hi - pad, true)));
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", L - 6, H - B,
                       html_escape(axis_label(chart, lo + pad, false)));
    svg += fmt::format(R"(<text x="{}" y="{}">{}</text>)", L, H - 8, chart.from.iso());
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", W - R, H - 8,
                       chart.to.iso());
    for (const auto& [label, v] : chart.bounds)
        svg += fmt::format(
            R"(<line class="bound" x1="{0}" y1="{1:.1f}" x2="{2}" y2="{1:.1f}"/><text x="{3}" y="{4:.1f}">{5}</text>)",
            L, y(v), W - R, L + 4, y(v) - 3, html_escape(label));
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const auto& s = chart.series[i];
        std::string points;
        for (const auto& [d, v] : s.points)
            points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", x(d), y(v));
        svg += fmt::format(R"(<polyline class="s{}{}" points="{}"><title>{}</title></polyline>)",
                           std::min<std::size_t>(i, 2), s.dashed ? " dashed" : "", points,
                           html_escape(s.label));
        if (s.markers)
            for (const auto& [d, v] : s.points)
                svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3"/>)", x(d), y(v));
    }
    return svg + "</svg>";
}

} // namespace

void render_html(const Sheet& sheet, std::string& out, const Spill& spill) {
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
    out += "<title>" + html_escape(sheet.title) + "</title>\n<style>" + k_css +
           "</style>\n</head>\n<body>\n<header>\n";
    out += "<h1>" + html_escape(sheet.title) + "</h1>\n";
    for (const auto& line : sheet.subtitle)
        out += "<p class=\"sub\">" + html_escape(line) + "</p>\n";
    out += "</header>\n";
    for (const auto& s : sheet.sections) {
        if (!in_documents(s.media)) continue;
        out += "<section>\n";
        if (!s.heading.empty() && in_documents(s.heading_media))
            out += "<h2>" + html_escape(s.heading) + "</h2>\n";
        const auto before = document_lines(s.before);
        const auto after = document_lines(s.after);
        for (const auto& p : before)
            out += "<p class=\"note\">" + html_escape(p) + "</p>\n";
        for (const auto& c : s.charts) {
            std::string legend;
            for (std::size_t i = 0; i < c.series.size(); ++i)
                legend += fmt::format(
                    R"(<span class="key k{}{}"></span>{} )", std::min<std::size_t>(i, 2),
                    c.series[i].dashed ? " dashed" : "", html_escape(c.series[i].label));
            for (const auto& [label, v] : c.bounds)
                legend += fmt::format(R"(<span class="key bound"></span>{} {} )",
                                      html_escape(label), format_number(v));
            out += "<figure>" + svg_chart(c) + "<figcaption>" + legend + "</figcaption></figure>\n";
        }
        const auto columns = document_columns(s);
        // The table opens at its first row that documents show, so the rows are made once.
        bool rows = false;
        for_each_row(
            s,
            [&](const SheetRow& row) {
                if (columns.empty() || !in_documents(row.media)) return;
                if (!rows) {
                    // A wide table scrolls in its own box, so the page fits the window.
                    out += "<div class=\"scroll\">\n<table>\n<thead><tr>";
                    for (std::size_t i : columns)
                        out += "<th>" + html_escape(s.columns[i].header) + "</th>";
                    out += "</tr></thead>\n<tbody>\n";
                    rows = true;
                }
                out += "<tr class=\"" + css_token(row.kind) + "\">";
                bool first = true;
                for (std::size_t i : columns) {
                    const SheetCell empty;
                    const SheetCell& cell = i < row.cells.size() ? row.cells[i] : empty;
                    // Titles wrap and take the width the other cells leave: every other cell (a
                    // ref, an owner, a unit, a number, a date, a status) stays on one line, as
                    // narrow as it is; notes and details wrap too.
                    const SheetColumn& c = s.columns[i];
                    const bool text = cell.kind == CellKind::text;
                    out += "<td";
                    out += cell.kind == CellKind::bar                ? " class=\"bar\""
                           : numeric(cell.kind)                      ? " class=\"num\""
                           : text && (c.shrinks || c.key == "title") ? " class=\"title\""
                           : text && prose_column(c.key)             ? " class=\"prose\""
                           : text && c.key == "ref"                  ? " class=\"ref\""
                                                                     : "";
                    if (first && row.depth > 0)
                        out += fmt::format(" style=\"padding-left:{:.1f}rem\"",
                                           0.5 + 1.25 * row.depth);
                    first = false;
                    out += ">";
                    // A long ref may break after its namespace or objective, never inside an id.
                    out += text && c.key == "ref" ? ref_breaks(html_escape(cell.text))
                                                  : html_cell(cell);
                    out += "</td>";
                }
                out += "</tr>\n";
                spill_window(out, spill);
            },
            k_row_window, Media::documents);
        if (rows) {
            out += "</tbody>\n</table>\n</div>\n";
        } else if (before.empty() && after.empty() && s.charts.empty()) {
            out += "<p class=\"sub\">None.</p>\n";
        }
        for (const auto& p : after)
            out += "<p class=\"note\">" + html_escape(p) + "</p>\n";
        out += "</section>\n";
    }
    out += "<footer>Generated by okr.</footer>\n</body>\n</html>\n";
}

std::string render_html(const Sheet& sheet) {
    std::string out;
    render_html(sheet, out, {});
    return out;
}

} // namespace okr::report
