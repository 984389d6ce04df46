#include "okr/core/date.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

using okr::Date;
using okr::days_in_month;
using okr::parse_cli_date;
using okr::test::day;

TEST_SUITE("okr::date") {

    TEST_CASE("an ISO date parses into its year, month and day") {
        const auto d = Date::parse_iso("2026-11-04");
        REQUIRE(d.has_value());
        CHECK(d->year() == 2026);
        CHECK(d->month() == 11);
        CHECK(d->day() == 4);
        CHECK(d->iso() == "2026-11-04");
    }

    TEST_CASE("day numbers count from 1970-01-01") {
        CHECK(Date::from_days(0).iso() == "1970-01-01");
        CHECK(day("1970-01-02").days() == 1);
        CHECK(day("1969-12-31").days() == -1);
        CHECK(day("2000-03-01").iso() == "2000-03-01");
        CHECK(Date::from_days(-719162).iso() == "0001-01-01");
        CHECK(Date::from_days(2932896).iso() == "9999-12-31");
        CHECK(Date::from_days(2932897).iso() == "10000-01-01");
        CHECK(Date::from_days(-719163).iso() == "0000-12-31");
    }

    TEST_CASE("a day that does not exist in its month is not a date") {
        CHECK_FALSE(Date::parse_iso("2026-02-30"));
        CHECK_FALSE(Date::parse_iso("2026-04-31"));
        CHECK_FALSE(Date::parse_iso("2026-01-32"));
        CHECK_FALSE(Date::parse_iso("2026-01-00"));
    }

    TEST_CASE("a month outside 1 to 12 is not a date") {
        CHECK_FALSE(Date::parse_iso("2026-13-01"));
        CHECK_FALSE(Date::parse_iso("2026-00-10"));
    }

    TEST_CASE("only the exact YYYY-MM-DD form parses") {
        for (const char* text :
             {"", "2026-1-01", "2026-01-1", "2026/01/01", " 2026-01-01", "2026-01-01 ",
              "2026-01-01x", "+026-01-01", "2026-0a-01", "20260101", "26-01-01", "2026-01--1"}) {
            CAPTURE(text);
            CHECK_FALSE(Date::parse_iso(text));
        }
    }

    TEST_CASE("February has 29 days in leap years only") {
        CHECK(Date::parse_iso("2024-02-29"));
        CHECK(Date::parse_iso("2000-02-29"));
        CHECK_FALSE(Date::parse_iso("2023-02-29"));
        CHECK_FALSE(Date::parse_iso("1900-02-29"));
        CHECK_FALSE(Date::parse_iso("2100-02-29"));
        CHECK(days_in_month(2024, 2) == 29);
        CHECK(days_in_month(2026, 2) == 28);
        CHECK(days_in_month(2000, 2) == 29);
        CHECK(days_in_month(2100, 2) == 28);
        CHECK(days_in_month(2026, 4) == 30);
        CHECK(days_in_month(2026, 12) == 31);
    }

    TEST_CASE("the difference of two dates is in days, across a leap day") {
        CHECK(day("2024-03-01") - day("2024-02-28") == 2);
        CHECK(day("2023-03-01") - day("2023-02-28") == 1);
        CHECK(day("2027-01-01") - day("2026-01-01") == 365);
        CHECK(day("2025-01-01") - day("2024-01-01") == 366);
        CHECK(day("2026-12-31").plus_days(1) == day("2027-01-01"));
    }

    TEST_CASE("dates order by day") {
        CHECK(day("2026-01-31") < day("2026-02-01"));
        CHECK(day("2025-12-31") < day("2026-01-01"));
        CHECK(day("2026-05-05") == day("2026-05-05"));
    }

    TEST_CASE("years outside 1 to 9999 are not supported") {
        CHECK_FALSE(Date::from_ymd(0, 1, 1));
        CHECK_FALSE(Date::from_ymd(10000, 1, 1));
        CHECK(Date::from_ymd(1, 1, 1));
        CHECK(Date::from_ymd(9999, 12, 31));
        CHECK_FALSE(Date::parse_iso("0000-01-01"));
    }

    TEST_CASE("the command line takes today and yesterday") {
        const Date today = day("2026-03-01");
        CHECK(parse_cli_date("today", today) == today);
        CHECK(parse_cli_date("yesterday", today) == day("2026-02-28"));
    }

    TEST_CASE("the command line takes days and weeks ago as -Nd and -Nw") {
        const Date today = day("2026-03-03");
        CHECK(parse_cli_date("-3d", today) == day("2026-02-28"));
        CHECK(parse_cli_date("-2w", today) == day("2026-02-17"));
        CHECK(parse_cli_date("-0d", today) == today);
        CHECK(parse_cli_date("-10d", today) == day("2026-02-21"));
    }

    TEST_CASE("the command line takes an ISO date regardless of today") {
        CHECK(parse_cli_date("2024-02-29", day("2026-03-03")) == day("2024-02-29"));
    }

    TEST_CASE("anything else on the command line is not a date") {
        const Date today = day("2026-03-03");
        for (const char* text : {"", "tomorrow", "3d", "+3d", "-d", "-w", "-3", "-3m", "-3.5d",
                                 "-d3", "- 3d", "2026-02-30", "2026-13-01"}) {
            CAPTURE(text);
            CHECK_FALSE(parse_cli_date(text, today));
        }
    }

} // TEST_SUITE
