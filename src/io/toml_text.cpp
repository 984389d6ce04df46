#include "okr/io/toml_text.hpp"

#include "toml_layout.hpp"

#include "okr/util/utf8.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>

namespace okr::io {
namespace {

void last_own_key(const Layout& layout, const toml::table& t, std::optional<LastKey>& best) {
    for (auto&& [key, value] : t) {
        switch (placement(layout, key, value)) {
        case Placement::header:
            break;
        case Placement::dotted:
            last_own_key(layout, *value.as_table(), best);
            break;
        case Placement::value: {
            const std::size_t end = layout.end_of(value);
            if (!best || end > best->end) best = LastKey{layout.offset(key.source().begin), end};
            break;
        }
        }
    }
}

} // namespace

Layout::Layout(std::string_view text) : m_text(text) {
    // toml++ skips a UTF-8 byte order mark: line 1 starts after it.
    m_line_starts.push_back(text.starts_with("\xEF\xBB\xBF") ? 3 : 0);
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') m_line_starts.push_back(i + 1);
    const std::size_t nl = text.find('\n');
    m_eol = nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r' ? "\r\n" : "\n";
    m_indent_unit = "  ";
    for (std::size_t start : m_line_starts)
        if (start < text.size() && text[start] == '\t') {
            m_indent_unit = "\t";
            break;
        }
}

std::size_t Layout::offset(const toml::source_position& p) const {
    if (p.line == 0) return 0;
    if (p.line > m_line_starts.size()) return m_text.size();
    std::size_t i = m_line_starts[p.line - 1];
    for (toml::source_index col = 1; col < p.column && i < m_text.size() && m_text[i] != '\n';
         ++col)
        i += static_cast<unsigned char>(m_text[i]) < 0x80 ? 1 : util::decode_utf8(m_text, i).length;
    return std::min(i, m_text.size());
}

std::size_t Layout::line_start(std::size_t off) const {
    auto it = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), off);
    return it == m_line_starts.begin() ? 0 : *(it - 1);
}

std::size_t Layout::next_line(std::size_t off) const {
    const std::size_t nl = m_text.find('\n', off);
    return nl == std::string_view::npos ? m_text.size() : nl + 1;
}

std::string Layout::indentation(std::size_t off) const {
    const std::size_t start = line_start(off);
    std::size_t i = start;
    while (i < m_text.size() && (m_text[i] == ' ' || m_text[i] == '\t'))
        ++i;
    return std::string(m_text.substr(start, i - start));
}

bool Layout::starts_line(std::size_t off) const {
    for (std::size_t i = line_start(off); i < off; ++i)
        if (m_text[i] != ' ' && m_text[i] != '\t') return false;
    return true;
}

bool Layout::blank_line(std::size_t start) const {
    for (std::size_t i = start; i < m_text.size() && m_text[i] != '\n'; ++i)
        if (m_text[i] != ' ' && m_text[i] != '\t' && m_text[i] != '\r') return false;
    return true;
}

bool Layout::comment_line(std::size_t start) const {
    std::size_t i = start;
    while (i < m_text.size() && (m_text[i] == ' ' || m_text[i] == '\t'))
        ++i;
    return i < m_text.size() && m_text[i] == '#';
}

Placement placement(const Layout& layout, const toml::key& key, const toml::node& value) {
    const std::size_t k = layout.offset(key.source().begin);
    const std::size_t v = layout.begin_of(value);
    if (v < k) return Placement::header; // the value's region is a header naming the key later on
    if (v == k && value.is_table()) return Placement::dotted;
    return Placement::value;
}

Form form_of(const Layout& layout, const toml::table& t) {
    const std::size_t b = layout.begin_of(t);
    if (b < layout.text().size() && layout.text()[b] == '[') return Form::header;
    if (b < layout.text().size() && layout.text()[b] == '{') return Form::inline_table;
    return Form::dotted;
}

// The key-value child of `t` that ends last (dotted-key tables looked into), with its key's

std::optional<LastKey> last_own_key(const Layout& layout, const toml::table& t) {
    std::optional<LastKey> best;
    last_own_key(layout, t, best);
    return best;
}

// The end of everything a table holds, its sub-tables (KRs of an objective) included.
std::size_t extent_end(const Layout& layout, const toml::node& n) {
    std::size_t end = layout.end_of(n);
    if (const auto* t = n.as_table())
        for (auto&& [key, value] : *t)
            end = std::max(end, extent_end(layout, value));
    if (const auto* a = n.as_array())
        for (const toml::node& v : *a)
            end = std::max(end, extent_end(layout, v));
    return end;
}

