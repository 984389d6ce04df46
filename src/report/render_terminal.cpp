// The terminal table of a sheet: head lines, then each section fitted to the width.
#include "okr/report/sheet.hpp"

#include "okr/report/table.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace okr::report {

namespace {

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

} // namespace okr::report
