#include "okr/io/import.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace okr::io;

namespace {

std::vector<ImportRow> rows_of(std::string_view text) {
    auto parsed = parse_import(text);
    if (!parsed)
        FAIL(parsed.failure().pos.line, ":", parsed.failure().pos.column, ": ",
             parsed.failure().message);
    return std::move(parsed).value();
}

std::string error_of(std::string_view text) {
    auto parsed = parse_import(text);
    REQUIRE_FALSE(parsed.ok());
    const okr::Failure& e = parsed.failure();
    CHECK(e.kind == okr::Failure::Kind::file_invalid);
    return std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column) + ": " + e.message;
}

} // namespace

TEST_SUITE("okr::import") {

    TEST_CASE("CSV rows follow the header's columns, with optional confidence and note") {
        const auto rows = rows_of("ref,date,value,confidence,note\n"
                                  "eco.launch,2026-11-20,2,70%,shipped\n"
                                  "csat,2026-11-30,88.4,,\n");
        REQUIRE(rows.size() == 2);
        CHECK(rows[0].number == 1);
        CHECK(rows[0].line == 2);
        CHECK(rows[0].ref == "eco.launch");
        CHECK(rows[0].date == "2026-11-20");
        CHECK(rows[0].value == "2");
        CHECK(rows[0].confidence == "70%");
        CHECK(rows[0].note == "shipped");
        CHECK(rows[1].confidence.empty());
        CHECK(rows[1].note.empty());
    }

    TEST_CASE("CSV columns may come in any order and in any case") {
        const auto rows = rows_of("Value,REF,Date\r\n12,csat,2026-11-30\r\n");
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].ref == "csat");
        CHECK(rows[0].value == "12");
    }

    TEST_CASE("RFC 4180 quoting: commas, doubled quotes and line breaks inside a field") {
        const auto rows =
            rows_of("ref,date,value,note\n"
                    "csat,2026-11-30,88,\"late, \"\"holiday\"\" backlog\nsecond line\"\n"
                    "csat,2026-12-31,90,plain\n");
        REQUIRE(rows.size() == 2);
        CHECK(rows[0].note == "late, \"holiday\" backlog\nsecond line");
        CHECK(rows[1].line == 4); // the quoted line break counts
        CHECK(rows[1].number == 2);
    }

    TEST_CASE("a byte order mark, blank lines and a missing final newline are fine") {
        const auto rows = rows_of("\xEF\xBB\xBFref,date,value\n\ncsat,2026-11-30,88\n\n"
                                  "csat,2026-12-31,90");
        REQUIRE(rows.size() == 2);
        CHECK(rows[1].value == "90");
        CHECK(rows[1].number == 2);
    }

    TEST_CASE("CSV errors name the line and the reason") {
        CHECK(error_of("") == "1:1: no header: an import in CSV starts with the line "
                              "ref,date,value");
        CHECK(error_of("ref,value\ncsat,1\n") == "1:0: the header has no column \"date\"");
        CHECK(error_of("ref,date,value,owner\n") == "1:0: unknown column \"owner\" in the header");
        CHECK(error_of("ref,date,value\ncsat,2026-11-30\n") ==
              "2:0: row 1 has 2 fields, the header has 3");
        CHECK(error_of("ref,date,value,note\ncsat,2026-11-30,1,\"open\n") ==
              "2:19: a quoted field is never closed");
    }

    TEST_CASE("JSON: an array of objects; numbers keep their text, null is absent") {
        const auto rows = rows_of(R"([
  {"ref": "eco.launch", "date": "2026-11-20", "value": 2, "confidence": 0.7},
  {"ref": "csat", "date": "2026-11-30", "value": "88.4 %", "note": "caf\u00e9 \ud83d\ude00", "confidence": null},
  {"ref": "eco.partners", "date": "2026-11-21", "value": true}
])");
        REQUIRE(rows.size() == 3);
        CHECK(rows[0].line == 2);
        CHECK(rows[0].value == "2");
        CHECK(rows[0].confidence == "0.7");
        CHECK(rows[1].value == "88.4 %");
        CHECK(rows[1].note == "caf\xC3\xA9 \xF0\x9F\x98\x80");
        CHECK(rows[1].confidence.empty());
        CHECK(rows[2].value == "done");
        CHECK(rows[2].number == 3);
    }

    TEST_CASE("JSON errors name the row") {
        CHECK(error_of(R"([{"ref": "csat", "date": "2026-11-30"}])") ==
              "1:0: row 1: \"value\" is missing");
        CHECK(error_of("[\n{\"ref\": \"a\", \"date\": \"2026-11-30\", \"value\": 1},\n"
                       "{\"ref\": \"a\", \"owner\": \"x\"}]") ==
              "3:14: row 2: unknown key \"owner\"");
        CHECK(error_of(R"([{"ref": "a", "date": "2026-11-30", "value": [1]}])") ==
              "1:46: row 1: \"value\" takes a string or a number");
        CHECK(error_of("[1]") == "1:2: row 1: expected an object `{ \"ref\": ..., \"date\": "
                                 "..., \"value\": ... }`");
        CHECK(error_of("[{\"ref\": \"a\", \"date\": \"2026-11-30\", \"value\": 1}") ==
              "1:48: expected `,` or `]` after an object");
    }

    TEST_CASE("JSON numbers keep their text as written, however long") {
        const auto rows = rows_of(
            "[{\"ref\": \"a\", \"date\": \"2026-11-30\", \"value\": 1.50e3, \"confidence\": -0},\n"
            " {\"ref\": \"b\", \"date\": \"2026-11-30\", \"value\": "
            "123456789012345678901234567890},\n"
            " {\"ref\": \"c\\\"q\", \"date\": \"2026-11-30\", \"value\": 18446744073709551615}]");
        REQUIRE(rows.size() == 3);
        CHECK(rows[0].value == "1.50e3");
        CHECK(rows[0].confidence == "-0");
        CHECK(rows[1].value == "123456789012345678901234567890");
        CHECK(rows[1].line == 2);
        CHECK(rows[2].ref == "c\"q");
        CHECK(rows[2].value == "18446744073709551615");
    }

    TEST_CASE("JSON syntax errors say what was expected, where") {
        const std::string row = R"({"ref": "a", "date": "2026-11-30", "value": 1})";
        CHECK(error_of("[" + row + ",]") ==
              "1:49: row 2: expected an object `{ \"ref\": ..., \"date\": ..., \"value\": ... }`");
        CHECK(error_of("[" + row + " " + row + "]") == "1:49: expected `,` or `]` after an object");
        CHECK(error_of("[" + row + "] x") == "1:50: unexpected text after the array");
        CHECK(error_of("[{\"ref\" \"a\"}]") == "1:9: row 1: expected `:` after \"ref\"");
        CHECK(error_of("[{\"ref\": \"a\",\n  }]") == "2:3: row 1: expected a key in quotes");
        CHECK(error_of("[{ ref: 1}]") == "1:4: row 1: expected a key in quotes");
        CHECK(error_of("[{\"ref\": \"a\" \"date\": 1}]") == "1:14: row 1: expected `,` or `}`");
        CHECK(error_of("[{\"ref\": 01}]") == "1:11: row 1: expected `,` or `}`");
        CHECK(error_of("[{\"ref\": tru}]") == "1:10: row 1: \"ref\" takes a string or a number");
        CHECK(error_of("[{\"ref\": {}}]") == "1:10: row 1: \"ref\" takes a string or a number");
        for (const char* bad : {"[{\"ref\": \"a", "[{\"ref\": \"a\\x\"}]", "[{\"ref\": \"a\tb\"}]",
                                "[{\"ref\": \"\xff\"}]", "[{\"ref\": \"\\ud800\"}]"}) {
            CAPTURE(bad);
            CHECK(error_of(bad) == "1:10: row 1: a string is not closed, or holds a control "
                                   "character, a bad escape or invalid UTF-8");
        }
        CHECK(error_of("[{\"ref\": \"a\", \"ref\": \"b\"}]") ==
              "1:15: row 1: \"ref\" is given twice");
        CHECK(error_of("[" + std::string(1000, '[')) ==
              "1:2: row 1: expected an object `{ \"ref\": ..., \"date\": ..., \"value\": ... }`");
    }

    TEST_CASE("a top-level JSON object is read as JSON, which wants an array") {
        CHECK(error_of("{\"rows\": []}") ==
              "1:1: expected `[`: an import in JSON is an array of objects");
        CHECK(error_of("\n  {\"ref\": \"a\", \"date\": \"2026-11-30\", \"value\": 1}") ==
              "2:3: expected `[`: an import in JSON is an array of objects");
    }

    TEST_CASE("an empty JSON array has no rows") {
        CHECK(rows_of(" [ ] \n").empty());
    }
}
