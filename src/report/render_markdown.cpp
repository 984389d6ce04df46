// A sheet as GitHub-flavoured Markdown: a heading and a pipe table per section.
#include "okr/report/sheet.hpp"

#include "okr/report/table.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace okr::report {

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

} // namespace

void render_markdown(const Sheet& sheet, std::string& out, const Spill& spill) {
    out += "# " + md_escape(sheet.title) + "\n\n";
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
        // One pass to learn whether any row shows and which columns are numbers, one to write.
        bool rows = false;
        std::vector<bool> right(s.columns.size(), false);
        for_each_row(
            s,
            [&](const SheetRow& row) {
                if (!in_documents(row.media)) return;
                rows = true;
                for (std::size_t i : columns)
                    if (i < row.cells.size() && numeric(row.cells[i].kind)) right[i] = true;
            },
            k_row_window, Media::documents);
        if (!columns.empty() && rows) {
            out += "|";
            for (std::size_t i : columns)
                out += " " + md_escape(s.columns[i].header) + " |";
            out += "\n|";
            for (std::size_t i : columns)
                out += right[i] ? " ---: |" : " --- |";
            out += "\n";
            for_each_row(
                s,
                [&](const SheetRow& row) {
                    if (!in_documents(row.media)) return;
                    out += "|";
                    bool first = true;
                    for (std::size_t i : columns) {
                        out += ' ';
                        for (int d = 0; first && d < row.depth; ++d)
                            out += "&nbsp;&nbsp;&nbsp;";
                        first = false;
                        if (i < row.cells.size()) out += md_cell(row.cells[i]);
                        out += " |";
                    }
                    out += "\n";
                    spill_window(out, spill);
                },
                k_row_window, Media::documents);
            out += "\n";
        } else if (before.empty() && after.empty()) {
            out += "_None._\n\n";
        }
        for (const auto& p : after)
            out += md_escape(p) + "\n\n";
    }
}

std::string render_markdown(const Sheet& sheet) {
    std::string out;
    render_markdown(sheet, out, {});
    return out;
}

} // namespace okr::report
