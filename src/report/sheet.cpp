#include "okr/report/sheet.hpp"

#include "okr/report/table.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace okr::report {

namespace {

// Cells whose whole text is a fact: never shortened in a narrow table.
SheetCell fact(CellKind kind, std::string text, std::optional<double> number) {
    SheetCell c{kind, std::move(text), number, {}, Style::plain, 0};
    c.keep = display_width(c.text);
    return c;
}

std::string unit_suffix(const std::string& unit) {
    if (unit.empty()) return {};
    return unit == "%" ? "%" : " " + unit;
}

} // namespace

SheetCell text_cell(std::string text, Style style) {
    return {CellKind::text, std::move(text), std::nullopt, {}, style, 0};
}

SheetCell number_cell(std::optional<double> value, std::string unit) {
    if (!value) return fact(CellKind::number, "-", std::nullopt);
    SheetCell c = fact(CellKind::number, format_number(*value), tidy(*value));
    c.text += unit_suffix(unit);
    return c;
}

SheetCell score_cell(std::optional<double> score) {
    if (!score) return fact(CellKind::score, "-", std::nullopt);
    return fact(CellKind::score, format_score(*score), tidy(*score));
}

SheetCell percent_cell(std::optional<double> fraction) {
    if (!fraction) return fact(CellKind::percent, "-", std::nullopt);
    return fact(CellKind::percent, format_percent(*fraction), tidy(*fraction));
}

SheetCell points_cell(double delta_fraction) {
    SheetCell c = fact(CellKind::points, format_points(delta_fraction), tidy(delta_fraction));
    c.style = c.number > 0 ? Style::green : c.number < 0 ? Style::red : Style::dim;
    return c;
}

SheetCell change_cell(double delta) {
    const double d = tidy(delta);
    SheetCell c = fact(CellKind::number, (d > 0 ? "+" : "") + format_number(d), d);
    c.style = d == 0 ? Style::dim : Style::bold;
    return c;
}

SheetCell status_cell(std::string word) {
    return fact(CellKind::status, std::move(word), std::nullopt);
}

SheetCell date_cell(std::optional<Date> date, std::string none) {
    return fact(CellKind::date, date ? date->iso() : std::move(none), std::nullopt);
}

SheetCell milestone_cell(double value) {
    return fact(CellKind::milestone, value >= 1 ? "done" : "not done", value >= 1 ? 1.0 : 0.0);
}

SheetCell bar_cell(std::optional<double> fraction) {
    if (!fraction) return {CellKind::bar, "-", std::nullopt, {}, Style::plain, 1};
    return fact(CellKind::bar, format_percent(*fraction), tidy(*fraction));
}

SheetCell spark_cell(std::vector<double> values) {
    std::string text;
    for (std::size_t i = 0; i < values.size(); ++i)
        text += (i ? " " : "") + format_number(values[i]);
    return {CellKind::spark, std::move(text), std::nullopt, std::move(values), Style::cyan, 0};
}

SheetCell value_cell(double value, std::optional<double> target, const std::string& unit,
                     bool milestone) {
    if (milestone) return milestone_cell(value);
    if (!target) return number_cell(value, unit);
    SheetCell c =
        fact(CellKind::number, format_number(value) + " / " + format_number(*target), tidy(value));
    c.text += unit_suffix(unit);
    return c;
}

SheetCell styled(SheetCell cell, Style style) {
    cell.style = style;
    return cell;
}

SheetCell status_cell(Status s) {
    return styled(status_cell(s == Status::none ? "-" : std::string(to_string(s))), style_of(s));
}

SheetCell band_cell(Band b) {
    return styled(status_cell(b == Band::none ? "-" : std::string(to_string(b))), style_of(b));
}

SheetCell health_cell(Health h, bool stale) {
    return styled(status_cell(std::string(to_string(h)) + (stale ? " (stale)" : "")), style_of(h));
}

std::string Line::text() const {
    std::string out;
    for (const auto& s : spans)
        out += s.text;
    return out;
}

Line line(std::string text, Style style, Media media) {
    Line l;
    if (!text.empty()) l.spans.push_back({std::move(text), style});
    l.media = media;
    return l;
}

