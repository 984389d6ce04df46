#include "okr/util/utf8.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using namespace okr::util;

TEST_SUITE("okr::util::utf8") {

    TEST_CASE("one to four byte sequences decode to their code points") {
        const std::string text = "a\u00e9\u2615\U0001F680";
        CHECK(decode_utf8(text, 0).code_point == U'a');
        CHECK(decode_utf8(text, 1).code_point == U'\u00e9');
        CHECK(decode_utf8(text, 1).length == 2);
        CHECK(decode_utf8(text, 3).code_point == U'\u2615');
        CHECK(decode_utf8(text, 3).length == 3);
        CHECK(decode_utf8(text, 6).code_point == U'\U0001F680');
        CHECK(decode_utf8(text, 6).length == 4);
        CHECK(decode_utf8(text, 10).length == 0);
        CHECK(count_code_points(text) == 4);
    }

    TEST_CASE("a code point is appended as UTF-8, one that is none as U+FFFD") {
        std::string out;
        for (const char32_t c : {U'a', U'\u00e9', U'\u2615', U'\U0001F680'})
            append_utf8(out, c);
        CHECK(out == "a\u00e9\u2615\U0001F680");
        std::string bad;
        append_utf8(bad, 0xD800);   // a surrogate
        append_utf8(bad, 0x110000); // beyond Unicode
        CHECK(bad == "\ufffd\ufffd");
    }

    TEST_CASE("an invalid byte reads as one replacement character") {
        for (std::string_view bad : {"\xff", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                                     "\xf4\x90\x80\x80", "\x80"}) {
            CAPTURE(bad);
            const Decoded d = decode_utf8(bad);
            CHECK_FALSE(d.valid);
            CHECK(d.length == 1);
            CHECK(d.code_point == 0xFFFD);
            CHECK(first_invalid_utf8(bad) == 0);
        }
    }

    TEST_CASE("the first invalid byte is found after valid text") {
        CHECK(first_invalid_utf8("caf\u00e9") == std::string_view::npos);
        CHECK(first_invalid_utf8("") == std::string_view::npos);
        CHECK(first_invalid_utf8("ok \u00e9\xe2\x98") == 5); // a truncated three-byte sequence
    }

    TEST_CASE("skipping code points never passes the end") {
        const std::string text = "\u00e9t\u00e9";
        CHECK(skip_code_points(text, 0, 1) == 2);
        CHECK(skip_code_points(text, 0, 2) == 3);
        CHECK(skip_code_points(text, 0, 9) == text.size());
        CHECK(skip_code_points(text, 2, 0) == 2);
        CHECK(count_code_points("\xff\xfe"
                                "a") == 3);
    }

} // TEST_SUITE
