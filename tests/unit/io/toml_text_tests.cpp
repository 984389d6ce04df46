#include "okr/io/toml_text.hpp"
#include "toml_layout.hpp" // private to io (src/io)

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

    // The blocks of `text` as strings, each prefixed with its kind (t, o, k), or "none".
    std::vector<std::string> blocks_of(std::string_view text) {
        std::vector<std::string> out;
        const auto blocks = split_items(text);
        if (!blocks) return {"none"};
        for (const TextBlock& b : *blocks) {
            const char* kind = b.kind == TextBlock::Kind::top         ? "t:"
                               : b.kind == TextBlock::Kind::objective ? "o:"
                                                                      : "k:";
            out.push_back(kind + std::string(text.substr(b.begin, b.end - b.begin)));
        }
        return out;
    }

    TEST_CASE("a goal file splits into its top and one block per item, sub-tables included") {
        const std::string text = "title = \"T\"\n[cycles.s]\nstart = 2026-01-01\n\n"
                                 "[[objective]]\nid = \"o\"\n  [[objective.kr]]\n  id = \"k\"\n"
                                 "  [objective.kr.extra]\n  x = 1\n\n"
                                 "# the KPIs\n[[kpi]]\nid = \"c\"\n";
        CHECK(blocks_of(text) ==
              std::vector<std::string>{
                  "t:title = \"T\"\n[cycles.s]\nstart = 2026-01-01\n\n",
                  "o:[[objective]]\nid = \"o\"\n  [[objective.kr]]\n  id = \"k\"\n"
                  "  [objective.kr.extra]\n  x = 1\n\n# the KPIs\n",
                  "k:[[kpi]]\nid = \"c\"\n"});
    }

    TEST_CASE("a header inside a multi-line string or an array is not a block boundary") {
        const std::string text = R"([[objective]]
id = "o"
notes = """
[[objective]]
\"""
[[kpi]] """""
tags = [
'''
[[kpi]]
''',
["[[kpi]]"]]
notes2 = '''
[[kpi]]
'''''
# [[kpi]]
x = "[[kpi]]" # """
[[kpi]] # a comment
)";
        const auto blocks = blocks_of(text);
        REQUIRE(blocks.size() == 3);
        CHECK(blocks[0] == "t:");
        CHECK(blocks[2] == "k:[[kpi]] # a comment\n");
    }

    TEST_CASE("a layout the scanner cannot vouch for is not split") {
        for (const std::string text : {
                 "[[\"objective\"]]\nid = \"o\"\n",          // a quoted key
                 "[[objective]]\nid = \"o\"\n[cycles.s]\n",  // the top after an item
                 "[[objective]]\nid = \"o\"\n[kpi.x]\n",     // another item's table
                 "[[objective]]\nid = \"o\"\n[objective]\n", // the array itself
                 "[objective.x]\n",                          // an item's key in the top
                 "[[objective]]\nnotes = \"\"\"\nopen\n",    // an open string
                 "[[objective]]\nnotes = \"one line\n\"\n",  // a broken string
                 "[[objective]]\ntags = [\n",                // an open array
                 "[[objective]]\nx = ]\n",                   // a stray bracket
                 "[[objective]] x\n",                        // text after a header
             })
            CHECK_MESSAGE(blocks_of(text) == std::vector<std::string>{"none"}, text);
    }

    TEST_CASE("a file without items is all top, and CRLF line ends split the same") {
        CHECK(blocks_of("title = \"T\"\n") == std::vector<std::string>{"t:title = \"T\"\n"});
        CHECK(blocks_of("a = 1\r\n[[kpi]]\r\nid = \"c\"\r\n") ==
              std::vector<std::string>{"t:a = 1\r\n", "k:[[kpi]]\r\nid = \"c\"\r\n"});
    }

} // TEST_SUITE