Style style_of(Status s) {
    switch (s) {
    case Status::done:
        return Style::blue;
    case Status::on_track:
        return Style::green;
    case Status::at_risk:
        return Style::yellow;
    case Status::off_track:
        return Style::red;
    case Status::dropped:
    case Status::none:
        return Style::dim;
    }
    return Style::plain;
}

Style style_of(Band b) {
    switch (b) {
    case Band::green:
        return Style::green;
    case Band::yellow:
        return Style::yellow;
    case Band::red:
        return Style::red;
    case Band::none:
        return Style::dim;
    }
    return Style::plain;
}

Style style_of(Health h) {
    switch (h) {
    case Health::ok:
        return Style::green;
    case Health::warn:
        return Style::yellow;
    case Health::breach:
        return Style::red;
    case Health::unknown:
        return Style::dim;
    }
    return Style::plain;
}

// ---- Terminal ----------------------------------------------------------------------------

namespace {

bool in_terminal(Media m) {
    return m != Media::documents;
}
bool in_documents(Media m) {
    return m != Media::terminal;
}

std::string terminal_line(const Line& l, const Look& look) {
    std::string out;
    for (const auto& s : l.spans)
        out += paint(escape_control(s.text), s.style, look.color);
    return out + "\n";
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

std::string terminal_text(const SheetCell& cell) {
    switch (cell.kind) {
    case CellKind::bar:
        return cell.number ? progress_bar(*cell.number, 10) : "";
    case CellKind::spark:
        return sparkline(cell.series);
    default:
        return escape_control(cell.text);
    }
}

} // namespace

std::string render_terminal(const Sheet& sheet, const Look& look) {
    std::string out;
    for (const auto& l : sheet.head) {
        if (!in_terminal(l.media)) continue;
        // A head line is cut to the width; its first span sets the style of the whole line.
        const Style style = l.spans.empty() ? Style::plain : l.spans.front().style;
        out += paint(truncate_to_width(escape_control(l.text()), look.width), style, look.color) +
               "\n";
    }
    for (const auto& s : sheet.sections) {
        if (!in_terminal(s.media)) continue;
        if (!s.heading.empty() && in_terminal(s.heading_media))
            out += "\n" + paint(escape_control(s.heading), Style::bold, look.color) + "\n";
        for (const auto& l : s.before)
            if (in_terminal(l.media)) out += terminal_line(l, look);
        for (const auto& c : s.charts)
            out += chart_text(c, look) + "\n";
        std::vector<std::size_t> shown;
        std::vector<Column> columns;
        for (std::size_t i = 0; i < s.columns.size(); ++i) {
            const SheetColumn& c = s.columns[i];
            if (!in_terminal(c.media)) continue;
            shown.push_back(i);
            columns.push_back({upper(c.header), c.align, c.shrinks, c.drop_rank, c.comfortable});
        }
        if (!columns.empty()) {
            if (std::none_of(s.rows.begin(), s.rows.end(),
                             [](const SheetRow& r) { return in_terminal(r.media); })) {
                if (!s.empty.empty()) out += escape_control(s.empty) + "\n";
            } else {
                Table t(std::move(columns));
                for (const auto& row : s.rows) {
                    if (!in_terminal(row.media)) continue;
                    std::vector<Cell> cells;
                    for (std::size_t i : shown) {
                        if (i >= row.cells.size()) {
                            cells.push_back({});
                            continue;
                        }
                        const SheetCell& c = row.cells[i];
                        cells.push_back({terminal_text(c), c.style, c.keep});
                    }
                    t.add_row(std::move(cells));
                }
                out += t.render(look);
            }
        }
        for (const auto& l : s.after)
            if (in_terminal(l.media)) out += terminal_line(l, look);
    }
    return out;
}

std::string render_sheet(const Sheet& sheet, std::string_view format, const Look& look) {
    if (format == "csv") return render_csv(sheet);
    if (format == "markdown") return render_markdown(sheet);
    if (format == "html") return render_html(sheet);
    return render_terminal(sheet, look);
}

// ---- CSV ---------------------------------------------------------------------------------

std::string csv_field(std::string_view raw) {
    std::string text = escape_control(raw);
    if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@'))
        text.insert(text.begin(), '\'');
    if (text.find_first_of(",\"\r\n") == std::string::npos && text.find('\'') != 0) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

namespace {

std::string csv_value(const SheetCell& cell) {
    switch (cell.kind) {
    case CellKind::number:
    case CellKind::score:
    case CellKind::percent:
    case CellKind::points:
    case CellKind::milestone:
    case CellKind::bar:
        // The number behind the fact, for spreadsheets; a negative number is data, not a formula.
        return cell.number ? fmt::format("{}", tidy(*cell.number)) : std::string();
    default:
        return csv_field(cell.text == "-" && cell.kind != CellKind::text ? "" : cell.text);
    }
}

std::string csv_row(const std::vector<std::string>& fields) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i)
        line += (i ? "," : "") + fields[i];
    return line + "\r\n";
}

} // namespace