// The separator between a key and its value as the table writes it: ` = ` or `=`.
std::string separator_style(const Layout& layout, const toml::table& t) {
    for (auto&& [key, value] : t) {
        if (placement(layout, key, value) != Placement::value) continue;
        const std::size_t k = layout.offset(key.source().end);
        const std::size_t v = layout.begin_of(value);
        if (k < v && layout.text().substr(k, v - k).find(' ') == std::string_view::npos) return "=";
        return " = ";
    }
    return " = ";
}

// The indentation of an existing item's header and keys, to copy for a new one.
std::pair<std::string, std::string> indents_of(const Layout& layout, const toml::table& t) {
    const std::string header = layout.indentation(layout.begin_of(t));
    const auto last = last_own_key(layout, t);
    return {header, last ? layout.indentation(last->key_offset) : header};
}

Splice insert_block(const Layout& layout, std::size_t at, const std::vector<std::string>& lines) {
    const std::string& eol = layout.eol();
    std::string block;
    const std::string_view text = layout.text();
    if (at == text.size() && !text.empty() && !layout.ends_with_newline()) block += eol;
    bool blank_before = true; // at the start of the file no blank line is needed
    if (at > 0) blank_before = !block.empty() ? false : layout.blank_line(layout.previous_line(at));
    if (!blank_before) block += eol;
    for (const std::string& line : lines)
        block += line + eol;
    if (at < text.size() && !layout.blank_line(at)) block += eol;
    return Splice{at, 0, std::move(block)};
}

InlineStyle inline_style_of(std::string_view entry) {
    InlineStyle s;
    if (entry.size() < 2) return s;
    s.padded = entry[1] == ' ' || entry[1] == '\t';
    const std::size_t eq = entry.find('=');
    if (eq != std::string_view::npos && eq > 0) s.equals = entry[eq - 1] == ' ' ? " = " : "=";
    const std::size_t comma = entry.find(',');
    if (comma != std::string_view::npos && comma + 1 < entry.size())
        s.comma = entry[comma + 1] == ' ' ? ", " : ",";
    return s;
}

std::string checkin_text(const Checkin& c, const InlineStyle& s) {
    std::string out = s.padded ? "{ " : "{";
    out += fmt::format("date{}{}{}value{}{}", s.equals, c.date.iso(), s.comma, s.equals,
                       toml_number(c.value));
    if (c.has_confidence())
        out += fmt::format("{}confidence{}{}", s.comma, s.equals, toml_number(*c.confidence));
    if (c.recorded) out += fmt::format("{}recorded{}{}", s.comma, s.equals, c.recorded->iso());
    if (!c.note.empty()) out += fmt::format("{}note{}{}", s.comma, s.equals, toml_string(c.note));
    out += s.padded ? " }" : "}";
    return out;
}

std::string apply_splices(std::string_view text, std::vector<Splice>& splices) {
    std::sort(splices.begin(), splices.end(),
              [](const Splice& a, const Splice& b) { return a.offset < b.offset; });
    std::string out;
    out.reserve(text.size() + 256);
    std::size_t at = 0;
    for (const Splice& s : splices) {
        out.append(text.substr(at, s.offset - at));
        out += s.text;
        at = s.offset + s.length;
    }
    out.append(text.substr(at));
    return out;
}

std::string toml_number(double value) {
    if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15)
        return fmt::format("{:.0f}", value);
    return fmt::format("{}", value);
}

std::string toml_string(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20 || c == 0x7F)
                out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
            else
                out += ch;
        }
    }
    return out + "\"";
}

std::string toml_value(const Value& value) {
    if (const double* n = std::get_if<double>(&value)) return toml_number(*n);
    if (const std::string* s = std::get_if<std::string>(&value)) return toml_string(*s);
    if (const Date* d = std::get_if<Date>(&value)) return d->iso();
    std::string out = "[";
    const auto& list = std::get<std::vector<std::string>>(value);
    for (std::size_t i = 0; i < list.size(); ++i)
        out += (i ? ", " : "") + toml_string(list[i]);
    return out + "]";
}

