#include "okr/report/json.hpp"

#include "okr/report/text.hpp"
#include "okr/util/parallel.hpp"
#include "okr/util/utf8.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <iterator>

namespace okr::report {

namespace {

// The bytes a JSON string holds as they are: printable ASCII but the quote and the backslash.
constexpr std::array<bool, 256> k_plain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x7f; ++c)
        plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    return plain;
}();

// The end of the run of plain bytes that starts at `from`.
std::size_t plain_run(std::string_view s, std::size_t from) {
    while (from < s.size() && k_plain[static_cast<unsigned char>(s[from])])
        ++from;
    return from;
}

// A comma, a newline and the indent of 63 levels, appended in one piece: an item costs a few
// appends, not one per byte (std::string's members are calls into the library).
constexpr std::string_view k_separator =
    ",\n                                                                                "
    "                                              ";

} // namespace

// Output is indented by two spaces per level, so that goldens and diffs stay readable.
void JsonWriter::newline(bool comma) {
    // Spill between elements, in chunks large enough to make writes cheap.
    if (m_spill && m_out.size() >= (1u << 16)) m_spill(m_out);
    const std::size_t indent = 2 * m_first.size();
    const std::size_t skip = comma ? 0 : 1;
    if (indent + 2 <= k_separator.size()) {
        m_out.append(k_separator.substr(skip, 2 - skip + indent));
    } else {
        m_out.append(k_separator.substr(skip, 2 - skip));
        m_out.append(indent, ' ');
    }
}

void JsonWriter::separate() {
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (!m_first.empty()) {
        const bool comma = !m_first.back();
        m_first.back() = false;
        newline(comma);
    }
}

void JsonWriter::begin_object() {
    separate();
    m_out += '{';
    m_first.push_back(true);
}
void JsonWriter::end_object() {
    const bool empty = m_first.back();
    m_first.pop_back();
    if (!empty) newline(false);
    m_out += '}';
}
void JsonWriter::begin_array() {
    separate();
    m_out += '[';
    m_first.push_back(true);
}
void JsonWriter::end_array() {
    const bool empty = m_first.back();
    m_first.pop_back();
    if (!empty) newline(false);
    m_out += ']';
}

void JsonWriter::key(std::string_view k) {
    separate();
    char text[64];
    if (k.size() + 4 <= sizeof text && plain_run(k, 0) == k.size()) { // a key of ours, at once
        text[0] = '"';
        std::copy(k.begin(), k.end(), text + 1);
        std::copy_n("\": ", 3, text + 1 + k.size());
        m_out.append(text, k.size() + 4);
    } else {
        write_string(k);
        m_out += ": ";
    }
    m_after_key = true;
}

void JsonWriter::value(std::string_view s) {
    separate();
    write_string(s);
}

void JsonWriter::write_string(std::string_view s) {
    m_out += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
        // A run of bytes written as they are, at once (a string of ours is one such run).
        if (const std::size_t end = plain_run(s, i); end > i) {
            m_out.append(s.substr(i, end - i));
            i = end - 1;
            continue;
        }
        const char c = s[i];
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            m_out += "\\\"";
            break;
        case '\\':
            m_out += "\\\\";
            break;
        case '\n':
            m_out += "\\n";
            break;
        case '\r':
            m_out += "\\r";
            break;
        case '\t':
            m_out += "\\t";
            break;
        default:
            if (byte < 0x20 || byte == 0x7f) {
                m_out += fmt::format("\\u{:04x}", byte);
            } else if (byte < 0x80) {
                m_out += c;
            } else {
                // JSON is UTF-8: an invalid byte (a file name from a non-UTF-8 system, say)
                // becomes U+FFFD. A C1 control and an invisible format character are valid
                // raw, but a terminal would obey them: they are escaped.
                const util::Decoded d = util::decode_utf8(s, i);
                const char32_t cp = d.code_point;
                if (!d.valid) {
                    m_out += "\\ufffd"; // one invalid byte: the next one is read afresh
                } else if (cp < 0xA0 || report::is_invisible_format(cp) || cp == 0x200C ||
                           cp == 0x200D) {
                    m_out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(cp));
                    i += d.length - 1;
                } else {
                    m_out.append(s.substr(i, d.length));
                    i += d.length - 1;
                }
            }
        }
    }
    m_out += '"';
}

