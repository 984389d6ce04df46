#include "okr/io/import.hpp"
#include "okr/util/json.hpp"
#include "okr/util/utf8.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>
#include <optional>

namespace okr::io {
namespace {

constexpr std::array<std::string_view, 5> k_columns = {"ref", "date", "value", "confidence",
                                                       "note"};

// The field of `row` that a column fills.
std::string* field_of(ImportRow& row, std::string_view column) {
    if (column == "ref") return &row.ref;
    if (column == "date") return &row.date;
    if (column == "value") return &row.value;
    if (column == "confidence") return &row.confidence;
    if (column == "note") return &row.note;
    return nullptr;
}

std::string_view skip_bom(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return text;
}

Failure error_at(std::uint32_t line, std::uint32_t column, std::string message,
                 std::string hint = {}) {
    Failure failure =
        make_failure(Failure::Kind::file_invalid, std::move(message), std::move(hint));
    failure.pos = {line, column};
    return failure;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return std::string(s);
}

// ---- CSV ------------------------------------------------------------------------------------

struct CsvRecord {
    std::uint32_t line = 0;
    std::vector<std::string> fields;
};

// The records of RFC 4180 text: fields separated by commas, records by LF or CRLF; a quoted
// field may hold commas, line breaks and doubled quotes. Unquoted fields lose surrounding blanks;
// blank lines are skipped.
Result<std::vector<CsvRecord>> csv_records(std::string_view text) {
    std::vector<CsvRecord> records;
    std::uint32_t line = 1;
    std::size_t line_start = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        CsvRecord record;
        record.line = line;
        bool end_of_record = false;
        while (!end_of_record) {
            std::string field;
            const std::size_t column_start = i;
            if (i < text.size() && text[i] == '"') {
                const std::uint32_t open_line = line;
                const auto open_column = static_cast<std::uint32_t>(column_start - line_start + 1);
                ++i;
                for (;;) {
                    if (i >= text.size())
                        return error_at(
                            open_line, open_column, "a quoted field is never closed",
                            "end it with `\"`; a quote inside a field is written `\"\"`");
                    if (text[i] == '"') {
                        if (i + 1 < text.size() && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    if (text[i] == '\n') {
                        ++line;
                        line_start = i + 1;
                    }
                    field += text[i++];
                }
                while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
                    ++i;
                if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
                    return error_at(line, 0, "text after the closing quote of a field",
                                    "a quote inside a quoted field is written `\"\"`");
            } else {
                const std::size_t start = i;
                while (i < text.size() && text[i] != ',' && text[i] != '\n')
                    ++i;
                std::string_view raw = text.substr(start, i - start);
                if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
                field = trim(raw);
            }
            record.fields.push_back(std::move(field));
            if (i < text.size() && text[i] == ',') {
                ++i;
                continue;
            }
            if (i < text.size() && text[i] == '\r') ++i;
            if (i < text.size() && text[i] == '\n') {
                ++i;
                ++line;
                line_start = i;
            }
            end_of_record = true;
        }
        const bool blank = record.fields.size() == 1 && record.fields[0].empty();
        if (!blank) records.push_back(std::move(record));
    }
    return records;
}

// ---- JSON -----------------------------------------------------------------------------------

// What an import holds in JSON: an array of flat objects whose values are strings, numbers (kept
// as written), booleans or null. Read by util::json::read (nlohmann/json); the messages name the
// row and the place, found again in the text where the reader stopped.
class JsonRows {
  public:
    explicit JsonRows(std::string_view text) : m_text(text) {}

    Result<std::vector<ImportRow>> rows() {
        const util::json::ReadEnd end =
            util::json::read(m_text, [this](const util::json::Event& e) { return take(e); });
        if (end == util::json::ReadEnd::refused) return std::move(*m_failure);
        if (end == util::json::ReadEnd::invalid) return not_json();
        return std::move(m_rows);
    }

  private:
    using Kind = util::json::Event::Kind;
    enum class At : std::uint8_t { start, rows, row, value, after };

    bool take(const util::json::Event& e) {
        switch (m_at) {
        case At::start:
            if (e.kind != Kind::array_begin)
                return refuse(e.offset, "expected `[`: an import in JSON is an array of objects");
            m_at = At::rows;
            m_after = e.end;
            return true;
        case At::rows:
            if (e.kind == Kind::array_end) {
                m_at = At::after;
                m_after = e.end;
                return true;
            }
            if (e.kind != Kind::object_begin)
                return refuse(e.offset, expected_object(m_rows.size() + 1));
            m_rows.emplace_back();
            m_rows.back().number = m_rows.size();
            m_rows.back().line = line_of(e.offset).first;
            m_seen.clear();
            m_at = At::row;
            m_after = e.end;
            return true;
        case At::row:
            if (e.kind == Kind::object_end) {
                m_at = At::rows;
                m_after = e.end;
                return missing();
            }
            m_key.assign(e.text); // a key: the reader allows nothing else here
            m_key_offset = e.offset;
            m_at = At::value;
            m_after = e.end;
            return true;
        case At::value:
            return value(e);
        case At::after:
            break;
        }
        return false;
    }

    bool value(const util::json::Event& e) {
        ImportRow& row = m_rows.back();
        std::string text;
        bool is_null = false;
        switch (e.kind) {
        case Kind::string:
        case Kind::number:
            text.assign(e.text);
            break;
        case Kind::boolean:
            text = e.text == "true" ? "done" : "0";
            break;
        case Kind::null:
            is_null = true;
            break;
        default:
            return refuse(e.offset, fmt::format("row {}: \"{}\" takes a string or a number",
                                                row.number, m_key));
        }
        std::string* field = field_of(row, m_key);
        if (!field)
            return refuse(m_key_offset,
                          fmt::format("row {}: unknown key \"{}\"", row.number, m_key),
                          "the keys are ref, date, value, confidence and note");
        if (std::find(m_seen.begin(), m_seen.end(), m_key) != m_seen.end())
            return refuse(m_key_offset,
                          fmt::format("row {}: \"{}\" is given twice", row.number, m_key));
        m_seen.push_back(m_key);
        if (!is_null) *field = std::move(text);
        m_at = At::row;
        m_after = e.end;
        return true;
    }

    // At the end of an object: the keys it must have.
    bool missing() {
        ImportRow& row = m_rows.back();
        for (std::string_view required : {"ref", "date", "value"})
            if (field_of(row, required)->empty()) {
                m_failure = error_at(row.line, 0,
                                     fmt::format("row {}: \"{}\" is missing", row.number, required),
                                     "each object needs \"ref\", \"date\" and \"value\"");
                return false;
            }
        return true;
    }

    // Text that is not JSON: what was expected after the last event read, at the first byte past
    // it that is not blank.
    Failure not_json() {
        std::size_t at = blanks(m_after);
        const auto next = [&](char c) {
            if (at >= m_text.size() || m_text[at] != c) return false;
            at = blanks(at + 1);
            return true;
        };
        const std::size_t row = m_rows.size();
        switch (m_at) {
        case At::start:
            return fail(at, "expected `[`: an import in JSON is an array of objects");
        case At::rows:
            if (row == 0 || next(',')) return fail(at, expected_object(row + 1));
            return fail(at, "expected `,` or `]` after an object");
        case At::row:
            if (m_seen.empty()) return fail(at, expected_key(row)); // just after `{`
            if (next(',')) return fail(at, expected_key(row));
            return fail(at, fmt::format("row {}: expected `,` or `}}`", row));
        case At::value:
            if (!next(':'))
                return fail(at, fmt::format("row {}: expected `:` after \"{}\"", row, m_key));
            if (at < m_text.size() && m_text[at] == '"')
                return fail(at, fmt::format("row {}: a string is not closed, or holds a control "
                                            "character, a bad escape or invalid UTF-8",
                                            row));
            return fail(at, fmt::format("row {}: \"{}\" takes a string or a number", row, m_key));
        case At::after:
            break;
        }
        return fail(at, "unexpected text after the array");
    }

    static std::string expected_object(std::size_t row) {
        return fmt::format("row {}: expected an object `{{ \"ref\": ..., \"date\": ..., \"value\": "
                           "... }}`",
                           row);
    }
    static std::string expected_key(std::size_t row) {
        return fmt::format("row {}: expected a key in quotes", row);
    }

    std::size_t blanks(std::size_t at) const {
        while (at < m_text.size() && (m_text[at] == ' ' || m_text[at] == '\t' ||
                                      m_text[at] == '\n' || m_text[at] == '\r'))
            ++at;
        return at;
    }

    // The line and column (of bytes, from 1) of `offset`.
    std::pair<std::uint32_t, std::uint32_t> line_of(std::size_t offset) {
        offset = std::min(offset, m_text.size());
        if (offset < m_line_start) { // never: the events come in order; counted again if so
            m_line = 1;
            m_line_start = 0;
            m_counted = 0;
        }
        for (; m_counted < offset; ++m_counted)
            if (m_text[m_counted] == '\n') {
                ++m_line;
                m_line_start = m_counted + 1;
            }
        return {m_line, static_cast<std::uint32_t>(offset - m_line_start + 1)};
    }

    Failure fail(std::size_t offset, std::string message, std::string hint = {}) {
        const auto [line, column] = line_of(offset);
        return error_at(line, column, std::move(message), std::move(hint));
    }
    bool refuse(std::size_t offset, std::string message, std::string hint = {}) {
        m_failure = fail(offset, std::move(message), std::move(hint));
        return false;
    }

    std::string_view m_text;
    std::vector<ImportRow> m_rows;
    std::optional<Failure> m_failure;
    At m_at = At::start;
    std::size_t m_after = 0;      // one past the last event's token
    std::string m_key;            // the key whose value comes next
    std::size_t m_key_offset = 0; // where it is
    std::vector<std::string> m_seen;
    std::size_t m_counted = 0, m_line_start = 0;
    std::uint32_t m_line = 1;
};

} // namespace

Result<std::vector<ImportRow>> parse_import_csv(std::string_view text) {
    auto parsed = csv_records(skip_bom(text));
    if (!parsed) return std::move(parsed).failure();
    auto& records = *parsed;
    if (records.empty())
        return error_at(1, 1, "no header: an import in CSV starts with the line ref,date,value",
                        "optional columns: confidence, note");
    std::vector<std::string> header;
    for (const std::string& name : records.front().fields) {
        std::string lower = trim(name);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (std::find(k_columns.begin(), k_columns.end(), lower) == k_columns.end())
            return error_at(records.front().line, 0,
                            fmt::format("unknown column \"{}\" in the header", name),
                            "the columns are ref, date, value, then optionally confidence, note");
        if (std::find(header.begin(), header.end(), lower) != header.end())
            return error_at(records.front().line, 0,
                            fmt::format("column \"{}\" appears twice in the header", lower));
        header.push_back(std::move(lower));
    }
    for (std::string_view required : {"ref", "date", "value"})
        if (std::find(header.begin(), header.end(), required) == header.end())
            return error_at(records.front().line, 0,
                            fmt::format("the header has no column \"{}\"", required),
                            "an import in CSV starts with the line ref,date,value");
    std::vector<ImportRow> rows;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const CsvRecord& record = records[r];
        ImportRow row;
        row.number = r;
        row.line = record.line;
        if (record.fields.size() != header.size())
            return error_at(record.line, 0,
                            fmt::format("row {} has {} field{}, the header has {}", r,
                                        record.fields.size(), record.fields.size() == 1 ? "" : "s",
                                        header.size()),
                            "quote a field that holds a comma: \"like, this\"");
        for (std::size_t c = 0; c < header.size(); ++c)
            *field_of(row, header[c]) = record.fields[c];
        rows.push_back(std::move(row));
    }
    return rows;
}

Result<std::vector<ImportRow>> parse_import_json(std::string_view text) {
    return JsonRows(skip_bom(text)).rows();
}

Result<std::vector<ImportRow>> parse_import(std::string_view text) {
    std::string_view t = skip_bom(text);
    std::size_t i = 0;
    while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i])))
        ++i;
    if (i < t.size() && (t[i] == '[' || t[i] == '{')) return parse_import_json(text);
    return parse_import_csv(text);
}

} // namespace okr::io
