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
