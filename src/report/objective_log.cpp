#include "okr/report/objective_log.hpp"

#include <algorithm>
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
        // Before `closed`, the score as it was computed then, not the one frozen later.
        KeyResult as_then = kr;
        if (obj.closed && d < *obj.closed) as_then.score.reset();
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

} // namespace okr::report
