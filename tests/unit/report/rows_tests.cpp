#include "okr/report/rows.hpp"

#include "okr/report/status.hpp"
#include "okr/util/parallel.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace okr;
using namespace okr::report;
using okr::test::day;
using okr::test::Loaded;

namespace {

using Strings = std::vector<std::string>;

// One team file: two scored Q4 objectives with weights 2 and 1, a dropped one, one without
// KRs, one from Q3, and two KPIs.
constexpr std::string_view k_team = R"(
title = "Team goals"
owner = "alice"
cycle = "2026-Q4"

[[objective]]
id = "o1"
title = "Eco products"
weight = 2
tags = ["customer"]
kpis = ["csat", "missing"]
  [[objective.kr]]
  id = "k1"
  title = "Launch"
  target = 10
  unit = "products"
  checkins = [ { date = 2026-10-11, value = 8, confidence = 0.7 } ]
  [[objective.kr]]
  id = "k2"
  title = "Partners"
  type = "milestone"
  checkins = [ { date = 2026-10-20, value = 1 } ]

[[objective]]
id = "o2"
title = "Satisfaction"
owner = "bob"
parent = "o1"
  [[objective.kr]]
  id = "m"
  title = "Tickets"
  target = 10
  checkins = [ { date = 2026-10-05, value = 2 } ]
  [[objective.kr]]
  id = "sat"
  title = "CSAT doubles"
  target = 26
  kpi = "csat"

[[objective]]
id = "o3"
title = "Dropped"
status = "dropped"
  [[objective.kr]]
  id = "x"
  title = "X"
  target = 10
  checkins = [ { date = 2026-10-05, value = 10 } ]

[[objective]]
id = "o4"
title = "Nothing measured yet"
parent = "company/leader"

[[objective]]
id = "old"
title = "Last quarter"
cycle = "2026-Q3"
  [[objective.kr]]
  id = "k"
  title = "K"
  target = 10
  checkins = [ { date = 2026-09-01, value = 5 } ]

[[kpi]]
id = "csat"
title = "Customer satisfaction"
min = 90
owner = "support"
tags = ["customer"]
checkins = [
  { date = 2026-10-02, value = 2 }, { date = 2026-10-03, value = 3 }, { date = 2026-10-04, value = 4 },
  { date = 2026-10-05, value = 5 }, { date = 2026-10-06, value = 6 }, { date = 2026-10-07, value = 7 },
  { date = 2026-10-08, value = 8 }, { date = 2026-10-09, value = 9 }, { date = 2026-10-10, value = 10 },
  { date = 2026-10-11, value = 11 }, { date = 2026-10-12, value = 12 }, { date = 2026-10-13, value = 13 },
  { date = 2026-10-01, value = 1 }, { date = 2026-12-01, value = 99 },
]

[[kpi]]
id = "latency"
title = "Latency"
max = 200
owner = "ops"
)";

Selection in_cycle(std::string name) {
    Selection s;
    s.cycle = std::move(name);
    return s;
}
Selection refs(std::vector<std::string> list) {
    Selection s;
    s.refs = std::move(list);
    return s;
}
Selection owned_by(std::string owner) {
    Selection s;
    s.owner = std::move(owner);
    return s;
}
Selection tagged(std::string tag) {
    Selection s;
    s.tag = std::move(tag);
    return s;
}

struct Team : Loaded {
    explicit Team(std::string_view as_of = "2026-11-01")
        : Loaded({{"team.toml", k_team}}, day(as_of)) {}

    Report report(Selection selection = {}) const {
        return build_report(index, evaluation, selection);
    }
    Strings cycles(const std::string& name) const {
        Strings out;
        for (const Cycle* c : selected_cycles(index, name, evaluation.as_of))
            out.push_back(c->name);
        return out;
    }
};

Strings ids_of(const Report& r) {
    Strings out;
    for (const ObjectiveRow& o : r.objectives)
        out.push_back(o.id);
    return out;
}