void JsonWriter::value(double d) {
    if (!std::isfinite(d)) return null();
    separate();
    // Derived numbers carry no float noise (SPEC §5): 12 significant digits, and no -0.
    append_tidy(m_out, d);
}

JsonWriter JsonWriter::element_writer(std::string& out) const {
    JsonWriter inner(out);
    inner.m_first = m_first;
    inner.m_first.back() = true;
    return inner;
}

void JsonWriter::append_elements(std::string& elements) {
    if (elements.empty()) return;
    if (!m_first.back()) m_out += ','; // the part starts with its newline and indent
    m_first.back() = false;
    if (m_spill) { // spilled as it is, not copied
        m_spill(m_out);
        m_spill(elements);
    } else {
        m_out += elements;
    }
}

void JsonWriter::value(bool b) {
    separate();
    m_out += b ? "true" : "false";
}

void JsonWriter::value(std::optional<double> d) {
    if (d) return value(*d);
    null();
}

void JsonWriter::null() {
    separate();
    m_out += "null";
}

void date_field(JsonWriter& w, std::string_view key, std::optional<Date> d) {
    w.key(key);
    if (d)
        w.value(d->iso());
    else
        w.null();
}

void string_array(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
    w.key(key);
    w.begin_array();
    for (const auto& s : items)
        w.value(s);
    w.end_array();
}

// A long array is written in parts, on every core (`write_one` reads only its item). The parts
// are written a window at a time, into the same buffers, each window handed on (spilled) before
// the next: a large document is never held whole, and its text is not faulted into fresh memory
// (18 MB for 1,000 files). A window is 64 items a core: an objective of status is about 4 KB of
// text, and windows of 512 a core held 4 MB of it (issue 29, item 2).
void array_field(JsonWriter& w, std::string_view key, std::size_t count,
                 const std::function<void(JsonWriter&, std::size_t)>& write_one) {
    constexpr std::size_t k_part = 256;       // items: fewer are written here, at once
    constexpr std::size_t k_window_part = 64; // items a core writes in a window
    w.key(key);
    w.begin_array();
    if (count < 2 * k_part) {
        for (std::size_t i = 0; i < count; ++i)
            write_one(w, i);
        w.end_array();
        return;
    }
    const std::size_t cores = util::cores();
    const std::size_t window = k_window_part * cores; // items
    std::vector<std::string> texts(cores);
    for (std::size_t from = 0; from < count; from += window) {
        const std::size_t to = std::min(count, from + window);
        const std::vector<util::Part> parts =
            util::split_parts(to - from, k_window_part / 2, cores);
        util::in_parallel(parts, [&](std::size_t i, util::Part part) {
            // Written in a string of the thread's own, not in `texts` (two strings in one cache
            // line, which both cores would write to at every character).
            std::string text = std::move(texts[i]);
            JsonWriter inner = w.element_writer(text);
            constexpr std::size_t k_sample = 16; // items; then the text is sized for the whole part
            for (std::size_t j = part.begin; j < part.end; ++j) {
                write_one(inner, from + j);
                if (j == part.begin + k_sample - 1) // not grown (and faulted in) a dozen times
                    text.reserve(text.size() / k_sample * (part.end - part.begin) / 4 * 5);
            }
            texts[i] = std::move(text);
        });
        for (std::size_t i = 0; i < parts.size(); ++i) {
            w.append_elements(texts[i]);
            texts[i].clear(); // its memory kept for the next window
        }
    }
    w.end_array();
}

void optional_text(JsonWriter& w, std::string_view key, const std::string& s) {
    w.key(key);
    if (s.empty())
        w.null();
    else
        w.value(s);
}

void status_field(JsonWriter& w, Status s) {
    w.key("status");
    if (s == Status::none)
        w.null();
    else
        w.value(to_string(s));
}

void band_field(JsonWriter& w, Band b) {
    w.key("band");
    if (b == Band::none)
        w.null();
    else
        w.value(to_string(b));
}

} // namespace okr::report