namespace {

struct Header {
    bool array = false;
    std::vector<std::string_view> parts;
};

bool bare_key_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

// A `[a.b]` or `[[a.b]]` header of bare keys, followed by nothing but blanks and a comment.
std::optional<Header> read_header(std::string_view line) {
    Header h;
    h.array = line.starts_with("[[");
    std::size_t i = h.array ? 2 : 1;
    auto blanks = [&] {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
    };
    for (;;) {
        blanks();
        const std::size_t start = i;
        while (i < line.size() && bare_key_char(line[i]))
            ++i;
        if (i == start) return std::nullopt;
        h.parts.push_back(line.substr(start, i - start));
        blanks();
        if (i < line.size() && line[i] == '.') {
            ++i;
            continue;
        }
        break;
    }
    const std::string_view close = h.array ? "]]" : "]";
    if (line.substr(i, close.size()) != close) return std::nullopt;
    i += close.size();
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
        ++i;
    if (i < line.size() && line[i] != '#') return std::nullopt;
    return h;
}

} // namespace

std::optional<std::vector<TextBlock>> split_items(std::string_view text) {
    using Kind = TextBlock::Kind;
    std::vector<TextBlock> blocks{{Kind::top, 0, 0}};
    enum class In { value, basic, literal }; // outside multi-line strings, in one of each kind
    In in = In::value;
    int depth = 0; // of brackets and braces
    bool line_start = true;
    const std::size_t n = text.size();
    // The characters that change the scanner's state, in a value, a """ and a ''' string.
    using Stops = std::array<bool, 256>;
    static constexpr auto stops = [](std::string_view chars) {
        Stops t{};
        for (char c : chars)
            t[static_cast<unsigned char>(c)] = true;
        return t;
    };
    static constexpr Stops k_value = stops("\n#\"'[]{}"), k_basic = stops("\n\\\""),
                           k_literal = stops("\n'");
    // The first character from i + 1 on that is one of `stop`.
    auto skip = [&](std::size_t i, const Stops& stop) {
        for (++i; i < n && !stop[static_cast<unsigned char>(text[i])]; ++i) {
        }
        return i;
    };
    // At a quote inside a multi-line string: a run of 3 to 5 closes it.
    auto close_run = [&](std::size_t& i, char quote) {
        std::size_t q = 0;
        while (i + q < n && text[i + q] == quote)
            ++q;
        if (q > 5) return false;
        if (q >= 3) in = In::value;
        i += q;
        return true;
    };
    for (std::size_t i = 0; i < n;) {
        if (line_start) {
            line_start = false;
            std::size_t j = i;
            while (j < n && (text[j] == ' ' || text[j] == '\t'))
                ++j;
            if (in == In::value && depth == 0 && j < n && text[j] == '[') {
                const std::size_t e = std::min(text.find('\n', j), n);
                const std::optional<Header> h = read_header(text.substr(j, e - j));
                if (!h) return std::nullopt;
                const std::string_view first = h->parts.front();
                const bool item_name = first == "objective" || first == "kpi";
                if (h->array && h->parts.size() == 1 && item_name) {
                    blocks.back().end = i;
                    blocks.push_back({first == "objective" ? Kind::objective : Kind::kpi, i, 0});
                } else if (blocks.back().kind == Kind::top) {
                    if (item_name) return std::nullopt;
                } else if (h->parts.size() < 2 ||
                           first != (blocks.back().kind == Kind::objective ? "objective" : "kpi")) {
                    return std::nullopt;
                }
                i = e;
                continue;
            }
        }
        const char c = text[i];
        if (c == '\n') {
            line_start = true;
            ++i;
        } else if (in == In::basic) {
            if (c == '\\')
                i += 2;
            else if (c == '"') {
                if (!close_run(i, '"')) return std::nullopt;
            } else
                i = skip(i, k_basic);
        } else if (in == In::literal) {
            if (c == '\'') {
                if (!close_run(i, '\'')) return std::nullopt;
            } else
                i = skip(i, k_literal);
        } else if (c == '#') {
            i = std::min(text.find('\n', i), n);
        } else if (c == '"' || c == '\'') {
            if (text.substr(i, 3) == std::string_view(c == '"' ? R"(""")" : "'''")) {
                in = c == '"' ? In::basic : In::literal;
                i += 3;
                continue;
            }
            // A one-line string closes on its line.
            for (++i; i < n && text[i] != c; ++i) {
                if (text[i] == '\n') return std::nullopt;
                if (c == '"' && text[i] == '\\' && (++i >= n || text[i] == '\n'))
                    return std::nullopt;
            }
            if (i >= n) return std::nullopt;
            ++i;
        } else if (c == '[' || c == '{') {
            ++depth;
            ++i;
        } else if (c == ']' || c == '}') {
            if (--depth < 0) return std::nullopt;
            ++i;
        } else {
            i = skip(i, k_value);
        }
    }
    if (in != In::value || depth != 0) return std::nullopt;
    blocks.back().end = n;
    return blocks;
}

} // namespace okr::io