std::string render_csv(const Sheet& sheet) {
    std::vector<std::string> columns;
    for (const auto& s : sheet.sections)
        if (in_documents(s.media))
            for (const auto& c : s.columns)
                if (in_documents(c.media) &&
                    std::find(columns.begin(), columns.end(), c.key) == columns.end())
                    columns.push_back(c.key);
    std::vector<std::string> header = {"section", "kind"};
    for (const auto& c : columns)
        header.push_back(csv_field(c));
    std::string out = csv_row(header);
    for (const auto& s : sheet.sections) {
        if (!in_documents(s.media)) continue;
        for (const auto& row : s.rows) {
            if (!in_documents(row.media)) continue;
            std::vector<std::string> fields(columns.size() + 2);
            fields[0] = csv_field(s.name.empty() ? s.heading : s.name);
            fields[1] = csv_field(row.kind);
            for (std::size_t i = 0; i < s.columns.size() && i < row.cells.size(); ++i) {
                if (!in_documents(s.columns[i].media)) continue;
                const auto at =
                    std::find(columns.begin(), columns.end(), s.columns[i].key) - columns.begin();
                fields[static_cast<std::size_t>(at) + 2] = csv_value(row.cells[i]);
            }
            out += csv_row(fields);
        }
    }
    return out;
}

// ---- Markdown ----------------------------------------------------------------------------

namespace {

std::string md_escape(std::string_view raw) {
    std::string out;
    for (char c : escape_control(raw)) {
        switch (c) {
        case '|':
            out += "\\|";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '*':
        case '_':
        case '`':
        case '[':
        case ']':
        case '\\':
            out += '\\';
            out += c;
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string md_cell(const SheetCell& cell) {
    switch (cell.kind) {
    case CellKind::bar:
        return cell.number
                   ? fmt::format("`{}` {}", progress_bar(*cell.number, 10), md_escape(cell.text))
                   : "-";
    case CellKind::spark:
        return md_escape(sparkline(cell.series));
    case CellKind::status:
        return cell.text.empty() || cell.text == "-" ? md_escape(cell.text)
                                                     : "**" + md_escape(cell.text) + "**";
    default:
        return md_escape(cell.text);
    }
}

bool numeric(CellKind k) {
    return k == CellKind::number || k == CellKind::score || k == CellKind::percent ||
           k == CellKind::points || k == CellKind::bar;
}

// The columns and lines of a section that documents show.
std::vector<std::size_t> document_columns(const Section& s) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < s.columns.size(); ++i)
        if (in_documents(s.columns[i].media)) out.push_back(i);
    return out;
}

std::vector<std::string> document_lines(const std::vector<Line>& lines) {
    std::vector<std::string> out;
    for (const auto& l : lines)
        if (in_documents(l.media) && !l.spans.empty()) out.push_back(l.text());
    return out;
}

} // namespace

std::string render_markdown(const Sheet& sheet) {
    std::string out = "# " + md_escape(sheet.title) + "\n\n";
    for (const auto& line : sheet.subtitle)
        out += md_escape(line) + "  \n";
    if (!sheet.subtitle.empty()) out += "\n";
    for (const auto& s : sheet.sections) {
        if (!in_documents(s.media)) continue;
        if (!s.heading.empty() && in_documents(s.heading_media))
            out += "## " + md_escape(s.heading) + "\n\n";
        const auto before = document_lines(s.before);
        const auto after = document_lines(s.after);
        for (const auto& p : before)
            out += md_escape(p) + "\n\n";
        const auto columns = document_columns(s);
        const bool rows = std::any_of(s.rows.begin(), s.rows.end(),
                                      [](const SheetRow& r) { return in_documents(r.media); });
        if (!columns.empty() && rows) {
            out += "|";
            for (std::size_t i : columns)
                out += " " + md_escape(s.columns[i].header) + " |";
            out += "\n|";
            for (std::size_t i : columns) {
                bool right = false;
                for (const auto& row : s.rows)
                    if (i < row.cells.size() && in_documents(row.media))
                        right = right || numeric(row.cells[i].kind);
                out += right ? " ---: |" : " --- |";
            }
            out += "\n";
            for (const auto& row : s.rows) {
                if (!in_documents(row.media)) continue;
                out += "|";
                bool first = true;
                for (std::size_t i : columns) {
                    std::string cell = i < row.cells.size() ? md_cell(row.cells[i]) : "";
                    for (int d = 0; first && d < row.depth; ++d)
                        cell = "&nbsp;&nbsp;&nbsp;" + cell;
                    first = false;
                    out += " " + cell + " |";
                }
                out += "\n";
            }
            out += "\n";
        } else if (before.empty() && after.empty()) {
            out += "_None._\n\n";
        }
        for (const auto& p : after)
            out += md_escape(p) + "\n\n";
    }
    return out;
}

std::optional<std::pair<double, double>> value_range(const Chart& chart) {
    if (chart.axis) return chart.axis;
    double lo = INFINITY, hi = -INFINITY;
    auto take = [&](double v) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    };
    for (const auto& s : chart.series)
        for (const auto& point : s.points)
            take(point.second);
    for (const auto& bound : chart.bounds)
        take(bound.second);
    if (!std::isfinite(lo)) return std::nullopt;
    if (hi - lo < 1e-9) return std::pair{lo - 1, hi + 1}; // a flat line sits in the middle
    return std::pair{lo, hi};
}

