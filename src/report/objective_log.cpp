#include "okr/report/objective_log.hpp"

#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace okr::report {
namespace {

ObjectiveWeek week_of(const WorkspaceIndex& index, ObjectiveRef ref, const Cycle& cycle, Date d) {
    const Objective& obj = index.at(ref);
    std::vector<Weighted> scores;
    std::vector<double> confidences;
    for (const KeyResult& kr : obj.krs) {
        const Kpi* kpi = nullptr;
        if (kr.kpi)
            if (auto r = index.kpi(kr.kpi->text, ref.file, WorkspaceIndex::Explain::found).found)
                kpi = &index.at(*r);
        // Before the grade was frozen, the score as it was computed then; from the day it was
        // graded on (the cycle's end, or `closed` when closed early) the frozen one, which is
        // what `score` and `explain` show (SPEC §10). A `score` that is not the one computed on
        // that day (exactly, or cut to two decimals, as `close` froze it before issue 26) was a
        // manual grade before the close, and counts all along, as it did then.
        KeyResult as_then = kr;
        if (obj.closed && kr.score && d < std::min(*obj.closed, cycle.end)) {
            KeyResult computed = kr;
            computed.score.reset();
            const std::optional<double> then =
                evaluate_kr(computed, cycle, std::min(*obj.closed, cycle.end), obj.dropped, kpi,
                            obj.closed)
                    .score;
            if (then && (*then == *kr.score || std::floor(*then * 100 + 1e-9) / 100 == *kr.score))
                as_then.score.reset();
        }
        const KrEval e = evaluate_kr(as_then, cycle, d, obj.dropped, kpi, obj.closed);
        if (!e.score) continue;
        scores.push_back({*e.score, kr.weight});
        if (e.confidence) confidences.push_back(*e.confidence);
    }
    ObjectiveWeek w{d, weighted_mean(scores), std::nullopt};
    if (!confidences.empty()) {
        double sum = 0;
        for (double c : confidences)
            sum += c;
        w.confidence = sum / static_cast<double>(confidences.size());
    }
    return w;
}

} // namespace

ObjectiveLog build_objective_log(const WorkspaceIndex& index, ObjectiveRef ref, Date as_of) {
    ObjectiveLog log;
    log.ref = index.ref_of(ref);
    log.title = index.at(ref).title;
    log.as_of = as_of;
    std::vector<ObjectiveRef> chain{ref};
    for (ObjectiveRef at = ref;;) {
        const Objective& o = index.at(at);
        if (!o.carried_from) break;
        auto from = index.objective(o.carried_from->text, at.file, WorkspaceIndex::Explain::found);
        if (!from.found) {
            log.unresolved.push_back(o.carried_from->text);
            break;
        }
        if (std::find(chain.begin(), chain.end(), *from.found) != chain.end()) {
            log.unresolved.push_back(index.ref_of(*from.found) + " (a loop)");
            break;
        }
        chain.push_back(*from.found);
        at = *from.found;
    }
    std::reverse(chain.begin(), chain.end());
    for (ObjectiveRef r : chain) {
        const Objective& o = index.at(r);
        ObjectiveSpan span;
        span.ref = index.ref_of(r);
        span.title = o.title;
        span.closed = o.closed;
        if (const Cycle* c = index.cycle(o.cycle)) {
            span.cycle = *c;
            const Date last = std::min(as_of, c->end);
            for (Date d = c->start; d <= last; d = d.plus_days(7))
                span.weeks.push_back(week_of(index, r, *c, d));
            if (last >= c->start && (span.weeks.empty() || span.weeks.back().date != last))
                span.weeks.push_back(week_of(index, r, *c, last));
        }
        log.spans.push_back(std::move(span));
    }
    return log;
}

Chart objective_log_chart(const ObjectiveLog& log) {
    Chart chart;
    chart.title = log.ref + "  " + log.title;
    ChartSeries score{"score", {}, false, true};
    ChartSeries confidence{"confidence", {}, true, false};
    for (const ObjectiveSpan& s : log.spans)
        for (const ObjectiveWeek& w : s.weeks) {
            if (w.score) score.points.emplace_back(w.date, *w.score);
            if (w.confidence) confidence.points.emplace_back(w.date, *w.confidence);
        }
    chart.from = log.as_of;
    chart.to = log.as_of;
    for (const ObjectiveSpan& s : log.spans)
        if (s.cycle) {
            chart.from = std::min(chart.from, s.cycle->start);
            chart.to = s.cycle->end;
        }
    chart.series.push_back(std::move(score));
    if (!confidence.points.empty()) chart.series.push_back(std::move(confidence));
    chart.bounds.emplace_back("done", 1.0);
    return chart;
}

