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

SheetColumn column(std::string key, std::string header, Media media, Align align, bool shrinks,
                   int drop_rank, std::size_t comfortable) {
    return {std::move(key), std::move(header), media, align, shrinks, drop_rank, comfortable};
}

Section titled_section(std::string title) {
    Section s;
    s.name = s.heading = std::move(title);
    s.heading_media = Media::documents;
    return s;
}

Section sub_section(std::string name, std::string heading) {
    Section s;
    s.name = std::move(name);
    s.heading = std::move(heading);
    s.empty = "  none";
    return s;
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
    case Status::closed:
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

bool in_terminal(Media m) {
    return m != Media::documents;
}

bool in_documents(Media m) {
    return m != Media::terminal;
}

bool numeric(CellKind k) {
    return k == CellKind::number || k == CellKind::score || k == CellKind::percent ||
           k == CellKind::points || k == CellKind::bar;
}

void for_each_row(const Section& s, const std::function<void(const SheetRow&)>& visit,
                  std::size_t window, Media media) {
    for (const auto& row : s.rows)
        visit(row);
    if (!s.more_rows.make) return;
    std::vector<SheetRow> rows;
    for (std::size_t first = 0; first < s.more_rows.parts; first += window) {
        rows.clear();
        s.more_rows.make(first, std::min(first + window, s.more_rows.parts), media, rows);
        for (const auto& row : rows)
            visit(row);
    }
}

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

void spill_window(std::string& out, const Spill& spill) {
    if (spill && out.size() >= k_output_window) spill(out);
}

void render_sheet(const Sheet& sheet, std::string_view format, const Look& look, std::string& out,
                  const Spill& spill) {
    if (format == "csv") return render_csv(sheet, out, spill);
    if (format == "markdown") return render_markdown(sheet, out, spill);
    if (format == "html") return render_html(sheet, out, spill);
    return render_terminal(sheet, look, out, spill);
}

std::string render_sheet(const Sheet& sheet, std::string_view format, const Look& look) {
    std::string out;
    render_sheet(sheet, format, look, out, {});
    return out;
}

} // namespace okr::report
