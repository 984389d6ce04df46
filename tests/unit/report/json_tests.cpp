#include "okr/report/json.hpp"
#include "okr/util/parallel.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

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

    TEST_CASE("a long array is handed on a window of at most 64 items a part, as written whole") {
        const std::vector<std::string> items(3000, std::string(100, 'x'));
        const auto write = [&](JsonWriter& w) {
            array_of(w, "items", items, [](JsonWriter& inner, const std::string& item) {
                inner.begin_object();
                inner.field("text", item);
                inner.end_object();
            });
        };
        const std::string whole = json_document({}, write);
        for (const std::size_t cores : {1, 2, 4}) {
            CAPTURE(cores);
            okr::util::use_cores(cores);
            std::string spilled;
            std::size_t largest = 0;
            spilled += json_document(
                [&](std::string& text) {
                    largest = std::max(largest, text.size());
                    spilled += text;
                    text.clear();
                },
                write);
            CHECK(spilled == whole);
            // An item is 136 bytes here: 64 of them, not the 512 a part used to hold (a 1,000-file
            // status held 4 MB of text in its windows).
            CHECK(largest <= 64 * 140);
        }
        okr::util::use_cores(0);
    }
}
