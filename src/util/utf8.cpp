#include "okr/util/utf8.hpp"

#include <utf8proc.h>

namespace okr::util {

Decoded decode_utf8(std::string_view text, std::size_t at) {
    if (at >= text.size()) return {0, 0, false};
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + at),
                         static_cast<utf8proc_ssize_t>(text.size() - at), &cp);
    if (n <= 0) return {0xFFFD, 1, false};
    return {static_cast<char32_t>(cp), static_cast<std::size_t>(n), true};
}

std::size_t first_invalid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        // ASCII needs no decoding: goal files are mostly ASCII.
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        const Decoded d = decode_utf8(text, i);
        if (!d.valid) return i;
        i += d.length;
    }
    return std::string_view::npos;
}

std::size_t count_code_points(std::string_view text) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); ++n)
        i += decode_utf8(text, i).length;
    return n;
}

std::size_t skip_code_points(std::string_view text, std::size_t at, std::size_t count) {
    for (; count > 0 && at < text.size(); --count)
        at += decode_utf8(text, at).length;
    return at < text.size() ? at : text.size();
}

void append_utf8(std::string& out, char32_t code_point) {
    auto cp = static_cast<utf8proc_int32_t>(code_point);
    if (code_point > 0x10FFFF || !utf8proc_codepoint_valid(cp)) cp = 0xFFFD;
    utf8proc_uint8_t bytes[4];
    const utf8proc_ssize_t n = utf8proc_encode_char(cp, bytes);
    out.append(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(n));
}

} // namespace okr::util
