#include "okr/report/log.hpp"

#include "okr/report/kpi.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <fmt/format.h>

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
        LogEntry e{c->date, c->value, std::nullopt, std::nullopt, c->note.str()};
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

namespace {

constexpr Media k_all = Media::all;
constexpr Media k_term = Media::terminal;
constexpr Media k_docs = Media::documents;

} // namespace

std::string log_json(const LogReport& log, const Spill& spill) {
    return json_document(spill, [&](JsonWriter& w) {
        w.field("schema_version", 1.0);
        w.field("as_of", log.as_of.iso());
        w.field("kind", log.is_kpi ? "kpi" : "kr");
        w.field("ref", log.ref);
        w.field("title", log.title);
        optional_text(w, "unit", log.unit);
        if (log.is_kpi) {
            w.field("min", log.min);
            w.field("max", log.max);
            w.field("warn", log.warn);
            w.field("health", to_string(log.health));
            w.field("stale", log.stale);
        } else {
            w.key("cycle");
            if (log.cycle)
                write_cycle(w, {log.cycle->name, log.cycle->start, log.cycle->end,
                                log.cycle->elapsed(log.as_of)});
            else
                w.null();
            w.field("start", log.start);
            w.field("target", log.target);
            w.field("current", log.current);
            w.field("progress", log.progress);
            w.field("score", log.score);
            status_field(w, log.status);
            w.field("forecast", log.forecast_score);
            w.field("forecast_value", log.forecast);
            optional_text(w, "kpi", log.follows_kpi);
        }
        w.key("checkins");
        w.begin_array();
        for (const auto& e : log.entries) {
            w.begin_object();
            w.field("date", e.date.iso());
            w.field("value", e.value);
            w.field("delta", e.delta);
            w.field("confidence", e.confidence);
            optional_text(w, "note", e.note);
            w.end_object();
        }
        w.end_array();
    });
}

Sheet log_sheet(const LogReport& log) {
    Sheet sheet;
    sheet.title = log.ref + "  " + log.title;
    sheet.head = {line(log.ref + "  " + log.title, Style::bold, k_term)};
    Line info;
    info.media = k_term;
    if (log.is_kpi) {
        KpiRow k;
        k.min = log.min;
        k.max = log.max;
        k.warn = log.warn;
        k.unit = log.unit;
        if (!log.entries.empty()) k.value = log.entries.back().value;
        sheet.subtitle = {fmt::format("KPI · health {}{} · as of {}", to_string(log.health),
                                      log.stale ? " (stale)" : "", log.as_of.iso())};
        info.spans = {{fmt::format("{} · healthy {} · ", kpi_value(k).text, kpi_bounds(k))},
                      {std::string(to_string(log.health)), style_of(log.health)},
                      {fmt::format("{} · as of {}", log.stale ? " (stale)" : "", log.as_of.iso())}};
    } else {
        const std::string status = log.status == Status::none ? "-" : to_string(log.status);
        sheet.subtitle = {fmt::format("from {} to {}{} · now {} · progress {} · {} · as of {}",
                                      format_number(log.start), format_number(log.target),
                                      log.unit.empty() ? "" : " " + log.unit,
                                      format_number(log.current), format_percent(log.progress),
                                      log.status == Status::none ? "" : status, log.as_of.iso())};
        std::string tail;
        if (log.forecast_score && !log.milestone)
            tail += fmt::format(" · forecast {}", format_score(*log.forecast_score));
        if (!log.follows_kpi.empty()) tail += " · follows " + log.follows_kpi;
        tail += fmt::format(" · as of {}", log.as_of.iso());
        info.spans = {{fmt::format("{} → {} · now {} · progress {} · ", format_number(log.start),
                                   number_cell(log.target, log.unit).text,
                                   format_number(log.current), format_percent(log.progress))},
                      {status, style_of(log.status)},
                      {tail}};
    }
    Section s = titled_section("Check-ins");
    s.before = {std::move(info), line({}, Style::plain, k_term)};
    s.charts.push_back(log_chart(log));
    s.empty = "No check-ins yet.";
    s.columns = {column("date", "Date"),
                 column("value", "Value", k_all, Align::right),
                 column("change", "Change", k_all, Align::right),
                 column("conf", "Conf", k_term, Align::right, false, 2),
                 column("confidence", "Confidence", k_docs),
                 column("note", "Note", k_all, Align::left, true, 0, 20)};
    for (const auto& e : log.entries) {
        const SheetCell confidence = e.confidence ? percent_cell(e.confidence) : text_cell("");
        s.rows.push_back(
            {"checkin",
             0,
             {date_cell(e.date), value_cell(e.value, std::nullopt, log.unit, log.milestone),
              e.delta ? styled(change_cell(*e.delta), Style::dim) : text_cell(""), confidence,
              confidence, text_cell(e.note, Style::dim)}});
    }
    sheet.sections.push_back(std::move(s));
    return sheet;
}

} // namespace okr::report
