#pragma once
// UTF-8 decoding and encoding, done in one place and by utf8proc: every loop over the code points
// of a text (columns of a goal file, display width, escaping) reads them through `decode_utf8`,
// and a code point is written as UTF-8 by `append_utf8`.

#include <cstddef>
#include <string>
#include <string_view>

namespace okr::util {

// One code point read from UTF-8 text.
struct Decoded {
    char32_t code_point = 0; // 0xFFFD for an invalid byte
    std::size_t length = 0;  // bytes read: 1 for an invalid byte, 0 at the end of the text
    bool valid = false; // false for an invalid byte or a truncated, overlong or surrogate sequence
};

// The code point at byte `at` of `text`. An invalid sequence reads as one invalid byte, so a
// loop advancing by `length` visits every byte and never stops early.
Decoded decode_utf8(std::string_view text, std::size_t at = 0);

// The byte offset of the first byte of `text` that is not part of valid UTF-8; npos when all is.
std::size_t first_invalid_utf8(std::string_view text);

// The number of code points in `text` (an invalid byte counts as one).
std::size_t count_code_points(std::string_view text);

// The byte offset `count` code points after `at`, stopping at the end of `text`.
std::size_t skip_code_points(std::string_view text, std::size_t at, std::size_t count);

// Appends `code_point` to `out` as UTF-8; U+FFFD for a value that is no code point (a surrogate,
// or beyond U+10FFFF).
void append_utf8(std::string& out, char32_t code_point);

} // namespace okr::util