const ObjectiveRow& row(const Report& r, std::string_view id) {
    for (const ObjectiveRow& o : r.objectives)
        if (o.id == id) return o;
    FAIL("no row ", std::string(id));
    throw; // unreachable: FAIL throws
}

} // namespace

TEST_SUITE("okr::report::rows") {

    TEST_CASE("by default the report covers the cycles that contain the as-of date") {
        CHECK(Team("2026-11-01").cycles("") == Strings{"2026-Q4"});
        CHECK(Team("2026-09-15").cycles("") == Strings{"2026-Q3"});
    }

    TEST_CASE("when no cycle contains the as-of date the report covers the one that ended last") {
        CHECK(Team("2027-02-01").cycles("") == Strings{"2026-Q4"});
        CHECK(Team("2026-01-01").cycles("").empty());
    }

    TEST_CASE("a named cycle, all cycles, or nothing for a name no objective uses") {
        Team ws;
        CHECK(ws.cycles("2026-Q3") == Strings{"2026-Q3"});
        CHECK(ws.cycles("all") == Strings{"2026-Q3", "2026-Q4"});
        CHECK(ws.cycles("2025-Q1").empty());
        CHECK(ws.cycles("nope").empty());
    }

    TEST_CASE("the report lists the selected cycle's objectives, dropped ones included") {
        const Report r = Team().report();
        CHECK(r.title == "Team goals");
        CHECK(r.as_of == day("2026-11-01"));
        REQUIRE(r.cycles.size() == 1);
        CHECK(r.cycles[0].name == "2026-Q4");
        CHECK(r.cycles[0].elapsed == doctest::Approx(31.0 / 91));
        CHECK(ids_of(r) == Strings{"o1", "o2", "o3", "o4"});
        CHECK(row(r, "o3").status == Status::dropped);
        CHECK_FALSE(row(r, "o3").score);
        CHECK_FALSE(row(r, "o4").score);
        CHECK(row(r, "o4").status == Status::none);
    }

    TEST_CASE("the overall score is the mean of objective scores weighted by objective weight") {
        // o1 = (0.8 + 1.0) / 2 = 0.9 with weight 2; o2 = (0.2 + 13/26) / 2 = 0.35 with weight 1.
        const Report r = Team().report();
        CHECK(row(r, "o1").score == doctest::Approx(0.9));
        CHECK(row(r, "o2").score == doctest::Approx(0.35));
        REQUIRE(r.overall);
        CHECK(*r.overall == doctest::Approx((2 * 0.9 + 0.35) / 3));
        CHECK(r.overall_band == Band::green);
    }

    TEST_CASE("dropped objectives and objectives without a score are left out of totals") {
        const Report r = Team().report();
        std::size_t counted = 0;
        for (const OwnerTotal& t : r.owners)
            counted += t.objectives;
        CHECK(counted == 2);
    }

    TEST_CASE("each owner's total is the weighted mean of their objectives") {
        const Report r = Team().report();
        REQUIRE(r.owners.size() == 2);
        CHECK(r.owners[0].owner == "alice");
        CHECK(r.owners[0].score == doctest::Approx(0.9));
        CHECK(r.owners[0].band == Band::green);
        CHECK(r.owners[0].objectives == 1);
        CHECK(r.owners[1].owner == "bob");
        CHECK(r.owners[1].score == doctest::Approx(0.35));
        CHECK(r.owners[1].band == Band::red);
    }

    TEST_CASE("all cycles roll up together") {
        const Report r = Team().report(in_cycle("all"));
        CHECK(ids_of(r) == Strings{"o1", "o2", "o3", "o4", "old"});
        REQUIRE(r.overall);
        CHECK(*r.overall == doctest::Approx((2 * 0.9 + 0.35 + 0.5) / 4));
    }

    TEST_CASE("a KR row carries its values, progress, expected progress and check-in age") {
        const Report r = Team().report();
        const ObjectiveRow& o1 = row(r, "o1");
        CHECK(o1.ref == "team/o1");
        CHECK(o1.file == "team.toml");
        CHECK(o1.cycle == "2026-Q4");
        CHECK(o1.weight == 2);
        CHECK(o1.expected == doctest::Approx(31.0 / 91));
        CHECK(o1.band == Band::green);
        REQUIRE(o1.krs.size() == 2);
        const KrRow& k1 = o1.krs[0];
        CHECK(k1.ref == "team/o1.k1");
        CHECK(k1.owner == "alice");
        CHECK(k1.unit == "products");
        CHECK(k1.start == 0);
        CHECK(k1.target == 10);
        CHECK(k1.current == 8);
        CHECK(k1.progress == doctest::Approx(0.8));
        CHECK(k1.expected == doctest::Approx(31.0 / 91));
        CHECK(k1.score == doctest::Approx(0.8));
        CHECK(k1.band == Band::green);
        CHECK(k1.confidence == 0.7);
        CHECK(k1.last_checkin == day("2026-10-11"));
        CHECK(k1.age_days == 21);
        CHECK(o1.krs[1].type == KrType::milestone);
        CHECK(o1.krs[1].status == Status::done);
    }

    TEST_CASE("a KR following a KPI shows the KPI's canonical reference") {
        const Report r = Team().report();
        const ObjectiveRow& o2 = row(r, "o2");
        REQUIRE(o2.krs.size() == 2);
        CHECK(o2.krs[1].kpi_ref == "team/csat");
        CHECK_FALSE(o2.krs[1].kpi_unresolved);
        CHECK(o2.krs[1].current == 13);
        CHECK(o2.krs[0].kpi_ref.empty());
    }

    TEST_CASE("parents show as canonical references, or as written when unresolved") {
        const Report r = Team().report();
        CHECK(row(r, "o2").parent == "team/o1");
        CHECK_FALSE(row(r, "o2").parent_unresolved);
        CHECK(row(r, "o4").parent == "company/leader");
        CHECK(row(r, "o4").parent_unresolved);
        CHECK(row(r, "o1").parent.empty());
    }

    TEST_CASE("supporting KPIs show under their objective, unresolved ones are listed apart") {
        const Report r = Team().report();
        const ObjectiveRow& o1 = row(r, "o1");
        REQUIRE(o1.kpis.size() == 1);
        CHECK(o1.kpis[0].ref == "team/csat");
        CHECK(o1.missing_kpis == Strings{"missing"});
    }

    TEST_CASE("references narrow the report to objectives or single KRs") {
        Team ws;
        CHECK(ids_of(ws.report(refs({"team/o2"}))) == Strings{"o2"});
        const Report one_kr = ws.report(refs({"o1.k2"}));
        REQUIRE(ids_of(one_kr) == Strings{"o1"});
        REQUIRE(one_kr.objectives[0].krs.size() == 1);
        CHECK(one_kr.objectives[0].krs[0].id == "k2");
        const Report bare = ws.report(refs({"k1"}));
        REQUIRE(ids_of(bare) == Strings{"o1"});
        CHECK(bare.objectives[0].krs.at(0).id == "k1");
        CHECK(ids_of(ws.report(refs({"o1", "o1.k2"}))) == Strings{"o1"});
        CHECK(ws.report(refs({"o1", "o1.k2"})).objectives[0].krs.size() == 2);
    }

    TEST_CASE("owner and tag filters narrow the report") {
        Team ws;
        CHECK(ids_of(ws.report(owned_by("bob"))) == Strings{"o2"});
        CHECK(ids_of(ws.report(tagged("customer"))) == Strings{"o1"});
        CHECK(ws.report(owned_by("nobody")).objectives.empty());
    }

    TEST_CASE("the report lists every KPI of the workspace") {
        const Report r = Team().report(owned_by("bob"));
        REQUIRE(r.kpis.size() == 2);
        CHECK(r.kpis[0].id == "csat");
        CHECK(r.kpis[1].id == "latency");
    }

    TEST_CASE("a KPI row holds its latest value, health and the last 12 values oldest first") {
        Team ws;
        const auto rows = build_kpi_rows(ws.index, ws.evaluation, Selection{});
        REQUIRE(rows.size() == 2);
        const KpiRow& csat = rows[0];
        CHECK(csat.ref == "team/csat");
        CHECK(csat.owner == "support");
        CHECK(csat.value == 13);
        CHECK(csat.date == day("2026-10-13"));
        CHECK(csat.health == Health::breach);
        CHECK(csat.history == std::vector<double>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
        const KpiRow& latency = rows[1];
        CHECK(latency.health == Health::unknown);
        CHECK_FALSE(latency.value);
        CHECK(latency.history.empty());
    }

    TEST_CASE("KPI rows filter by reference, owner and tag") {
        Team ws;
        auto ids = [&](Selection s) {
            Strings out;
            for (const KpiRow& k : build_kpi_rows(ws.index, ws.evaluation, s))
                out.push_back(k.id);
            return out;
        };
        CHECK(ids(refs({"latency"})) == Strings{"latency"});
        CHECK(ids(owned_by("support")) == Strings{"csat"});
        CHECK(ids(tagged("customer")) == Strings{"csat"});
        CHECK(ids(refs({"nope"})).empty());
    }

    TEST_CASE("a report of many files is the same on one core as on many") {
        // 600 files, each with objectives aligned to the first file's and KRs that follow its
        // KPI: files are evaluated, made rows and written in parts, one per core, a window of
        // parts at a time (1,200 objectives: two windows on one core and on two).
        std::vector<std::string> texts;
        for (int f = 0; f < 600; ++f)
            texts.push_back(fmt::format(R"(
title = "Team {0}"
owner = "owner-{1}"
cycle = "2026-Q4"

[[objective]]
id = "o1"
title = "Objective {0} \"one\""
parent = "t000/o1"
kpis = ["speed", "t000/speed"]
  [[objective.kr]]
  id = "a"
  title = "A"
  target = {2}
  checkins = [ {{ date = 2026-10-0{3}, value = {4}, confidence = 0.{3} }} ]
  [[objective.kr]]
  id = "b"
  title = "B"
  kpi = "t000/speed"
  target = 50

[[objective]]
id = "o2"
title = "Second"
  [[objective.kr]]
  id = "c"
  title = "C"
  start = 3
  target = 0.7
  checkins = [ {{ date = 2026-11-1{3}, value = {5} }} ]

[[kpi]]
id = "speed"
title = "Speed"
min = 10
checkins = [ {{ date = 2026-10-02, value = {6} }}, {{ date = 2026-11-02, value = {7} }} ]
)",
                                        f, f % 7, 10 + f % 13, 1 + f % 9, f % 11, 0.1 * (f % 17),
                                        f % 23, f % 37));
        std::vector<std::pair<std::string, std::string_view>> files;
        for (int f = 0; f < 600; ++f)
            files.emplace_back(fmt::format("t{:03}.toml", f), texts[static_cast<std::size_t>(f)]);
        // The document, whole or handed on in pieces as it is written (as to standard output).
        auto json = [&](std::size_t cores, bool spilled = false) {
            okr::util::use_cores(cores);
            const Loaded loaded(files, day("2026-11-20"));
            Selection all;
            all.cycle = "all";
            std::string pieces;
            std::size_t count = 0;
            Spill spill;
            if (spilled)
                spill = [&](std::string& text) {
                    pieces += text;
                    text.clear();
                    ++count;
                };
            const std::string out =
                status_json(build_report(loaded.index, loaded.evaluation, all), spill);
            okr::util::use_cores(0);
            if (spilled) CHECK(count > 4);
            return pieces + out;
        };
        const std::string one = json(1);
        CHECK(one.find("\"ref\": \"t599/o2\"") != std::string::npos);
        CHECK(json(2) == one);
        CHECK(json(7) == one);
        CHECK(json(1, true) == one);
        CHECK(json(2, true) == one);
        CHECK(json(3, true) == one);
    }

} // TEST_SUITE
