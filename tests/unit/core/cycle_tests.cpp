#include "okr/core/cycle.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

using okr::builtin_cycle;
using okr::Cycle;
using okr::quarter_name;
using okr::test::day;

namespace {

// "START..END" of a built-in cycle, or "none".
std::string span_of(const char* name) {
    auto c = builtin_cycle(name);
    if (!c) return "none";
    CHECK(c->name == name);
    return c->start.iso() + ".." + c->end.iso();
}

} // namespace

TEST_SUITE("okr::cycle") {

    TEST_CASE("YYYY is the whole calendar year") {
        CHECK(span_of("2026") == "2026-01-01..2026-12-31");
    }

    TEST_CASE("YYYY-H1 and YYYY-H2 are the two halves of the year") {
        CHECK(span_of("2026-H1") == "2026-01-01..2026-06-30");
        CHECK(span_of("2026-H2") == "2026-07-01..2026-12-31");
    }

    TEST_CASE("YYYY-Q1 to YYYY-Q4 are the calendar quarters") {
        CHECK(span_of("2026-Q1") == "2026-01-01..2026-03-31");
        CHECK(span_of("2026-Q2") == "2026-04-01..2026-06-30");
        CHECK(span_of("2026-Q3") == "2026-07-01..2026-09-30");
        CHECK(span_of("2026-Q4") == "2026-10-01..2026-12-31");
    }

    TEST_CASE("Q1 of a leap year is one day longer") {
        const auto leap = builtin_cycle("2024-Q1");
        const auto common = builtin_cycle("2025-Q1");
        REQUIRE(leap);
        REQUIRE(common);
        CHECK(leap->end - leap->start == 90);
        CHECK(common->end - common->start == 89);
        CHECK(leap->contains(day("2024-02-29")));
    }

    TEST_CASE("YYYY-MM is one month, ending on its last day") {
        CHECK(span_of("2026-01") == "2026-01-01..2026-01-31");
        CHECK(span_of("2024-02") == "2024-02-01..2024-02-29");
        CHECK(span_of("2026-02") == "2026-02-01..2026-02-28");
        CHECK(span_of("2026-04") == "2026-04-01..2026-04-30");
        CHECK(span_of("2026-12") == "2026-12-01..2026-12-31");
    }

    TEST_CASE("other names are not built-in cycles") {
        for (const char* name : {"", "2026-Q0", "2026-Q5", "2026-H0", "2026-H3", "2026-00",
                                 "2026-13", "2026-q1", "2026-h1", "2026Q1", "26-Q1", "2026-Q12",
                                 "2026-1", "0000", "abcd", "launch-sprint", "2026-", "2026 "}) {
            CAPTURE(name);
            CHECK_FALSE(builtin_cycle(name));
        }
    }

    TEST_CASE("a cycle contains its first and last day") {
        const Cycle q4 = *builtin_cycle("2026-Q4");
        CHECK(q4.contains(day("2026-10-01")));
        CHECK(q4.contains(day("2026-12-31")));
        CHECK_FALSE(q4.contains(day("2026-09-30")));
        CHECK_FALSE(q4.contains(day("2027-01-01")));
    }

    TEST_CASE("elapsed is the fraction of days from start to end") {
        const Cycle c{"c", day("2026-01-01"), day("2026-04-11")}; // 100 days from start to end
        CHECK(c.elapsed(day("2026-01-01")) == 0.0);
        CHECK(c.elapsed(day("2026-01-26")) == doctest::Approx(0.25));
        CHECK(c.elapsed(day("2026-03-02")) == doctest::Approx(0.6));
        CHECK(c.elapsed(day("2026-04-11")) == 1.0);
    }

    TEST_CASE("elapsed is 0 before the cycle starts and 1 after it ends") {
        const Cycle q4 = *builtin_cycle("2026-Q4");
        CHECK(q4.elapsed(day("2026-09-30")) == 0.0);
        CHECK(q4.elapsed(day("2020-01-01")) == 0.0);
        CHECK(q4.elapsed(day("2027-01-01")) == 1.0);
        CHECK(q4.elapsed(day("2030-06-01")) == 1.0);
    }

    TEST_CASE("the quarter of a date is named YYYY-Qn") {
        CHECK(quarter_name(day("2026-01-01")) == "2026-Q1");
        CHECK(quarter_name(day("2026-03-31")) == "2026-Q1");
        CHECK(quarter_name(day("2026-04-01")) == "2026-Q2");
        CHECK(quarter_name(day("2026-09-30")) == "2026-Q3");
        CHECK(quarter_name(day("2026-11-04")) == "2026-Q4");
    }

} // TEST_SUITE
