#include "okr/io/toml_text.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace okr;
using namespace okr::io;
using okr::test::day;

TEST_SUITE("okr::io::toml_text") {

    TEST_CASE("numbers and strings are written as TOML without noise") {
        CHECK(toml_number(3) == "3");
        CHECK(toml_number(-0.5) == "-0.5");
        CHECK(toml_number(12.25) == "12.25");
        CHECK(toml_number(1e20) == "1e+20");
        CHECK(toml_number(0.1 + 0.2) == "0.30000000000000004");
        CHECK(toml_string("a\"b\\c\n\x01") == "\"a\\\"b\\\\c\\n\\u0001\"");
        CHECK(toml_value(std::vector<std::string>{"x", "y"}) == "[\"x\", \"y\"]");
        CHECK(toml_value(day("2026-02-28")) == "2026-02-28");
    }

    TEST_CASE("a toml++ column counts code points, and the layout turns it into a byte offset") {
        const std::string text = "title = \"Café ☕ 🚀\" # x\n";
        const Layout layout(text);
        // Column 20 is the `#`: 19 code points precede it, é, ☕ and 🚀 among them.
        CHECK(layout.offset({1, 20}) == text.find('#'));
        CHECK(layout.offset({1, 1}) == 0);
        CHECK(layout.offset({2, 1}) == text.size());
        CHECK(layout.offset({9, 1}) == text.size());
    }

    TEST_CASE("the layout copies the file's line ending and indentation") {
        const Layout crlf("a = 1\r\n[t]\r\n\tb = 2\r\n");
        CHECK(crlf.eol() == "\r\n");
        CHECK(crlf.indent_unit() == "\t");
        CHECK(crlf.indentation(crlf.line_start(14)) == "\t");
        const Layout lf("a = 1\n");
        CHECK(lf.eol() == "\n");
        CHECK(lf.indent_unit() == "  ");
        CHECK(lf.ends_with_newline());
    }

    TEST_CASE("splices apply in offset order") {
        std::vector<Splice> splices{{4, 1, "X"}, {0, 0, ">"}};
        CHECK(apply_splices("abcdef", splices) == ">abcdXf");
    }

} // TEST_SUITE
