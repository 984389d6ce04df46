#include "okr/core/schema.hpp"
#include "okr/report/json_schema.hpp"

#include <doctest/doctest.h>

#include <fmt/format.h>
#include <string>

using namespace okr;

TEST_SUITE("okr::json_schema") {

    TEST_CASE("the schema names every key of the schema table with its doc") {
        const std::string text = report::json_schema();
        for (const schema::Key& key : schema::all_keys()) {
            CAPTURE(key.name);
            CHECK(text.find(fmt::format("\"{}\": {{", key.name)) != std::string::npos);
            CHECK(text.find(fmt::format("\"description\": \"{}\"", schema::doc(key))) !=
                  std::string::npos);
        }
    }

    TEST_CASE("an enum lists the values of the table, the default first") {
        const std::string text = report::json_schema();
        CHECK(text.find("\"enum\": [\n            \"daily\",") != std::string::npos);
        CHECK(text.find("\"default\": \"aspirational\"") != std::string::npos);
    }

} // TEST_SUITE
