#include "okr/io/import.hpp"
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

// A small JSON reader for what an import holds: an array of flat objects whose values are
// strings, numbers, booleans or null.
class JsonReader {
  public:
    explicit JsonReader(std::string_view text) : m_text(text) {}

    Result<std::vector<ImportRow>> rows() {
        std::vector<ImportRow> rows;
        skip_blanks();
        if (!eat('[')) return fail("expected `[`: an import in JSON is an array of objects");
        skip_blanks();
        if (eat(']')) return finish(std::move(rows));
        for (;;) {
            skip_blanks();
            ImportRow row;
            row.number = rows.size() + 1;
            row.line = m_line;
            if (auto parsed = object(row); !parsed) return std::move(parsed).failure();
            rows.push_back(std::move(row));
            skip_blanks();
            if (eat(',')) continue;
            if (eat(']')) return finish(std::move(rows));
            return fail("expected `,` or `]` after an object");
        }
    }

  private:
    Result<std::vector<ImportRow>> finish(std::vector<ImportRow> rows) {
        skip_blanks();
        if (m_at != m_text.size()) return fail("unexpected text after the array");
        return rows;
    }

    Result<void> object(ImportRow& row) {
        if (!eat('{'))
            return fail(fmt::format("row {}: expected an object `{{ \"ref\": ..., \"date\": ..., "
                                    "\"value\": ... }}`",
                                    row.number));
        std::vector<std::string> seen;
        skip_blanks();
        if (!eat('}')) {
            for (;;) {
                skip_blanks();
                const std::uint32_t key_line = m_line, key_column = column();
                auto key = string();
                if (!key) return fail(fmt::format("row {}: expected a key in quotes", row.number));
                skip_blanks();
                if (!eat(':'))
                    return fail(fmt::format("row {}: expected `:` after \"{}\"", row.number, *key));
                skip_blanks();
                std::optional<std::string> value;
                bool is_null = false;
                if (peek() == '"') {
                    value = string();
                    if (!value)
                        return fail(fmt::format("row {}: a string is not closed", row.number));
                } else if (literal("true")) {
                    value = "done";
                } else if (literal("false")) {
                    value = "0";
                } else if (literal("null")) {
                    is_null = true;
                    value = "";
                } else {
                    value = number();
                    if (!value)
                        return fail(fmt::format("row {}: \"{}\" takes a string or a number",
                                                row.number, *key));
                }
                std::string* field = field_of(row, *key);
                if (!field)
                    return error_at(key_line, key_column,
                                    fmt::format("row {}: unknown key \"{}\"", row.number, *key),
                                    "the keys are ref, date, value, confidence and note");
                if (std::find(seen.begin(), seen.end(), *key) != seen.end())
                    return error_at(key_line, key_column,
                                    fmt::format("row {}: \"{}\" is given twice", row.number, *key));
                seen.push_back(*key);
                if (!is_null) *field = std::move(*value);
                skip_blanks();
                if (eat(',')) continue;
                if (eat('}')) break;
                return fail(fmt::format("row {}: expected `,` or `}}`", row.number));
            }
        }
        for (std::string_view required : {"ref", "date", "value"})
            if (field_of(row, required)->empty())
                return error_at(row.line, 0,
                                fmt::format("row {}: \"{}\" is missing", row.number, required),
                                "each object needs \"ref\", \"date\" and \"value\"");
        return {};
    }

    std::optional<std::string> string() {
        if (!eat('"')) return std::nullopt;
        std::string out;
        while (m_at < m_text.size()) {
            const char c = m_text[m_at++];
            if (c == '"') return out;
            if (c == '\n') return std::nullopt;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_at >= m_text.size()) return std::nullopt;
            const char e = m_text[m_at++];
            switch (e) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                auto cp = hex4();
                if (!cp) return std::nullopt;
                std::uint32_t code = *cp;
                if (code >= 0xD800 && code < 0xDC00) {
                    if (!eat('\\') || !eat('u')) return std::nullopt;
                    auto low = hex4();
                    if (!low || *low < 0xDC00 || *low > 0xDFFF) return std::nullopt;
                    code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
                } else if (code >= 0xDC00 && code < 0xE000) {
                    return std::nullopt;
                }
                util::append_utf8(out, code);
                break;
            }
            default:
                return std::nullopt;
            }
        }
        return std::nullopt;
    }

    std::optional<std::uint32_t> hex4() {
        if (m_at + 4 > m_text.size()) return std::nullopt;
        std::uint32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = m_text[m_at++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<std::uint32_t>(c - 'A' + 10);
            else
                return std::nullopt;
        }
        return v;
    }

    // A JSON number, as written.
    std::optional<std::string> number() {
        const std::size_t start = m_at;
        if (peek() == '-') ++m_at;
        while (m_at < m_text.size() &&
               (std::isdigit(static_cast<unsigned char>(m_text[m_at])) || m_text[m_at] == '.' ||
                m_text[m_at] == 'e' || m_text[m_at] == 'E' || m_text[m_at] == '+' ||
                m_text[m_at] == '-'))
            ++m_at;
        if (m_at == start || (m_at == start + 1 && m_text[start] == '-')) {
            m_at = start;
            return std::nullopt;
        }
        return std::string(m_text.substr(start, m_at - start));
    }

    bool literal(std::string_view word) {
        if (m_text.substr(m_at, word.size()) != word) return false;
        m_at += word.size();
        return true;
    }

    char peek() const { return m_at < m_text.size() ? m_text[m_at] : '\0'; }
    bool eat(char c) {
        if (peek() != c) return false;
        ++m_at;
        return true;
    }
    void skip_blanks() {
        while (m_at < m_text.size()) {
            const char c = m_text[m_at];
            if (c == '\n') {
                ++m_line;
                m_line_start = m_at + 1;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                break;
            }
            ++m_at;
        }
    }
    std::uint32_t column() const { return static_cast<std::uint32_t>(m_at - m_line_start + 1); }
    Failure fail(std::string message) { return error_at(m_line, column(), std::move(message)); }

    std::string_view m_text;
    std::size_t m_at = 0;
    std::size_t m_line_start = 0;
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
    return JsonReader(skip_bom(text)).rows();
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
