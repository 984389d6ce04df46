// Reading JSON: nlohmann/json's parser (Debian's nlohmann-json3-dev), through its SAX interface,
// into okr's events and util::json::Value. The one file that includes nlohmann/json.hpp, a heavy
// header (tests/layers/check_includes.cmake holds to that). No exceptions are thrown: a SAX
// parse never throws, its errors come to parse_error().
#include "okr/util/json.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <nlohmann/json.hpp>

namespace okr::util::json {
namespace {

// An iterator over the text that counts the bytes the parser has taken, so that each event can
// say where its token lies (nlohmann's SAX callbacks carry no position).
class Counting {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    Counting(const char* at, const char* base, std::size_t* taken)
        : m_at(at), m_base(base), m_taken(taken) {}
    reference operator*() const { return *m_at; }
    Counting& operator++() {
        ++m_at;
        *m_taken = static_cast<std::size_t>(m_at - m_base);
        return *this;
    }
    Counting operator++(int) {
        Counting before = *this;
        ++*this;
        return before;
    }
    bool operator==(const Counting& other) const { return m_at == other.m_at; }
    bool operator!=(const Counting& other) const { return m_at != other.m_at; }

  private:
    const char* m_at;
    const char* m_base;
    std::size_t* m_taken;
};

bool number_byte(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// nlohmann's SAX events, handed on as okr's.
class Sax {
  public:
    using number_integer_t = nlohmann::json::number_integer_t;
    using number_unsigned_t = nlohmann::json::number_unsigned_t;
    using number_float_t = nlohmann::json::number_float_t;
    using string_t = nlohmann::json::string_t;
    using binary_t = nlohmann::json::binary_t;

    Sax(std::string_view text, const std::function<bool(const Event&)>& on)
        : m_text(text), m_on(on) {}

    std::size_t taken = 0; // bytes the parser has read (Counting)
    bool refused = false;

    bool null() { return literal(Event::Kind::null, "null"); }
    bool boolean(bool b) { return literal(Event::Kind::boolean, b ? "true" : "false"); }
    bool number_integer(number_integer_t) { return number(std::string_view()); }
    bool number_unsigned(number_unsigned_t) { return number(std::string_view()); }
    bool number_float(number_float_t, const string_t& written) { return number(written); }
    bool string(string_t& s) { return quoted(Event::Kind::string, s); }
    bool key(string_t& s) { return quoted(Event::Kind::key, s); }
    bool binary(binary_t&) { return false; } // only binary formats have these
    bool start_object(std::size_t) { return open(Event::Kind::object_begin); }
    bool end_object() { return close(Event::Kind::object_end); }
    bool start_array(std::size_t) { return open(Event::Kind::array_begin); }
    bool end_array() { return close(Event::Kind::array_end); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
        return false;
    }

  private:
    bool hand(Event::Kind kind, std::string_view text, std::size_t offset, std::size_t end) {
        if (m_on(Event{kind, text, offset, end})) return true;
        refused = true;
        return false;
    }
    // true, false, null: the parser has read the word and no further.
    bool literal(Event::Kind kind, std::string_view word) {
        return hand(kind, word, taken - word.size(), taken);
    }
    // The parser read one byte past a number (and gave it back) unless the number ends the text.
    bool number(std::string_view written) {
        std::size_t end = taken;
        if (end < m_text.size() || (end > 0 && !number_byte(m_text[end - 1]))) --end;
        std::size_t start = end;
        if (!written.empty()) {
            start = end - std::min(end, written.size());
        } else { // an integer: digits and a sign
            while (start > 0 && ((m_text[start - 1] >= '0' && m_text[start - 1] <= '9') ||
                                 m_text[start - 1] == '-'))
                --start;
        }
        return hand(Event::Kind::number, m_text.substr(start, end - start), start, end);
    }
    // A string or key: the parser has read its closing quote; its opening quote is the last one
    // before that no odd run of backslashes escapes (a quote inside a string is always escaped).
    bool quoted(Event::Kind kind, const std::string& decoded) {
        const std::size_t end = taken;
        std::size_t start = end - 1;
        while (start > 0) {
            --start;
            if (m_text[start] != '"') continue;
            std::size_t slashes = 0;
            while (slashes < start && m_text[start - 1 - slashes] == '\\')
                ++slashes;
            if (slashes % 2 == 0) break;
        }
        return hand(kind, decoded, start, end);
    }
    bool open(Event::Kind kind) {
        if (++m_depth > k_max_depth) return false;
        return hand(kind, std::string_view(), taken - 1, taken);
    }
    bool close(Event::Kind kind) {
        --m_depth;
        return hand(kind, std::string_view(), taken - 1, taken);
    }

    std::string_view m_text;
    const std::function<bool(const Event&)>& m_on;
    std::size_t m_depth = 0;
};

} // namespace

ReadEnd read(std::string_view text, const std::function<bool(const Event&)>& on) {
    Sax sax(text, on);
    const Counting first(text.data(), text.data(), &sax.taken);
    const Counting last(text.data() + text.size(), text.data(), &sax.taken);
    const bool ok =
        nlohmann::json::sax_parse(first, last, &sax, nlohmann::json::input_format_t::json,
                                  /*strict=*/true, /*ignore_comments=*/false);
    if (ok) return ReadEnd::read;
    return sax.refused ? ReadEnd::refused : ReadEnd::invalid;
}

std::optional<Value> parse(std::string_view text) {
    // The containers open, each with the key its next member goes under.
    std::vector<std::pair<Value, std::string>> open;
    std::optional<Value> done;
    auto place = [&](Value v) {
        if (open.empty()) {
            done = std::move(v);
        } else if (Object* o = open.back().first.as_object()) {
            o->emplace_back(std::move(open.back().second), std::move(v));
        } else {
            open.back().first.as_array()->push_back(std::move(v));
        }
    };
    const ReadEnd end = read(text, [&](const Event& e) {
        switch (e.kind) {
        case Event::Kind::null:
            place(Value(nullptr));
            break;
        case Event::Kind::boolean:
            place(Value(e.text == "true"));
            break;
        case Event::Kind::number: {
            // A double, from the text as written (nlohmann has refused one out of range).
            double d = 0;
            std::from_chars(e.text.data(), e.text.data() + e.text.size(), d);
            place(Value(d));
            break;
        }
        case Event::Kind::string:
            place(Value(std::string(e.text)));
            break;
        case Event::Kind::key:
            open.back().second = std::string(e.text);
            break;
        case Event::Kind::object_begin:
            open.emplace_back(Value(Object{}), std::string());
            break;
        case Event::Kind::array_begin:
            open.emplace_back(Value(Array{}), std::string());
            break;
        case Event::Kind::object_end:
        case Event::Kind::array_end: {
            Value v = std::move(open.back().first);
            open.pop_back();
            place(std::move(v));
            break;
        }
        }
        return true;
    });
    if (end != ReadEnd::read) return std::nullopt;
    return done;
}

} // namespace okr::util::json
