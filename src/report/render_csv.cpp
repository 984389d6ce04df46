// A sheet as CSV (RFC 4180), one row per item, guarded against formulas.
#include "okr/report/sheet.hpp"

#include "okr/report/table.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace okr::report {

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
        // A number beyond the largest double (a progress whose span is 1e-300) is no number, as
        // in JSON (null) and the table (-).
        return cell.number && std::isfinite(*cell.number) ? fmt::format("{}", tidy(*cell.number))
                                                          : std::string();
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

void render_csv(const Sheet& sheet, std::string& out, const Spill& spill) {
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
    out += csv_row(header);
    std::vector<std::string> fields(columns.size() + 2);
    for (const auto& s : sheet.sections) {
        if (!in_documents(s.media)) continue;
        // Where each of the section's columns goes in the header (npos: not in documents).
        std::vector<std::size_t> place(s.columns.size(), std::string::npos);
        for (std::size_t i = 0; i < s.columns.size(); ++i)
            if (in_documents(s.columns[i].media))
                place[i] = static_cast<std::size_t>(
                               std::find(columns.begin(), columns.end(), s.columns[i].key) -
                               columns.begin()) +
                           2;
        const std::string section = csv_field(s.name.empty() ? s.heading : s.name);
        for_each_row(
            s,
            [&](const SheetRow& row) {
                if (!in_documents(row.media)) return;
                for (auto& f : fields)
                    f.clear();
                fields[0] = section;
                fields[1] = csv_field(row.kind);
                for (std::size_t i = 0; i < s.columns.size() && i < row.cells.size(); ++i)
                    if (place[i] != std::string::npos) fields[place[i]] = csv_value(row.cells[i]);
                for (std::size_t i = 0; i < fields.size(); ++i) {
                    if (i) out += ',';
                    out += fields[i];
                }
                out += "\r\n";
                spill_window(out, spill);
            },
            k_row_window, Media::documents);
    }
}

std::string render_csv(const Sheet& sheet) {
    std::string out;
    render_csv(sheet, out, {});
    return out;
}

} // namespace okr::report
