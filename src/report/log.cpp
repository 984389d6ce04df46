#include "okr/report/log.hpp"

#include <algorithm>

namespace okr::report {
namespace {

std::vector<LogEntry> entries_of(const std::vector<Checkin>& checkins, Date as_of,
                                 const Cycle* window) {
    std::vector<const Checkin*> used;
    for (const Checkin& c : checkins)
        if (c.date <= as_of && (!window || window->contains(c.date))) used.push_back(&c);
    std::stable_sort(used.begin(), used.end(),
                     [](const Checkin* a, const Checkin* b) { return a->date < b->date; });
    std::vector<LogEntry> out;
    for (const Checkin* c : used) {
        LogEntry e{c->date, c->value, std::nullopt, std::nullopt, c->note};
        if (!out.empty()) e.delta = c->value - out.back().value;
        if (c->has_confidence()) e.confidence = c->confidence;
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace

LogReport build_kr_log(const WorkspaceIndex& index, const Evaluation& ev, KrRef ref) {
    const KeyResult& kr = index.at(ref);
    const KrEval& ke = ev.at(ref);
    const ObjectiveEval& oe = ev.at(ObjectiveRef{ref.file, ref.objective});
    LogReport log;
    log.ref = index.ref_of(ref);
    log.title = kr.title;
    log.unit = kr.unit;
    log.as_of = ev.as_of;
    if (oe.cycle) log.cycle = *oe.cycle;
    log.milestone = kr.type == KrType::milestone;
    log.start = kr.start;
    log.target = kr.target;
    log.current = ke.current;
    log.progress = ke.progress;
    log.score = ke.score;
    log.forecast = ke.forecast;
    log.forecast_score = ke.forecast_score;
    log.status = ke.status;
    // The check-ins that count for the cycle (SPEC §3): none after its end, nor after its
    // objective was closed.
    const std::optional<Date> closed = index.at(ObjectiveRef{ref.file, ref.objective}).closed;
    const Date until = oe.cycle ? counted_until(*oe.cycle, ev.as_of, closed) : ev.as_of;
    if (ke.kpi) {
        log.follows_kpi = index.ref_of(*ke.kpi);
        log.entries = entries_of(index.at(*ke.kpi).checkins, until, oe.cycle);
    } else if (!kr.kpi) {
        log.entries = entries_of(kr.checkins, until, nullptr);
    }
    return log;
}

LogReport build_kpi_log(const WorkspaceIndex& index, const Evaluation& ev, KpiRef ref) {
    const Kpi& k = index.at(ref);
    const KpiEval& ke = ev.at(ref);
    LogReport log;
    log.is_kpi = true;
    log.ref = index.ref_of(ref);
    log.title = k.title;
    log.unit = k.unit;
    log.as_of = ev.as_of;
    log.entries = entries_of(k.checkins, ev.as_of, nullptr);
    log.min = k.min;
    log.max = k.max;
    log.warn = k.warn;
    log.health = ke.health;
    log.stale = ke.stale;
    if (ke.value) log.current = *ke.value;
    return log;
}

Chart log_chart(const LogReport& log) {
    Chart chart;
    chart.title = log.ref + "  " + log.title;
    ChartSeries actual{"check-ins", {}, false, true};
    for (const auto& e : log.entries)
        actual.points.emplace_back(e.date, e.value);
    if (!log.is_kpi && log.cycle) {
        chart.from = log.cycle->start;
        chart.to = log.cycle->end;
        if (actual.points.empty() || actual.points.front().first > log.cycle->start)
            actual.points.insert(actual.points.begin(), {log.cycle->start, log.start});
        if (log.milestone) {
            // A step from not done to done: each check-in holds until the next one.
            ChartSeries step{"check-ins", {}, false, false};
            for (const auto& point : actual.points) {
                if (!step.points.empty() && point.first > step.points.back().first)
                    step.points.emplace_back(point.first, step.points.back().second);
                step.points.emplace_back(point.first, point.second >= 1 ? 1.0 : 0.0);
            }
            const Date end = std::min(log.as_of, log.cycle->end);
            if (!step.points.empty() && end > step.points.back().first)
                step.points.emplace_back(end, step.points.back().second);
            chart.series.push_back(step);
            chart.axis = std::pair{0.0, 1.0};
            chart.axis_words = {"not done", "done"};
            return chart;
        }
        chart.series.push_back(actual);
        chart.series.push_back(
            {"ideal", {{log.cycle->start, log.start}, {log.cycle->end, log.target}}, true, false});
        if (log.forecast && !log.entries.empty())
            chart.series.push_back({"forecast",
                                    {{log.entries.back().date, log.entries.back().value},
                                     {log.cycle->end, *log.forecast}},
                                    true,
                                    false});
        return chart;
    }
    chart.to = log.as_of;
    chart.from = actual.points.empty() ? log.as_of.plus_days(-30) : actual.points.front().first;
    if (chart.to - chart.from < 7) chart.from = chart.to.plus_days(-7);
    chart.series.push_back(actual);
    if (log.min) chart.bounds.emplace_back("min", *log.min);
    if (log.max) chart.bounds.emplace_back("max", *log.max);
    if (log.warn) chart.bounds.emplace_back("warn", *log.warn);
    return chart;
}

} // namespace okr::report