// ---- HTML --------------------------------------------------------------------------------

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
td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; vertical-align: middle; }
td.num, td.bar { text-align: right; white-space: nowrap; }
.scroll { overflow-x: auto; max-width: 100%; }
td.title { min-width: 12rem; }
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

// The label of a chart's value axis at `v`: a word where the chart names its ends.
std::string axis_label(const Chart& chart, double v, bool high) {
    const std::string& word = high ? chart.axis_words.second : chart.axis_words.first;
    return word.empty() ? format_number(v) : word;
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

std::string render_html(const Sheet& sheet) {
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
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
        const bool rows = std::any_of(s.rows.begin(), s.rows.end(),
                                      [](const SheetRow& r) { return in_documents(r.media); });
        if (!columns.empty() && rows) {
            // A wide table scrolls in its own box, so the page fits the window.
            out += "<div class=\"scroll\">\n<table>\n<thead><tr>";
            for (std::size_t i : columns)
                out += "<th>" + html_escape(s.columns[i].header) + "</th>";
            out += "</tr></thead>\n<tbody>\n";
            for (const auto& row : s.rows) {
                if (!in_documents(row.media)) continue;
                out += "<tr class=\"" + css_token(row.kind) + "\">";
                bool first = true;
                for (std::size_t i : columns) {
                    const SheetCell empty;
                    const SheetCell& cell = i < row.cells.size() ? row.cells[i] : empty;
                    std::string attrs = cell.kind == CellKind::bar ? " class=\"bar\""
                                        : numeric(cell.kind)       ? " class=\"num\""
                                        : cell.kind == CellKind::text && s.columns[i].shrinks
                                            ? " class=\"title\""
                                            : "";
                    if (first && row.depth > 0)
                        attrs += fmt::format(" style=\"padding-left:{:.1f}rem\"",
                                             0.5 + 1.25 * row.depth);
                    first = false;
                    out += "<td" + attrs + ">" + html_cell(cell) + "</td>";
                }
                out += "</tr>\n";
            }
            out += "</tbody>\n</table>\n</div>\n";
        } else if (before.empty() && after.empty() && s.charts.empty()) {
            out += "<p class=\"sub\">None.</p>\n";
        }
        for (const auto& p : after)
            out += "<p class=\"note\">" + html_escape(p) + "</p>\n";
        out += "</section>\n";
    }
    out += "<footer>Generated by okr.</footer>\n</body>\n</html>\n";
    return out;
}

