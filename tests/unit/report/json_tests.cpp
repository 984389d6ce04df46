#include "okr/report/json.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using namespace okr::report;

namespace {

// `s` as a JSON string, quotes included.
std::string json_string(std::string_view s) {
    std::string out;
    JsonWriter w(out);
    w.begin_array();
    w.value(s);
    w.end_array();
    return out.substr(out.find('"'), out.rfind('"') - out.find('"') + 1);
}

} // namespace

TEST_SUITE("okr::report::json") {

    TEST_CASE("a string keeps valid UTF-8 as it is and writes each invalid byte as U+FFFD") {
        CHECK(json_string("caf\u00e9 \u4e2d\U0001F331") == "\"caf\u00e9 \u4e2d\U0001F331\"");
        CHECK(json_string("a\xff"
                          "b") == "\"a\\ufffdb\"");
        CHECK(json_string("\xe2\x98") == "\"\\ufffd\\ufffd\"");            // cut short
        CHECK(json_string("\xc0\xaf") == "\"\\ufffd\\ufffd\"");            // overlong
        CHECK(json_string("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\""); // a surrogate
    }

    TEST_CASE("controls, C1 controls and invisible format characters are escaped") {
        CHECK(json_string("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"");
        CHECK(json_string("\x1b[31m") == "\"\\u001b[31m\"");
        CHECK(json_string("\u0085") == "\"\\u0085\"");
        CHECK(json_string("a\u200db\u202e") == "\"a\\u200db\\u202e\"");
    }
}
