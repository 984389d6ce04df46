#include "okr/io/edit.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace okr;
using namespace okr::io;
using okr::test::day;
using okr::test::text_of;

namespace {

Checkin checkin(std::string_view date, double value) {
    Checkin c;
    c.date = day(date);
    c.value = value;
    return c;
}

std::string edited(const Result<Edit>& e) {
    if (!e.ok()) FAIL(e.failure().message);
    return e->text;
}

const std::string k_file = std::string(text_of(R"(
cycle = "2026-Q4"

[[objective]]
id = "eco"
title = "Eco"

  [[objective.kr]]
  id = "launch"
  title = "Launch"
  target = 2
  current = 1
  checkins = [
    { date = 2026-10-14, value = 1 },
  ]

  [[objective.kr]]
  id = "partners"
  title = "Partners"
  type = "milestone"
  checkins = [ { date = 2026-11-10, value = 0 } ]

  [[objective.kr]]
  id = "sat"
  title = "Satisfaction"
  target = 95

[[kpi]]
id = "csat"
title = "CSAT"
min = 90
checkins = [
  {date=2026-10-31,value=91.2}
]
)"));

} // namespace

TEST_SUITE("okr::edit") {

    TEST_CASE("several check-ins of several items in one edit, each as one appended line") {
        const std::string after =
            edited(append_checkins(k_file, "x.toml",
                                   {{ItemId::of_kr("eco", "launch"), checkin("2026-11-20", 2)},
                                    {ItemId::of_kpi("csat"), checkin("2026-11-30", 88)},
                                    {ItemId::of_kr("eco", "launch"), checkin("2026-11-01", 1.5)},
                                    {ItemId::of_kr("eco", "sat"), checkin("2026-11-02", 90)},
                                    {ItemId::of_kr("eco", "partners"), checkin("2026-11-21", 1)},
                                    {ItemId::of_kpi("csat"), checkin("2026-12-31", 92)}}));
        CHECK(after == text_of(R"(
cycle = "2026-Q4"

[[objective]]
id = "eco"
title = "Eco"

  [[objective.kr]]
  id = "launch"
  title = "Launch"
  target = 2
  current = 2
  checkins = [
    { date = 2026-10-14, value = 1 },
    { date = 2026-11-20, value = 2 },
    { date = 2026-11-01, value = 1.5 },
  ]

  [[objective.kr]]
  id = "partners"
  title = "Partners"
  type = "milestone"
  checkins = [
    { date = 2026-11-10, value = 0 },
    { date = 2026-11-21, value = 1 },
  ]

  [[objective.kr]]
  id = "sat"
  title = "Satisfaction"
  target = 95
  checkins = [
    { date = 2026-11-02, value = 90 },
  ]

[[kpi]]
id = "csat"
title = "CSAT"
min = 90
checkins = [
  {date=2026-10-31,value=91.2},
  {date=2026-11-30,value=88},
  {date=2026-12-31,value=92}
]
)"));
    }

    TEST_CASE("a batch gives the same text as the same check-ins appended one by one") {
        const std::vector<std::pair<ItemId, Checkin>> list = {
            {ItemId::of_kr("eco", "launch"), checkin("2026-11-20", 2)},
            {ItemId::of_kr("eco", "launch"), checkin("2026-11-21", 3)},
            {ItemId::of_kr("eco", "partners"), checkin("2026-11-21", 1)},
            {ItemId::of_kr("eco", "partners"), checkin("2026-11-22", 0)},
            {ItemId::of_kr("eco", "sat"), checkin("2026-11-02", 90)},
            {ItemId::of_kr("eco", "sat"), checkin("2026-11-03", 91)},
            {ItemId::of_kpi("csat"), checkin("2026-11-30", 88)},
        };
        std::string one_by_one = k_file;
        for (const auto& [item, c] : list)
            one_by_one = edited(append_checkin(one_by_one, "x.toml", item, c));
        CHECK(edited(append_checkins(k_file, "x.toml", list)) == one_by_one);
    }

    TEST_CASE("a batch with an unknown item changes nothing") {
        const Result<Edit> e =
            append_checkins(k_file, "x.toml",
                            {{ItemId::of_kr("eco", "launch"), checkin("2026-11-20", 2)},
                             {ItemId::of_kpi("nps"), checkin("2026-11-20", 2)}});
        REQUIRE_FALSE(e.ok());
        CHECK(e.failure().kind == okr::Failure::Kind::not_found);
    }
}
