#include "okr/util/json.hpp"
#include "okr/util/utf8.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>

namespace okr::util::json {

const Value* Value::get(std::string_view key) const {
    const Object* o = as_object();
    if (!o) return nullptr;
    for (auto it = o->rbegin(); it != o->rend(); ++it)
        if (it->first == key) return &it->second;
    return nullptr;
}

Value& Value::set(std::string_view key, Value value) {
    if (is_null()) m_v = Object{};
    Object& o = std::get<Object>(m_v);
    for (auto& [k, v] : o)
        if (k == key) {
            v = std::move(value);
            return v;
        }
    o.emplace_back(std::string(key), std::move(value));
    return o.back().second;
}

namespace {

class Reader {
  public:
    explicit Reader(std::string_view text) : m_text(text) {}

    std::optional<Value> document() {
        auto v = value(0);
        if (!v) return std::nullopt;
        blanks();
        if (m_at != m_text.size()) return std::nullopt;
        return v;
    }

  private:
    std::optional<Value> value(std::size_t depth) {
        blanks();
        if (m_at >= m_text.size()) return std::nullopt;
        switch (m_text[m_at]) {
        case '{':
            return object(depth + 1);
        case '[':
            return array(depth + 1);
        case '"': {
            auto s = string();
            if (!s) return std::nullopt;
            return Value(std::move(*s));
        }
        case 't':
            if (literal("true")) return Value(true);
            return std::nullopt;
        case 'f':
            if (literal("false")) return Value(false);
            return std::nullopt;
        case 'n':
            if (literal("null")) return Value(nullptr);
            return std::nullopt;
        default:
            return number();
        }
    }

    std::optional<Value> object(std::size_t depth) {
        if (depth > k_max_depth) return std::nullopt;
        ++m_at; // {
        Object members;
        blanks();
        if (eat('}')) return Value(std::move(members));
        for (;;) {
            blanks();
            if (peek() != '"') return std::nullopt;
            auto key = string();
            if (!key) return std::nullopt;
            blanks();
            if (!eat(':')) return std::nullopt;
            auto v = value(depth);
            if (!v) return std::nullopt;
            members.emplace_back(std::move(*key), std::move(*v));
            blanks();
            if (eat(',')) continue;
            if (eat('}')) return Value(std::move(members));
            return std::nullopt;
        }
    }

    std::optional<Value> array(std::size_t depth) {
        if (depth > k_max_depth) return std::nullopt;
        ++m_at; // [
        Array items;
        blanks();
        if (eat(']')) return Value(std::move(items));
        for (;;) {
            auto v = value(depth);
            if (!v) return std::nullopt;
            items.push_back(std::move(*v));
            blanks();
            if (eat(',')) continue;
            if (eat(']')) return Value(std::move(items));
            return std::nullopt;
        }
    }

    std::optional<std::string> string() {
        ++m_at; // "
        std::string out;
        while (m_at < m_text.size()) {
            const char c = m_text[m_at];
            if (c == '"') {
                ++m_at;
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
            if (c != '\\') {
                const Decoded d = decode_utf8(m_text, m_at);
                if (!d.valid) return std::nullopt;
                out.append(m_text.substr(m_at, d.length));
                m_at += d.length;
                continue;
            }
            ++m_at;
            if (m_at >= m_text.size()) return std::nullopt;
            const char e = m_text[m_at++];
            switch (e) {
            case '"':
            case '\\':
            case '/':
                out += e;
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
                auto code = hex4();
                if (!code) return std::nullopt;
                char32_t cp = *code;
                if (cp >= 0xD800 && cp < 0xDC00) {
                    if (!eat('\\') || !eat('u')) return std::nullopt;
                    auto low = hex4();
                    if (!low || *low < 0xDC00 || *low > 0xDFFF) return std::nullopt;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
                } else if (cp >= 0xDC00 && cp < 0xE000) {
                    return std::nullopt;
                }
                append_utf8(out, cp);
                break;
            }
            default:
                return std::nullopt;
            }
        }
        return std::nullopt;
    }

    std::optional<char32_t> hex4() {
        if (m_text.size() - m_at < 4) return std::nullopt;
        char32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = m_text[m_at++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<char32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<char32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<char32_t>(c - 'A' + 10);
            else
                return std::nullopt;
        }
        return v;
    }

    // RFC 8259's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    std::optional<Value> number() {
        const std::size_t start = m_at;
        auto digits = [&] {
            const std::size_t from = m_at;
            while (m_at < m_text.size() && m_text[m_at] >= '0' && m_text[m_at] <= '9')
                ++m_at;
            return m_at > from;
        };
        eat('-');
        if (peek() == '0')
            ++m_at;
        else if (!digits())
            return std::nullopt;
        if (eat('.') && !digits()) return std::nullopt;
        if (peek() == 'e' || peek() == 'E') {
            ++m_at;
            if (peek() == '+' || peek() == '-') ++m_at;
            if (!digits()) return std::nullopt;
        }
        double d = 0;
        const char* first = m_text.data() + start;
        const auto [end, ec] = std::from_chars(first, m_text.data() + m_at, d);
        if (end != m_text.data() + m_at) return std::nullopt;
        if (ec == std::errc::result_out_of_range) d = first[0] == '-' ? -HUGE_VAL : HUGE_VAL;
        return Value(d);
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
    void blanks() {
        while (m_at < m_text.size() && (m_text[m_at] == ' ' || m_text[m_at] == '\t' ||
                                        m_text[m_at] == '\n' || m_text[m_at] == '\r'))
            ++m_at;
    }

    std::string_view m_text;
    std::size_t m_at = 0;
};

void write(std::string& out, const Value& v) {
    if (v.is_null()) {
        out += "null";
    } else if (const bool* b = v.as_bool()) {
        out += *b ? "true" : "false";
    } else if (const double* d = v.as_number()) {
        if (!std::isfinite(*d))
            out += "null";
        else if (*d == std::trunc(*d) && std::fabs(*d) < 1e15)
            fmt::format_to(std::back_inserter(out), "{}", static_cast<std::int64_t>(*d));
        else
            fmt::format_to(std::back_inserter(out), "{}", *d);
    } else if (const std::string* s = v.as_string()) {
        append_string(out, *s);
    } else if (const Array* a = v.as_array()) {
        out += '[';
        for (std::size_t i = 0; i < a->size(); ++i) {
            if (i) out += ',';
            write(out, (*a)[i]);
        }
        out += ']';
    } else if (const Object* o = v.as_object()) {
        out += '{';
        bool first = true;
        for (const auto& [k, member] : *o) {
            if (!first) out += ',';
            first = false;
            append_string(out, k);
            out += ':';
            write(out, member);
        }
        out += '}';
    }
}

} // namespace

std::optional<Value> parse(std::string_view text) {
    return Reader(text).document();
}

std::string dump(const Value& value) {
    std::string out;
    write(out, value);
    return out;
}

void append_string(std::string& out, std::string_view text) {
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const Decoded d = decode_utf8(text, i);
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (!d.valid) {
            out += "\\ufffd";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
            out.append(text.substr(i, d.length));
        }
        i += d.length;
    }
    out += '"';
}

} // namespace okr::util::json