std::string chart_text(const Chart& chart, const Look& look, std::size_t height) {
    constexpr std::size_t k_axis = 9;
    const std::size_t width =
        look.width > k_axis + 20 ? std::min<std::size_t>(look.width - k_axis - 1, 100) : 20;
    const auto range = value_range(chart);
    if (!range) return "  (no check-ins to chart)\n";
    const auto [lo, hi] = *range;
    const double days = std::max(1, chart.to - chart.from);
    std::vector<std::vector<std::string>> grid(height, std::vector<std::string>(width, " "));
    std::vector<std::vector<int>> rank(height, std::vector<int>(width, 0));
    auto row_of = [&](double v) {
        const double f = (v - lo) / (hi - lo);
        return height - 1 -
               static_cast<std::size_t>(
                   std::lround(std::clamp(f, 0.0, 1.0) * static_cast<double>(height - 1)));
    };
    auto col_of = [&](Date d) {
        const double f = std::clamp((d - chart.from) / days, 0.0, 1.0);
        return static_cast<std::size_t>(std::lround(f * static_cast<double>(width - 1)));
    };
    auto put = [&](std::size_t r, std::size_t c, const char* glyph, int priority) {
        if (r < height && c < width && priority >= rank[r][c]) {
            grid[r][c] = glyph;
            rank[r][c] = priority;
        }
    };
    for (const auto& [label, v] : chart.bounds)
        for (std::size_t c = 0; c < width; ++c)
            put(row_of(v), c, "─", 1);
    for (std::size_t si = 0; si < chart.series.size(); ++si) {
        const auto& s = chart.series[si];
        const char* line = s.dashed ? (si == 1 ? "·" : "┄") : "•";
        const int prio = s.dashed ? 2 : 3;
        for (std::size_t p = 0; p + 1 < s.points.size(); ++p) {
            const auto [d0, v0] = s.points[p];
            const auto [d1, v1] = s.points[p + 1];
            const std::size_t c0 = col_of(d0), c1 = col_of(d1);
            for (std::size_t c = c0; c <= c1 && c1 > c0; ++c) {
                const double f = static_cast<double>(c - c0) / static_cast<double>(c1 - c0);
                put(row_of(v0 + f * (v1 - v0)), c, line, prio);
            }
        }
        if (s.markers)
            for (const auto& [d, v] : s.points)
                put(row_of(v), col_of(d), "●", 4);
    }
    std::string out;
    for (std::size_t r = 0; r < height; ++r) {
        std::string label;
        if (r == 0) label = axis_label(chart, hi, true);
        if (r == height - 1) label = axis_label(chart, lo, false);
        std::string line = pad_left(label, k_axis - 1) + " ┤";
        for (std::size_t c = 0; c < width; ++c) {
            const int k = rank[r][c];
            const Style st = k == 4 || k == 3 ? Style::cyan : k == 1 ? Style::red : Style::dim;
            line += k ? paint(grid[r][c], st, look.color) : grid[r][c];
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line + "\n";
    }
    const std::string from = chart.from.iso(), to = chart.to.iso();
    std::string axis;
    for (std::size_t c = 0; c < width; ++c)
        axis += "─";
    out += std::string(k_axis, ' ') + "└" + axis + "\n";
    out += std::string(k_axis + 1, ' ') + from +
           std::string(width > from.size() + to.size() ? width - from.size() - to.size() : 1, ' ') +
           to + "\n";
    std::string legend = std::string(k_axis + 1, ' ');
    if (!chart.series.empty()) {
        // A KR's or KPI's check-ins, or another first series (an objective's weekly score).
        const std::string& first = chart.series.front().label;
        legend += chart.series.front().markers
                      ? "● " + (first == "check-ins" ? std::string("check-in") : first)
                      : "• " + first;
    }
    for (std::size_t si = 1; si < chart.series.size(); ++si)
        legend += fmt::format("  {} {}", si == 1 ? "·" : "┄", chart.series[si].label);
    for (const auto& [label, v] : chart.bounds)
        legend += fmt::format("  ─ {} {}", label, format_number(v));
    out += truncate_to_width(legend, look.width) + "\n";
    return out;
}

} // namespace okr::report
