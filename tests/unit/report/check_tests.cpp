// `okr check --format json`: the findings with their positions, levels and rules, and the counts.
#include "okr/report/check.hpp"

#include <doctest/doctest.h>

using namespace okr;
using namespace okr::report;

TEST_SUITE("okr::report::check") {

    TEST_CASE("findings: position, level, rule (schema when none), message, hint or null; counts") {
        Diagnostics findings(2);
        findings[0].path = "team/okr.toml";
        findings[0].pos = {3, 7};
        findings[0].level = Level::error;
        findings[0].message = "target must be a number";
        findings[0].hint = "write target = 10";
        findings[1].path = "okr.toml";
        findings[1].pos = {12, 1};
        findings[1].level = Level::warning;
        findings[1].rule = "stale-kr";
        findings[1].message = "no check-in for 30 days";
        CHECK(check_json(findings) == R"({
  "schema_version": 1,
  "findings": [
    {
      "path": "team/okr.toml",
      "line": 3,
      "column": 7,
      "level": "error",
      "rule": "schema",
      "message": "target must be a number",
      "hint": "write target = 10"
    },
    {
      "path": "okr.toml",
      "line": 12,
      "column": 1,
      "level": "warning",
      "rule": "stale-kr",
      "message": "no check-in for 30 days",
      "hint": null
    }
  ],
  "errors": 1,
  "warnings": 1
}
)");
    }

    TEST_CASE("no findings: an empty list and zero counts") {
        CHECK(check_json({}) == R"({
  "schema_version": 1,
  "findings": [],
  "errors": 0,
  "warnings": 0
}
)");
    }

} // TEST_SUITE
