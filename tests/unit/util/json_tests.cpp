#include "okr/util/json.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace okr::util;

TEST_SUITE("okr::util::json") {

    TEST_CASE("a message reads into values and writes back compact") {
        auto v = json::parse(R"( {"id": 3, "params": {"uri": "file:///a%20b", "list": [1.5, true,
                                null, "\u00e9\ud83d\ude00"]}} )");
        REQUIRE(v);
        CHECK(*v->get("id")->as_number() == 3);
        CHECK(*v->at("params", "uri")->as_string() == "file:///a%20b");
        CHECK(json::dump(*v) ==
              R"({"id":3,"params":{"uri":"file:///a%20b","list":[1.5,true,null,"é😀"]}})");
    }

    TEST_CASE("text that is not JSON is refused") {
        for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\\ud800\"",
                                "\"a\nb\"", "tru", "{} x", "\"\\x\"", "\"\xff\"", "1e", "[1 2]"}) {
            CAPTURE(bad);
            CHECK_FALSE(json::parse(bad));
        }
    }

    TEST_CASE("nesting deeper than the bound is refused, not recursed into") {
        const std::string deep(100000, '[');
        CHECK_FALSE(json::parse(deep));
        std::string ok(json::k_max_depth, '[');
        ok += std::string(json::k_max_depth, ']');
        CHECK(json::parse(ok));
    }

    TEST_CASE("read hands each event with its place in the text and numbers as written") {
        const std::string text = R"( {"a\"b": [1.50e3, -0, "x\\"], "c": null} )";
        std::vector<std::string> seen;
        CHECK(json::read(text, [&](const json::Event& e) {
                  seen.push_back(std::string(e.text) + "@" + std::to_string(e.offset) + "-" +
                                 std::to_string(e.end) + "=" +
                                 std::string(text.substr(e.offset, e.end - e.offset)));
                  return true;
              }) == json::ReadEnd::read);
        CHECK(seen == std::vector<std::string>{R"(@1-2={)", R"(a"b@2-8="a\"b")", R"(@10-11=[)",
                                               R"(1.50e3@11-17=1.50e3)", R"(-0@19-21=-0)",
                                               R"(x\@23-28="x\\")", R"(@28-29=])", R"(c@31-34="c")",
                                               R"(null@36-40=null)", R"(@40-41=})"});
        CHECK(json::read("[1, 2]", [](const json::Event& e) {
                  return e.kind != json::Event::Kind::number;
              }) == json::ReadEnd::refused);
        CHECK(json::read("[1, 2", [](const json::Event&) { return true; }) ==
              json::ReadEnd::invalid);
        CHECK(json::read("7", [](const json::Event& e) { return e.text == "7" && e.end == 1; }) ==
              json::ReadEnd::read);
    }

    TEST_CASE("a number out of the range of a double is refused") {
        CHECK_FALSE(json::parse("[1e999]"));
        CHECK(*json::parse("123456789012345678901234567890")->as_number() == 1.2345678901234568e29);
    }

    TEST_CASE("control characters and invalid UTF-8 are escaped on the way out") {
        std::string out;
        json::append_string(out, std::string("a\x01\"\\\n\xff", 6));
        CHECK(out == R"("a\u0001\"\\\n\ufffd")");
    }

    TEST_CASE("set replaces a member and keeps the order of the others") {
        json::Value v;
        v.set("a", 1);
        v.set("b", 2);
        v.set("a", "x");
        CHECK(json::dump(v) == R"({"a":"x","b":2})");
    }

} // TEST_SUITE
