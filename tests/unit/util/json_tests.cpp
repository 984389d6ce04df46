#include "okr/util/json.hpp"

#include <doctest/doctest.h>

#include <string>

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
