#include "okr/core/scoring.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <random>
#include <vector>

using namespace okr;
using okr::test::day;
using okr::test::Loaded;

namespace {

// A cycle of exactly 100 days from start to end, so that elapsed fractions are round.
Cycle hundred_days() {
    return Cycle{"hundred", day("2026-01-01"), day("2026-04-11")};
}

Checkin checkin(std::string_view date, double value, double confidence = NAN) {
    Checkin c;
    c.date = day(date);
    c.value = value;
    if (!std::isnan(confidence)) c.confidence = confidence;
    return c;
}

KeyResult metric(double start, double target, std::vector<Checkin> checkins = {}) {
    KeyResult kr;
    kr.id = "kr";
    kr.title = "A key result";
    kr.start = start;
    kr.target = target;
    kr.checkins = std::move(checkins);
    return kr;
}

KrEval eval(const KeyResult& kr, std::string_view as_of, const Cycle& cycle = hundred_days()) {
    return evaluate_kr(kr, cycle, day(as_of), false, nullptr);
}

Kpi kpi_with(std::optional<double> min, std::optional<double> max,
             std::optional<double> warn = std::nullopt) {
    Kpi k;
    k.id = "k";
    k.title = "A KPI";
    k.min = min;
    k.max = max;
    k.warn = warn;
    return k;
}

// The header of a file whose objectives run in the 100-day cycle.
constexpr std::string_view k_hundred_header = R"(
cycle = "hundred"
[cycles.hundred]
start = 2026-01-01
end = 2026-04-11
)";

std::string hundred_file(std::string_view body) {
    return std::string(k_hundred_header) + std::string(body);
}

} // namespace

