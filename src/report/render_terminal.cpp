// The terminal table of a sheet: head lines, then each section fitted to the width.
#include "okr/report/sheet.hpp"

#include "okr/report/table.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace okr::report {

namespace {

// Where a line too wide for `width` breaks: the [begin, end) byte ranges of its pieces, each
// broken at spaces (so no number, date or word is cut), and the indent of every piece after the
// first: under the text that follows the line's first gap of two spaces (a label's, a ref's),
// else two more than the line's own indent. Only a word wider than the room overflows.
struct Wrapped {
    std::vector<std::pair<std::size_t, std::size_t>> pieces;
    std::size_t hang = 0;
};

Wrapped wrap(const std::string& text, std::size_t width) {
    Wrapped w;
    if (display_width(text) <= width) {
        w.pieces.push_back({0, text.size()});
        return w;
    }
    const std::size_t lead = std::min(text.find_first_not_of(' '), text.size());
    const std::size_t gap = text.find("  ", lead);
    const std::size_t after = gap == std::string::npos ? gap : text.find_first_not_of(' ', gap);
    w.hang = lead + 2;
    if (after != std::string::npos) {
        const std::size_t hang = display_width(std::string_view(text).substr(0, after));
        if (hang <= width / 2) w.hang = hang;
    }
    std::size_t begin = 0;
    while (begin < text.size()) {
        const std::size_t room = w.pieces.empty() ? width : width - std::min(width, w.hang);
        const std::string_view rest = std::string_view(text).substr(begin);
        if (display_width(rest) <= room) {
            w.pieces.push_back({begin, text.size()});
            break;
        }
        // The last space that leaves the piece within the room, else the first one at all.
        std::size_t end = std::string::npos;
        for (std::size_t at = rest.find(' ', 1); at != std::string::npos;
             at = rest.find(' ', at + 1)) {
            if (display_width(rest.substr(0, at)) > room) {
                if (end == std::string::npos) end = at;
                break;
            }
            end = at;
        }
        if (end == std::string::npos) {
            w.pieces.push_back({begin, text.size()});
            break;
        }
        std::size_t piece_end = begin + end;
        while (piece_end > begin && text[piece_end - 1] == ' ')
            --piece_end;
        w.pieces.push_back({begin, piece_end});
        begin = text.find_first_not_of(' ', begin + end);
        if (begin == std::string::npos) break;
    }
    return w;
}

// A line of text fitted to the width: wrapped at spaces, each span keeping its style.
std::string terminal_line(const Line& l, const Look& look) {
    std::vector<std::pair<std::string, Style>> spans;
    std::string text;
    std::vector<std::size_t> starts;
    for (const auto& s : l.spans) {
        starts.push_back(text.size());
        spans.push_back({escape_control(s.text), s.style});
        text += spans.back().first;
    }
    const Wrapped w = wrap(text, look.width);
    std::string out;
    for (std::size_t p = 0; p < w.pieces.size(); ++p) {
        const auto [begin, end] = w.pieces[p];
        if (p > 0) out += std::string(w.hang, ' ');
        for (std::size_t i = 0; i < spans.size(); ++i) {
            const std::size_t from = std::max(begin, starts[i]);
            const std::size_t to = std::min(end, starts[i] + spans[i].first.size());
            if (from < to) out += paint(text.substr(from, to - from), spans[i].second, look.color);
        }
        out += "\n";
    }
    return out.empty() ? "\n" : out;
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

void render_terminal(const Sheet& sheet, const Look& look, std::string& out, const Spill& spill) {
    for (const auto& l : sheet.head) {
        if (!in_terminal(l.media)) continue;
        // A head line is wrapped to the width; its first span sets the style of the whole line.
        const Style style = l.spans.empty() ? Style::plain : l.spans.front().style;
        out += terminal_line(line(l.text(), style), look);
    }
    for (const auto& s : sheet.sections) {
        if (!in_terminal(s.media)) continue;
        if (!s.heading.empty() && in_terminal(s.heading_media))
            out += "\n" + terminal_line(line(s.heading, Style::bold), look);
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
            // Two passes over the rows, made a window at a time: the widths, then the lines.
            TableLayout layout(std::move(columns));
            std::vector<Cell> cells;
            auto terminal_cells = [&](const SheetRow& row) {
                cells.resize(shown.size());
                for (std::size_t at = 0; at < shown.size(); ++at) {
                    const std::size_t i = shown[at];
                    if (i >= row.cells.size()) {
                        cells[at] = {};
                        continue;
                    }
                    const SheetCell& c = row.cells[i];
                    cells[at] = {terminal_text(c), c.style, c.keep};
                }
            };
            bool any = false;
            for_each_row(
                s,
                [&](const SheetRow& row) {
                    if (!in_terminal(row.media)) return;
                    any = true;
                    terminal_cells(row);
                    layout.measure(cells);
                },
                k_row_window, Media::terminal);
            if (!any) {
                if (!s.empty.empty()) out += terminal_line(line(s.empty), look);
            } else {
                layout.fit(look);
                layout.header(out);
                for_each_row(
                    s,
                    [&](const SheetRow& row) {
                        if (!in_terminal(row.media)) return;
                        terminal_cells(row);
                        layout.line(cells, out);
                        spill_window(out, spill);
                    },
                    k_row_window, Media::terminal);
            }
        }
        for (const auto& l : s.after)
            if (in_terminal(l.media)) out += terminal_line(l, look);
    }
}

std::string render_terminal(const Sheet& sheet, const Look& look) {
    std::string out;
    render_terminal(sheet, look, out, {});
    return out;
}

} // namespace okr::report