namespace {

constexpr Media k_all = Media::all;
constexpr Media k_term = Media::terminal;
constexpr Media k_docs = Media::documents;

} // namespace

std::string objective_log_json(const ObjectiveLog& log, const Spill& spill) {
    std::string out;
    JsonWriter w(out, spill);
    w.begin_object();
    w.field("schema_version", 1.0);
    w.field("as_of", log.as_of.iso());
    w.field("kind", "objective");
    w.field("ref", log.ref);
    w.field("title", log.title);
    w.key("chain");
    w.begin_array();
    for (const ObjectiveSpan& s : log.spans) {
        w.begin_object();
        w.field("ref", s.ref);
        w.field("title", s.title);
        w.key("cycle");
        if (s.cycle) {
            w.begin_object();
            w.field("name", s.cycle->name);
            w.field("start", s.cycle->start.iso());
            w.field("end", s.cycle->end.iso());
            w.end_object();
        } else {
            w.null();
        }
        w.key("closed");
        if (s.closed)
            w.value(s.closed->iso());
        else
            w.null();
        w.key("weeks");
        w.begin_array();
        for (const ObjectiveWeek& week : s.weeks) {
            w.begin_object();
            w.field("date", week.date.iso());
            w.field("score", week.score);
            w.field("confidence", week.confidence);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.key("unresolved");
    w.begin_array();
    for (const std::string& u : log.unresolved)
        w.value(u);
    w.end_array();
    w.end_object();
    out += '\n';
    return out;
}

Sheet objective_log_sheet(const ObjectiveLog& log) {
    Sheet sheet;
    sheet.title = log.ref + ": " + log.title;
    std::string path;
    for (const ObjectiveSpan& span : log.spans)
        path += (path.empty() ? "" : " → ") + span.ref +
                (span.cycle ? " (" + span.cycle->name + ")" : "");
    const std::string chain = fmt::format(
        "{}{} · as of {}", log.spans.size() > 1 ? "carried: " : "", path, log.as_of.iso());
    sheet.subtitle = {chain};
    sheet.head = {line(log.ref + "  " + log.title, Style::bold, k_term),
                  line(chain, Style::plain, k_term)};
    for (const std::string& u : log.unresolved) {
        const std::string text = "carried_from " + u + " does not resolve; the history stops there";
        sheet.head.push_back(line(text, Style::yellow, k_term));
        sheet.subtitle.push_back(text);
    }
    sheet.head.push_back(line({}, Style::plain, k_term));
    Section s = titled_section("Week by week");
    s.charts.push_back(objective_log_chart(log));
    s.empty = "No weeks to show: its cycle has not started.";
    s.columns = {column("date", "Date"),
                 column("cycle", "Cycle", k_all, Align::left, false, 2),
                 column("objective", "Objective", k_all, Align::left, true, 3, 16),
                 column("score", "Score", k_all, Align::right),
                 column("bar", "", k_term, Align::left, false, 4),
                 column("conf", "Conf", k_term, Align::right),
                 column("confidence", "Confidence", k_docs)};
    for (const ObjectiveSpan& span : log.spans)
        for (const ObjectiveWeek& w : span.weeks) {
            const Style band = style_of(band_for(w.score));
            s.rows.push_back({"week",
                              0,
                              {date_cell(w.date),
                               styled(text_cell(span.cycle ? span.cycle->name : "-"), Style::dim),
                               text_cell(span.ref, Style::dim), styled(score_cell(w.score), band),
                               styled(bar_cell(w.score), band), percent_cell(w.confidence),
                               percent_cell(w.confidence)}});
        }
    for (const ObjectiveSpan& span : log.spans)
        if (span.closed)
            s.after.push_back(
                line(fmt::format("{} was closed on {}; its last score is the frozen grade.",
                                 span.ref, span.closed->iso())));
    sheet.sections.push_back(std::move(s));
    return sheet;
}

} // namespace okr::report
