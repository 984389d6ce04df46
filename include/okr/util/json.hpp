#pragma once
// JSON values for the language server's messages (JSON-RPC, LSP 3.17): read from text, built in
// code, written as compact text. Reading is nlohmann/json's (Debian's nlohmann-json3-dev, fuzzed
// upstream), through its SAX interface in src/util/json_read.cpp alone: untrusted input, bounded
// depth, no exceptions (tests/fuzz/fuzz_lsp.cpp). `okr import` reads JSON through read().

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace okr::util::json {

class Value;
using Array = std::vector<Value>;
// Members in the order read or added; a key read twice keeps its last value (as JSON.parse does).
using Object = std::vector<std::pair<std::string, Value>>;

class Value {
  public:
    Value() = default;
    Value(std::nullptr_t) {}
    Value(bool b) : m_v(b) {}
    Value(double d) : m_v(d) {}
    Value(int i) : m_v(static_cast<double>(i)) {}
    Value(std::int64_t i) : m_v(static_cast<double>(i)) {}
    Value(std::size_t i) : m_v(static_cast<double>(i)) {}
    Value(std::uint32_t i) : m_v(static_cast<double>(i)) {}
    Value(std::string s) : m_v(std::move(s)) {}
    Value(std::string_view s) : m_v(std::string(s)) {}
    Value(const char* s) : m_v(std::string(s)) {}
    Value(Array a) : m_v(std::move(a)) {}
    Value(Object o) : m_v(std::move(o)) {}

    bool is_null() const { return std::holds_alternative<std::monostate>(m_v); }
    const bool* as_bool() const { return std::get_if<bool>(&m_v); }
    const double* as_number() const { return std::get_if<double>(&m_v); }
    const std::string* as_string() const { return std::get_if<std::string>(&m_v); }
    const Array* as_array() const { return std::get_if<Array>(&m_v); }
    const Object* as_object() const { return std::get_if<Object>(&m_v); }
    Object* as_object() { return std::get_if<Object>(&m_v); }
    Array* as_array() { return std::get_if<Array>(&m_v); }

    // The member `key` of an object, or nullptr (also when this is no object).
    const Value* get(std::string_view key) const;
    // get() through a path of keys: at("textDocument", "uri").
    template <class... Keys> const Value* at(std::string_view key, Keys... rest) const {
        const Value* v = get(key);
        if constexpr (sizeof...(rest) == 0)
            return v;
        else
            return v ? v->at(rest...) : nullptr;
    }
    // Adds or replaces the member `key` of an object (a null value becomes an object first).
    Value& set(std::string_view key, Value value);

  private:
    std::variant<std::monostate, bool, double, std::string, Array, Object> m_v;
};

// The deepest nesting of arrays and objects read; deeper text is refused.
inline constexpr std::size_t k_max_depth = 128;

// The value of `text` (one JSON value, blanks around it), or nullopt for text that is not JSON
// (RFC 8259): bad syntax, an unpaired surrogate, invalid UTF-8, trailing text, too deep.
std::optional<Value> parse(std::string_view text);

// One step of reading a JSON text: a value, a key, or where an object or array begins or ends.
struct Event {
    enum class Kind : std::uint8_t {
        null,
        boolean,
        number,
        string,
        key,
        object_begin,
        object_end,
        array_begin,
        array_end
    };
    Kind kind = Kind::null;
    // string, key: the text decoded; number: as written; boolean: "true" or "false".
    std::string_view text;
    // Where its token begins in the text read: the byte offset of its first byte.
    std::size_t offset = 0;
    // One past its token's last byte.
    std::size_t end = 0;
};

enum class ReadEnd : std::uint8_t {
    read,    // the whole text was one JSON value, and every event was taken
    refused, // the handler returned false
    invalid  // the text is not JSON (see parse()), or nested deeper than k_max_depth
};

// Reads `text`, one JSON value with blanks around it, handing each event to `on` in order until
// it returns false. Events before an invalid byte are handed on.
ReadEnd read(std::string_view text, const std::function<bool(const Event&)>& on);

// `value` as compact JSON text; strings escaped (control characters as \uXXXX), numbers that are
// integers written without a fraction, a non-finite number as null.
std::string dump(const Value& value);

// A string of `text`, quoted and escaped, appended to `out`.
void append_string(std::string& out, std::string_view text);

} // namespace okr::util::json