TEST_SUITE("okr::scoring") {

    TEST_CASE("progress is the fraction of the way from start to target") {
        CHECK(progress(0, 10, 5) == 0.5);
        CHECK(progress(200, 300, 230) == doctest::Approx(0.3));
        CHECK(progress(0, 10, 0) == 0.0);
        CHECK(progress(0, 10, 10) == 1.0);
    }

    TEST_CASE("a decreasing KR progresses as its value falls") {
        CHECK(progress(100, 50, 75) == 0.5);
        const KrEval e = eval(metric(100, 50, {checkin("2026-02-01", 75)}), "2026-03-02");
        CHECK(e.progress == 0.5);
        CHECK(e.score == 0.5);
    }

    TEST_CASE("an increasing KR that overshoots has progress above 1 and scores 1.0") {
        const KrEval e = eval(metric(0, 10, {checkin("2026-02-01", 12)}), "2026-02-01");
        CHECK(e.progress == doctest::Approx(1.2));
        CHECK(e.score == 1.0);
        CHECK(e.status == Status::done);
    }

    TEST_CASE("a decreasing KR that overshoots scores 1.0") {
        const KrEval e = eval(metric(100, 50, {checkin("2026-02-01", 40)}), "2026-02-01");
        CHECK(e.progress == doctest::Approx(1.2));
        CHECK(e.score == 1.0);
        CHECK(e.status == Status::done);
    }

    TEST_CASE("a KR that moves the wrong way has negative progress and scores 0") {
        const KrEval e = eval(metric(0, 10, {checkin("2026-02-01", -2)}), "2026-02-01");
        CHECK(e.progress == doctest::Approx(-0.2));
        CHECK(e.score == 0.0);
    }

    TEST_CASE("a decreasing KR that rises has negative progress and scores 0") {
        const KrEval e = eval(metric(100, 50, {checkin("2026-02-01", 110)}), "2026-02-01");
        CHECK(e.progress == doctest::Approx(-0.2));
        CHECK(e.score == 0.0);
    }

    TEST_CASE("a milestone KR goes from 0 to 1 and scores 1 when done") {
        Loaded ws(hundred_file(R"(
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "done"
  title = "Done"
  type = "milestone"
  checkins = [ { date = 2026-02-01, value = 1 } ]
  [[objective.kr]]
  id = "open"
  title = "Open"
  type = "milestone"
)"),
                  day("2026-03-02"));
        CHECK(ws.index.at(ws.kr_ref("o.done")).start == 0);
        CHECK(ws.index.at(ws.kr_ref("o.done")).target == 1);
        CHECK(ws.kr_eval("o.done").score == 1.0);
        CHECK(ws.kr_eval("o.done").status == Status::done);
        CHECK(ws.kr_eval("o.open").score == 0.0);
        CHECK(ws.kr_eval("o.open").status == Status::off_track);
    }

    TEST_CASE("a check-in dated on the as-of date counts") {
        const KrEval e =
            eval(metric(0, 10, {checkin("2026-02-01", 3), checkin("2026-02-10", 6)}), "2026-02-10");
        CHECK(e.current == 6);
        CHECK(e.last_checkin == day("2026-02-10"));
    }

    TEST_CASE("a check-in after the as-of date is ignored") {
        const KrEval e =
            eval(metric(0, 10, {checkin("2026-02-01", 3), checkin("2026-02-10", 6)}), "2026-02-09");
        CHECK(e.current == 3);
        CHECK(e.last_checkin == day("2026-02-01"));
    }

    TEST_CASE("of two check-ins on one date the later in the file wins") {
        const KrEval e =
            eval(metric(0, 10, {checkin("2026-02-10", 4), checkin("2026-02-10", 7)}), "2026-03-01");
        CHECK(e.current == 7);
        const KrEval reversed =
            eval(metric(0, 10, {checkin("2026-02-10", 7), checkin("2026-02-10", 4)}), "2026-03-01");
        CHECK(reversed.current == 4);
    }

    TEST_CASE("the latest date wins whatever the order of check-ins in the file") {
        const KrEval e =
            eval(metric(0, 10, {checkin("2026-02-10", 5), checkin("2026-02-01", 3)}), "2026-03-01");
        CHECK(e.current == 5);
        CHECK(e.last_checkin == day("2026-02-10"));
    }

    TEST_CASE("current is used when there is no check-in") {
        KeyResult kr = metric(0, 10);
        kr.current = 4;
        const KrEval e = eval(kr, "2026-03-01");
        CHECK(e.current == 4);
        CHECK(e.progress == doctest::Approx(0.4));
        CHECK_FALSE(e.last_checkin);
    }

    TEST_CASE("current is used when every check-in is after the as-of date") {
        KeyResult kr = metric(0, 10, {checkin("2026-03-05", 9)});
        kr.current = 4;
        CHECK(eval(kr, "2026-03-01").current == 4);
    }

    TEST_CASE("a check-in on or before the as-of date beats current") {
        KeyResult kr = metric(0, 10, {checkin("2026-02-01", 2)});
        kr.current = 4;
        CHECK(eval(kr, "2026-03-01").current == 2);
    }

    TEST_CASE("a KR with neither check-in nor current stays at its start") {
        const KrEval e = eval(metric(20, 40), "2026-03-01");
        CHECK(e.current == 20);
        CHECK(e.progress == 0.0);
        CHECK(e.score == 0.0);
    }

    TEST_CASE("a KR's own check-ins count from before its cycle, but not after its end") {
        // §3: the latest check-in on or before min(D, E); only KPI values start at S.
        CHECK(eval(metric(0, 10, {checkin("2025-12-20", 2)}), "2026-01-15").current == 2);
        CHECK(eval(metric(0, 10, {checkin("2026-04-20", 8)}), "2026-05-01").current == 0);
    }

    TEST_CASE("confidence comes from the latest check-in that states one") {
        const KrEval e = eval(metric(0, 10,
                                     {checkin("2026-02-01", 2, 0.8), checkin("2026-02-05", 3, 0.6),
                                      checkin("2026-02-09", 4), checkin("2026-02-20", 5, 0.1)}),
                              "2026-02-15");
        REQUIRE(e.confidence);
        CHECK(*e.confidence == 0.6);
        CHECK_FALSE(eval(metric(0, 10, {checkin("2026-02-01", 2)}), "2026-02-15").confidence);
    }

    TEST_CASE("a manual score overrides the computed score") {
        KeyResult kr = metric(0, 10, {checkin("2026-02-01", 10)});
        kr.score = 0.3;
        const KrEval e = eval(kr, "2026-03-02"); // elapsed 0.6
        CHECK(e.progress == 1.0);
        CHECK(e.score == 0.3);
        CHECK(e.status == Status::off_track);
    }

    TEST_CASE("a manual score of 1.0 makes a KR done whatever its progress") {
        KeyResult kr = metric(0, 10);
        kr.score = 1.0;
        const KrEval e = eval(kr, "2026-03-02");
        CHECK(e.score == 1.0);
        CHECK(e.status == Status::done);
    }

    TEST_CASE("a dropped KR has no score and status dropped") {
        KeyResult kr = metric(0, 10, {checkin("2026-02-01", 5)});
        kr.dropped = true;
        const KrEval e = eval(kr, "2026-03-02");
        CHECK_FALSE(e.score);
        CHECK(e.status == Status::dropped);
        CHECK(e.current == 5);
    }

    TEST_CASE("every KR of a dropped objective is dropped") {
        const KrEval e =
            evaluate_kr(metric(0, 10), hundred_days(), day("2026-03-02"), true, nullptr);
        CHECK_FALSE(e.score);
        CHECK(e.status == Status::dropped);
    }

    TEST_CASE("no score means status none") {
        CHECK(status_for(std::nullopt, 0.5) == Status::none);
    }

    TEST_CASE("a score of 1 or more is done, even at the start of a cycle") {
        CHECK(status_for(1.0, 0.0) == Status::done);
        CHECK(status_for(1.0, 1.0) == Status::done);
        CHECK(status_for(0.999, 0.0) == Status::on_track);
        CHECK(status_for(0.999, 1.0) == Status::on_track);
    }

    TEST_CASE("a gap of exactly 0.10 is on track and just above it at risk") {
        CHECK(status_for(0.5, 0.6) == Status::on_track);
        CHECK(status_for(0.25, 0.35) == Status::on_track);
        CHECK(status_for(0.5, 0.601) == Status::at_risk);
        CHECK(status_for(0.5, 0.61) == Status::at_risk);
    }

    TEST_CASE("a gap of exactly 0.25 is at risk and just above it off track") {
        CHECK(status_for(0.5, 0.75) == Status::at_risk);
        CHECK(status_for(0.35, 0.6) == Status::at_risk);
        CHECK(status_for(0.5, 0.751) == Status::off_track);
        CHECK(status_for(0.5, 0.76) == Status::off_track);
        CHECK(status_for(0.0, 1.0) == Status::off_track);
    }

    TEST_CASE("a KR ahead of the calendar is on track") {
        CHECK(status_for(0.9, 0.2) == Status::on_track);
        CHECK(status_for(0.0, 0.0) == Status::on_track);
        CHECK(status_for(0.0, 0.1) == Status::on_track);
    }

    TEST_CASE("status thresholds hold for an elapsed fraction computed from dates") {
        // 100-day cycle: 2026-03-02 is day 60 (t = 0.6), 2026-03-03 is day 61 (t = 0.61).
        const KeyResult half = metric(0, 10, {checkin("2026-02-01", 5)});
        CHECK(eval(half, "2026-03-02").status == Status::on_track);
        CHECK(eval(half, "2026-03-03").status == Status::at_risk);
        const KeyResult behind = metric(0, 10, {checkin("2026-02-01", 3.5)});
        CHECK(eval(behind, "2026-03-02").status == Status::at_risk);
        CHECK(eval(behind, "2026-03-03").status == Status::off_track);
    }

    TEST_CASE("grade bands are green from 0.7, yellow from 0.4, red below") {
        CHECK(band_for(1.0) == Band::green);
        CHECK(band_for(0.7) == Band::green);
        CHECK(band_for(0.6999) == Band::yellow);
        CHECK(band_for(0.4) == Band::yellow);
        CHECK(band_for(0.3999) == Band::red);
        CHECK(band_for(0.0) == Band::red);
        CHECK(band_for(std::nullopt) == Band::none);
    }

    TEST_CASE("a score that reads 0.70 is green, and one that reads 1 is done") {
        // (63.4 - 62) / (64 - 62) is 0.6999999999999993: every report shows 0.7 (SPEC §5).
        const double p = progress(62, 64, 63.4);
        REQUIRE(p < 0.7);
        CHECK(band_for(p) == Band::green);
        CHECK(band_for(progress(1, 2, 1.4)) == Band::yellow); // 0.3999999999999999
        CHECK(status_for(0.9999999999999997, 0.5) == Status::done);
        // Twelve significant digits, not a tolerance: 0.699999999999 reads 0.69.
        CHECK(band_for(0.699999999999) == Band::yellow);
    }

    TEST_CASE("statuses, bands and health print as the words of the spec") {
        CHECK(std::string(to_string(Status::on_track)) == "on-track");
        CHECK(std::string(to_string(Status::at_risk)) == "at-risk");
        CHECK(std::string(to_string(Status::off_track)) == "off-track");
        CHECK(std::string(to_string(Status::done)) == "done");
        CHECK(std::string(to_string(Status::dropped)) == "dropped");
        CHECK(std::string(to_string(Band::yellow)) == "yellow");
        CHECK(std::string(to_string(Health::breach)) == "breach");
        CHECK(std::string(to_string(Health::unknown)) == "unknown");
    }

    TEST_CASE("a weighted mean weighs each value by its weight") {
        const std::vector<Weighted> items{{1.0, 3}, {0.0, 1}};
        CHECK(weighted_mean(items) == doctest::Approx(0.75));
        CHECK_FALSE(weighted_mean(std::span<const Weighted>{}));
    }

    TEST_CASE("an objective scores the weighted mean of its KRs") {
        Loaded ws(hundred_file(R"(
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  weight = 3
  checkins = [ { date = 2026-02-01, value = 10 } ]
  [[objective.kr]]
  id = "b"
  title = "B"
  target = 10
)"),
                  day("2026-03-02"));
        const ObjectiveEval& o = ws.objective_eval("o");
        CHECK(o.score == doctest::Approx(0.75));
        CHECK(o.band == Band::green);
        CHECK(o.elapsed == doctest::Approx(0.6));
        CHECK(o.status == Status::on_track);
    }

    TEST_CASE("an overshooting KR counts as 1.0 in its objective's mean") {
        Loaded ws(hundred_file(R"(
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  checkins = [ { date = 2026-02-01, value = 30 } ]
  [[objective.kr]]
  id = "b"
  title = "B"
  target = 10
)"),
                  day("2026-03-02"));
        CHECK(ws.objective_eval("o").score == doctest::Approx(0.5));
    }

    TEST_CASE("a dropped KR is left out of its objective's mean") {
        Loaded ws(hundred_file(R"(
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  checkins = [ { date = 2026-02-01, value = 8 } ]
  [[objective.kr]]
  id = "b"
  title = "B"
  target = 10
  weight = 5
  status = "dropped"
)"),
                  day("2026-03-02"));
        CHECK(ws.objective_eval("o").score == doctest::Approx(0.8));
        CHECK(ws.kr_eval("o.b").status == Status::dropped);
        CHECK_FALSE(ws.kr_eval("o.b").score);
    }

    TEST_CASE("an objective without active KRs has no score and status none") {
        Loaded ws(hundred_file(R"(
[[objective]]
id = "all-dropped"
title = "All dropped"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  status = "dropped"
[[objective]]
id = "empty"
title = "No key results"
)"),
                  day("2026-03-02"));
        for (const char* id : {"all-dropped", "empty"}) {
            CAPTURE(id);
            const ObjectiveEval& o = ws.objective_eval(id);
            CHECK_FALSE(o.score);
            CHECK(o.status == Status::none);
            CHECK(o.band == Band::none);
        }
    }

    TEST_CASE("a dropped objective has no score and status dropped") {
        Loaded ws(hundred_file(R"(
[[objective]]
id = "o"
title = "O"
status = "dropped"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  checkins = [ { date = 2026-02-01, value = 8 } ]
)"),
                  day("2026-03-02"));
        const ObjectiveEval& o = ws.objective_eval("o");
        CHECK_FALSE(o.score);
        CHECK(o.status == Status::dropped);
        CHECK(o.band == Band::none);
        CHECK(ws.kr_eval("o.a").status == Status::dropped);
    }

    TEST_CASE("an objective's elapsed is 0 before its cycle and 1 after it") {
        const std::string text = hundred_file(R"(
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
)");
        CHECK(Loaded(text, day("2025-12-01")).objective_eval("o").elapsed == 0.0);
        CHECK(Loaded(text, day("2026-01-01")).objective_eval("o").elapsed == 0.0);
        CHECK(Loaded(text, day("2026-04-11")).objective_eval("o").elapsed == 1.0);
        CHECK(Loaded(text, day("2026-09-01")).objective_eval("o").elapsed == 1.0);
        // Before the cycle nothing is expected yet: a KR at 0 is on track.
        CHECK(Loaded(text, day("2025-12-01")).kr_eval("o.a").status == Status::on_track);
        CHECK(Loaded(text, day("2026-09-01")).kr_eval("o.a").status == Status::off_track);
    }

    TEST_CASE("a committed objective that ends below 1.0 is a missed commitment") {
        const std::string text = hundred_file(R"(
[[objective]]
id = "committed"
title = "Committed"
type = "committed"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  checkins = [ { date = 2026-02-01, value = 9 } ]
[[objective]]
id = "delivered"
title = "Delivered"
type = "committed"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  checkins = [ { date = 2026-02-01, value = 10 } ]
[[objective]]
id = "aspirational"
title = "Aspirational"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  checkins = [ { date = 2026-02-01, value = 1 } ]
)");
        Loaded after(text, day("2026-04-12"));
        CHECK(after.objective_eval("committed").missed_commitment);
        CHECK_FALSE(after.objective_eval("delivered").missed_commitment);
        CHECK_FALSE(after.objective_eval("aspirational").missed_commitment);
        Loaded last_day(text, day("2026-04-11"));
        CHECK_FALSE(last_day.objective_eval("committed").missed_commitment);
    }

    TEST_CASE(
        "a committed objective without an active KR has no grade, so it misses no commitment") {
        const std::string text = hundred_file(R"(
[[objective]]
id = "empty"
title = "Committed but empty"
type = "committed"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  status = "dropped"
)");
        Loaded after(text, day("2026-04-12"));
        CHECK_FALSE(after.objective_eval("empty").score.has_value());
        CHECK_FALSE(after.objective_eval("empty").missed_commitment);
    }

    TEST_CASE("a KPI with min alone is ok at or above min, warn down to warn, breach below") {
        const Kpi k = kpi_with(90, std::nullopt, 85);
        CHECK(kpi_health(k, 95) == Health::ok);
        CHECK(kpi_health(k, 90) == Health::ok);
        CHECK(kpi_health(k, 89.9) == Health::warn);
        CHECK(kpi_health(k, 85) == Health::warn);
        CHECK(kpi_health(k, 84.9) == Health::breach);
    }

    TEST_CASE("a KPI with min alone and no warn breaches right below min") {
        const Kpi k = kpi_with(90, std::nullopt);
        CHECK(kpi_health(k, 90) == Health::ok);
        CHECK(kpi_health(k, 89.9) == Health::breach);
    }

    TEST_CASE(
        "a KPI with max alone mirrors min: ok at or below max, warn up to warn, breach above") {
        const Kpi k = kpi_with(std::nullopt, 5, 8);
        CHECK(kpi_health(k, 1) == Health::ok);
        CHECK(kpi_health(k, 5) == Health::ok);
        CHECK(kpi_health(k, 5.1) == Health::warn);
        CHECK(kpi_health(k, 8) == Health::warn);
        CHECK(kpi_health(k, 8.1) == Health::breach);
        CHECK(kpi_health(kpi_with(std::nullopt, 5), 5.1) == Health::breach);
    }

    TEST_CASE(
        "a KPI with min and max is ok inside the band, edges included, and breaches outside") {
        const Kpi k = kpi_with(10, 20);
        CHECK(kpi_health(k, 10) == Health::ok);
        CHECK(kpi_health(k, 15) == Health::ok);
        CHECK(kpi_health(k, 20) == Health::ok);
        CHECK(kpi_health(k, 9.9) == Health::breach);
        CHECK(kpi_health(k, 20.1) == Health::breach);
    }

    TEST_CASE("a KPI without a check-in has unknown health") {
        Kpi k = kpi_with(90, std::nullopt);
        CHECK(kpi_health(k, std::nullopt) == Health::unknown);
        const KpiEval e = evaluate_kpi(k, day("2026-03-01"));
        CHECK(e.health == Health::unknown);
        CHECK_FALSE(e.value);
        CHECK_FALSE(e.date);
        CHECK_FALSE(e.stale);
    }

    TEST_CASE("a KPI's health uses its latest value on or before the as-of date") {
        Kpi k = kpi_with(90, std::nullopt);
        k.checkins = {checkin("2026-02-01", 80), checkin("2026-02-10", 95),
                      checkin("2026-03-05", 70)};
        const KpiEval e = evaluate_kpi(k, day("2026-03-01"));
        CHECK(e.value == 95);
        CHECK(e.date == day("2026-02-10"));
        CHECK(e.health == Health::ok);
        CHECK(evaluate_kpi(k, day("2026-03-05")).health == Health::breach);
        CHECK(evaluate_kpi(k, day("2026-01-31")).health == Health::unknown);
    }

    TEST_CASE("a KPI is stale when its latest check-in is more than one period old") {
        const std::pair<Frequency, int> periods[] = {{Frequency::daily, 1},
                                                     {Frequency::weekly, 7},
                                                     {Frequency::monthly, 31},
                                                     {Frequency::quarterly, 92},
                                                     {Frequency::yearly, 366}};
        const Date as_of = day("2026-06-15");
        for (auto [frequency, days] : periods) {
            CAPTURE(to_string(frequency));
            CHECK(period_days(frequency) == days);
            Kpi k = kpi_with(1, std::nullopt);
            k.frequency = frequency;
            k.checkins = {checkin(as_of.plus_days(-days).iso(), 5)};
            CHECK_FALSE(kpi_stale(k, as_of));
            k.checkins = {checkin(as_of.plus_days(-days - 1).iso(), 5)};
            CHECK(kpi_stale(k, as_of));
            CHECK(evaluate_kpi(k, as_of).stale);
        }
    }

    TEST_CASE("a check-in after the as-of date does not make a KPI fresh") {
        Kpi k = kpi_with(1, std::nullopt);
        k.frequency = Frequency::weekly;
        k.checkins = {checkin("2026-06-01", 5), checkin("2026-06-20", 5)};
        CHECK(kpi_stale(k, day("2026-06-15")));
    }

    TEST_CASE("a KPI without a frequency or without check-ins is never stale") {
        Kpi k = kpi_with(1, std::nullopt);
        k.checkins = {checkin("2020-01-01", 5)};
        CHECK_FALSE(kpi_stale(k, day("2026-06-15")));
        k.frequency = Frequency::daily;
        k.checkins.clear();
        CHECK_FALSE(kpi_stale(k, day("2026-06-15")));
    }

    TEST_CASE("latest_checkin prefers the later of equal dates and honours a window") {
        const std::vector<Checkin> checkins{checkin("2026-02-10", 1), checkin("2026-02-10", 2),
                                            checkin("2026-04-20", 3)};
        const Checkin* latest = latest_checkin(checkins, day("2026-03-01"));
        REQUIRE(latest);
        CHECK(latest->value == 2);
        CHECK(latest_checkin(checkins, day("2026-05-01"))->value == 3);
        const Cycle cycle = hundred_days();
        CHECK(latest_checkin(checkins, day("2026-05-01"), &cycle)->value == 2);
        CHECK(latest_checkin(checkins, day("2026-02-09")) == nullptr);
    }

    namespace {

    // A KR that follows KPI `csat`, whose check-ins straddle the Q4 2026 cycle.
    constexpr std::string_view k_following = R"(
cycle = "2026-Q4"

[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "sat"
  title = "Customer satisfaction reaches 95%"
  start = 88
  target = 95
  kpi = "csat"
  current = 94
  [[objective.kr]]
  id = "lost"
  title = "Follows a KPI nobody defined"
  start = 10
  target = 20
  kpi = "nope"
  checkins = [ { date = 2026-10-05, value = 15 } ]

[[kpi]]
id = "csat"
title = "Customer satisfaction"
min = 90
checkins = [
  { date = 2026-09-30, value = 80 },
  { date = 2026-10-31, value = 91.2 },
  { date = 2026-11-30, value = 88.4 },
  { date = 2026-12-15, value = 93 },
  { date = 2027-01-05, value = 99 },
]
)";

    } // namespace

    TEST_CASE("a KR following a KPI takes the KPI's latest check-in on or before the as-of date") {
        Loaded ws(k_following, day("2026-12-01"));
        const KrEval& e = ws.kr_eval("o.sat");
        CHECK(e.current == 88.4);
        CHECK(e.last_checkin == day("2026-11-30"));
        CHECK(e.kpi == ws.kpi_ref("csat"));
        CHECK_FALSE(e.kpi_unresolved);
        CHECK(e.progress == doctest::Approx((88.4 - 88) / 7));
    }

    TEST_CASE("a KR following a KPI ignores the KPI's check-ins outside the cycle") {
        CHECK(Loaded(k_following, day("2027-01-10")).kr_eval("o.sat").current == 93);
        // Before the first check-in inside the cycle the KR is at its start, not at 80 nor at
        // `current`.
        Loaded ws(k_following, day("2026-10-15"));
        const KrEval& early = ws.kr_eval("o.sat");
        CHECK(early.current == 88);
        CHECK_FALSE(early.last_checkin);
    }

    TEST_CASE("a KR following an unresolved KPI keeps its start value") {
        Loaded ws(k_following, day("2026-12-01"));
        const KrEval& e = ws.kr_eval("o.lost");
        CHECK(e.kpi_unresolved);
        CHECK_FALSE(e.kpi);
        CHECK(e.current == 10);
        CHECK(e.score == 0.0);
    }

    TEST_CASE("the forecast is the least-squares line through the start and the check-ins, read at "
              "the end") {
        // Q4 2026: S = 10-01 (x = 0), E = 12-31 (x = 91). Points (0, 0), (10, 2), (20, 5):
        // mean x 10, mean y 7/3, slope 50 / 200 = 0.25, so y(91) = 7/3 + 0.25 * 81 = 271/12.
        const Cycle q4 = *builtin_cycle("2026-Q4");
        const KeyResult kr = metric(
            0, 40,
            {checkin("2026-10-11", 2), checkin("2026-10-21", 5), checkin("2026-11-01", 100)});
        const KrEval e = eval(kr, "2026-10-25", q4);
        REQUIRE(e.forecast);
        CHECK(*e.forecast == doctest::Approx(271.0 / 12));
        REQUIRE(e.forecast_score);
        CHECK(*e.forecast_score == doctest::Approx(271.0 / 12 / 40));
    }

    TEST_CASE("a forecast beyond the target scores 1.0, also for a decreasing KR") {
        // Points (0, 100), (10, 90): slope -1, so y(91) = 9, far below the target of 50.
        const Cycle q4 = *builtin_cycle("2026-Q4");
        const KrEval e = eval(metric(100, 50, {checkin("2026-10-11", 90)}), "2026-10-20", q4);
        REQUIRE(e.forecast);
        CHECK(*e.forecast == doctest::Approx(9));
        CHECK(e.forecast_score == 1.0);
    }

    TEST_CASE("there is no forecast without a check-in up to the as-of date") {
        const Cycle q4 = *builtin_cycle("2026-Q4");
        CHECK_FALSE(eval(metric(0, 10), "2026-11-01", q4).forecast);
        CHECK_FALSE(eval(metric(0, 10, {checkin("2026-11-05", 3)}), "2026-11-01", q4).forecast);
        CHECK_FALSE(forecast_value(q4, 0, {}));
    }

    TEST_CASE("there is no forecast when every check-in is on the cycle's first day") {
        const Cycle q4 = *builtin_cycle("2026-Q4");
        CHECK_FALSE(eval(metric(0, 10, {checkin("2026-10-01", 3)}), "2026-11-01", q4).forecast);
    }

    TEST_CASE("a KR following a KPI forecasts from the KPI's check-ins in the cycle") {
        // Points (0, 88), (30, 91.2), (60, 88.4) as of 2026-12-01: slope 0.0067, mean 89.2.
        Loaded ws(k_following, day("2026-12-01"));
        const KrEval& e = ws.kr_eval("o.sat");
        REQUIRE(e.forecast);
        const double slope = ((-30) * (88 - 89.2) + 0 + 30 * (88.4 - 89.2)) / 1800.0;
        CHECK(*e.forecast == doctest::Approx(89.2 + slope * (91 - 30)));
    }

    TEST_CASE("a check-in dated after the cycle's end does not regrade it") {
        // Issue 9: a late check-in regraded a finished quarter.
        const Cycle q4 = *builtin_cycle("2026-Q4");
        const KeyResult kr = metric(0, 10,
                                    {checkin("2026-11-01", 4, 0.5), checkin("2026-12-20", 6, 0.6),
                                     checkin("2027-01-04", 10, 0.9)});
        const KrEval after = eval(kr, "2027-01-10", q4);
        CHECK(after.current == 6);
        CHECK(after.score == doctest::Approx(0.6));
        CHECK(after.last_checkin == day("2026-12-20"));
        CHECK(after.confidence == 0.6);
        // As of any date past the end, everything equals what it was on the last day.
        const KrEval at_end = eval(kr, "2026-12-31", q4);
        CHECK(after.current == at_end.current);
        CHECK(after.score == at_end.score);
        CHECK(after.status == at_end.status);
        CHECK(after.forecast == at_end.forecast);
    }

    TEST_CASE("a late check-in alone leaves a KR at its current value, else its start") {
        const Cycle q4 = *builtin_cycle("2026-Q4");
        KeyResult kr = metric(2, 10, {checkin("2027-01-02", 10)});
        CHECK(eval(kr, "2027-01-10", q4).current == 2);
        CHECK_FALSE(eval(kr, "2027-01-10", q4).last_checkin);
        CHECK_FALSE(eval(kr, "2027-01-10", q4).forecast);
        kr.current = 5;
        CHECK(eval(kr, "2027-01-10", q4).current == 5);
    }

    TEST_CASE("a KR following a KPI and a KR with its own check-ins both stop at the cycle's end") {
        // Issue 9: the KR fed by a KPI stopped at the end, a KR's own check-ins did not.
        Loaded ws(k_following, day("2027-02-01"));
        CHECK(ws.kr_eval("o.sat").current == 93);
        CHECK(ws.kr_eval("o.sat").last_checkin == day("2026-12-15"));
        CHECK(counted_until(*builtin_cycle("2026-Q4"), day("2027-02-01")) == day("2026-12-31"));
        CHECK(counted_until(*builtin_cycle("2026-Q4"), day("2026-11-02")) == day("2026-11-02"));
    }

    TEST_CASE("an objective's grade after its cycle ignores late check-ins") {
        Loaded ws(R"(
cycle = "2026-Q3"
[[objective]]
id = "o"
title = "O"
type = "committed"
  [[objective.kr]]
  id = "k"
  title = "K"
  target = 10
  checkins = [ { date = 2026-09-01, value = 5 }, { date = 2026-10-01, value = 10 } ]
  [[objective.kr]]
  id = "m"
  title = "M"
  type = "milestone"
  checkins = [ { date = 2026-10-02, value = 1 } ]
)",
                  day("2026-10-20"));
        const ObjectiveEval& o = ws.objective_eval("o");
        CHECK(o.score == doctest::Approx(0.25));
        CHECK(o.missed_commitment);
        CHECK(ws.kr_eval("o.m").status == Status::off_track);
    }

    TEST_CASE("a check-in after the objective was closed counts for nothing") {
        Loaded ws(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
closed = 2026-11-20
  [[objective.kr]]
  id = "k"
  title = "K"
  target = 10
  checkins = [ { date = 2026-11-01, value = 2 }, { date = 2026-11-20, value = 4 },
               { date = 2026-11-25, value = 9 } ]
)",
                  day("2026-12-20"));
        CHECK(ws.kr_eval("o.k").current == 4);
        CHECK(ws.kr_eval("o.k").last_checkin == day("2026-11-20"));
        CHECK(ws.objective_eval("o").score == doctest::Approx(0.4));
        const Cycle q4 = *builtin_cycle("2026-Q4");
        CHECK(counted_until(q4, day("2026-12-20"), day("2026-11-20")) == day("2026-11-20"));
        CHECK(counted_until(q4, day("2026-11-10"), day("2026-11-20")) == day("2026-11-10"));
        CHECK(counted_until(q4, day("2027-02-01"), std::nullopt) == day("2026-12-31"));
    }

    TEST_CASE("a check-in recorded after the close is history: it moves no progress") {
        const char* text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
closed = 2027-01-05
  [[objective.kr]]
  id = "k"
  title = "K"
  target = 10
  score = 0.4
  checkins = [ { date = 2026-11-01, value = 4 },
               { date = 2026-12-20, value = 11, recorded = 2027-01-06 },
               { date = 2026-12-21, value = 7, recorded = 2027-01-04 } ]
)";
        Loaded ws(text, day("2027-01-10"));
        // Recorded before the close: it counts. Recorded after: skipped, whatever its date.
        CHECK(ws.kr_eval("o.k").current == 7);
        CHECK(ws.kr_eval("o.k").last_checkin == day("2026-12-21"));
        CHECK(ws.kr_eval("o.k").status == Status::closed);
        Checkin late;
        late.recorded = day("2027-01-05");
        CHECK_FALSE(counts_after_close(late, day("2027-01-05")));
        CHECK(counts_after_close(late, day("2027-01-06")));
        CHECK(counts_after_close(late, std::nullopt));
        late.recorded.reset();
        CHECK(counts_after_close(late, day("2027-01-05")));
    }

    TEST_CASE("without `closed`, a recorded check-in counts like any other") {
        Loaded ws(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "k"
  title = "K"
  target = 10
  checkins = [ { date = 2026-11-01, value = 4 },
               { date = 2026-12-20, value = 11, recorded = 2027-01-06 } ]
)",
                  day("2027-01-10"));
        CHECK(ws.kr_eval("o.k").current == 11);
    }

    TEST_CASE("as_shown is %.12g read back, for every kind of number (issue 29)") {
        // as_shown goes by arithmetic where it can: it must agree with its definition, here
        // near hundredths, on quotients of small numbers and at random over 40 decades.
        std::vector<double> values = {0.0,       -0.0,
                                      1.0,       -1.0,
                                      0.1 + 0.2, 0.6999999999999993,
                                      1e-300,    5e-324,
                                      1e-4,      9.99999999999e11,
                                      1e12,      1e22,
                                      1e300};
        for (int k = -300; k <= 300; ++k) {
            values.push_back(k / 100.0);
            values.push_back(std::nextafter(k / 100.0, 1e9));
            values.push_back(std::nextafter(k / 100.0, -1e9));
        }
        for (int a = 0; a <= 70; ++a)
            for (int b = 1; b <= 70; ++b)
                values.push_back(static_cast<double>(a) / b - 0.5);
        std::mt19937_64 random(29);
        std::uniform_real_distribution<double> unit(-2.0, 2.0);
        std::uniform_int_distribution<int> exponent(-20, 20);
        for (int i = 0; i < 20000; ++i)
            values.push_back(unit(random) * std::pow(10.0, exponent(random)));
        int wrong = 0;
        for (const double v : values) {
            char text[64];
            std::snprintf(text, sizeof text, "%.12g", v);
            double want = std::strtod(text, nullptr);
            if (want == 0) want = 0.0;
            const double got = as_shown(v);
            if (std::memcmp(&got, &want, sizeof got) != 0) {
                ++wrong;
                CHECK_MESSAGE(got == want,
                              fmt::format("{:.17g}: {:.17g}, want {:.17g}", v, got, want));
            }
        }
        CHECK(wrong == 0);
    }

} // TEST_SUITE
