#include "okr/report/review.hpp"

#include "okr/core/lint.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace okr::report {

Date default_window_start(Date as_of) {
    return as_of.plus_days(-28);
}

Review build_review(const WorkspaceIndex& index, const Evaluation& now, const Evaluation& before,
                    const Selection& selection, std::optional<Date> since) {
    Review review;
    review.report = build_report(index, now, selection);
    review.since = since;
    review.window_start = before.as_of;
    const Date as_of = now.as_of;
    const Report before_report = build_report(index, before, selection);
    review.overall_before = before_report.overall;

    // Which cycles the selection covers, and whether they have ended.
    for (const auto& o : review.report.objectives) {
        const auto r = index.objective(o.ref, 0, WorkspaceIndex::Explain::found).found;
        if (!r) continue;
        const Objective& obj = index.at(*r);
        const ObjectiveEval& oe = now.at(*r);
        const ObjectiveEval& ob = before.at(*r);
        const bool ended = oe.cycle && as_of > oe.cycle->end;
        const bool running = oe.cycle && oe.cycle->contains(as_of);
        if (obj.dropped)
            review.dropped.push_back(fmt::format("{}  {} (objective)", o.ref, o.title));
        if (o.missed_commitment)
            review.missed_commitments.push_back({o.ref, o.title, o.owner, o.score, o.notes});
        if (!o.notes.empty()) review.retro.push_back({o.ref, o.title, o.owner, o.score, o.notes});
        for (std::size_t k = 0; k < obj.krs.size(); ++k) {
            const KeyResult& kr = obj.krs[k];
            const KrEval& ke = oe.krs[k];
            const KrEval& kb = ob.krs[k];
            const std::string ref = index.ref_of(KrRef{r->file, r->objective, k});
            if (std::none_of(o.krs.begin(), o.krs.end(),
                             [&](const KrRow& row) { return row.ref == ref; }))
                continue;
            ReviewKr line;
            line.ref = ref;
            line.title = kr.title;
            line.owner = kr.owner.empty() ? obj.owner : kr.owner;
            line.unit = kr.unit;
            line.milestone = kr.type == KrType::milestone;
            line.score = ke.score;
            line.progress = ke.progress;
            line.value = ke.current;
            line.target = kr.target;
            line.value_before = kb.current;
            line.progress_before = kb.progress;
            const std::vector<Checkin>* source = &kr.checkins;
            if (ke.kpi) source = &index.at(*ke.kpi).checkins;
            // Only check-ins that count for the cycle: none after its end, and a KPI's only
            // from its start.
            const Date until = oe.cycle ? counted_until(*oe.cycle, as_of, obj.closed) : as_of;
            for (const Checkin& c : *source)
                if (c.date > before.as_of && c.date <= until &&
                    !(ke.kpi && oe.cycle && c.date < oe.cycle->start))
                    line.notes.push_back({c.date, c.value, c.note});
            std::stable_sort(
                line.notes.begin(), line.notes.end(),
                [](const CheckinNote& a, const CheckinNote& b) { return a.date < b.date; });
            if (ke.status == Status::dropped) {
                line.outcome = "dropped";
                if (!obj.dropped) review.dropped.push_back(fmt::format("{}  {}", ref, kr.title));
                continue;
            }
            const double s = ke.score.value_or(0);
            line.outcome = s >= 0.7 ? "delivered" : ended ? "missed" : "in-progress";
            const std::size_t bucket =
                std::min<std::size_t>(4, static_cast<std::size_t>(std::floor(s * 5 + 1e-9)));
            ++review.distribution[bucket];
            ++review.bands[s >= 0.7 ? 0 : s >= 0.4 ? 1 : 2];
            if (running && !kr.kpi && ke.status != Status::done) {
                const Date last = ke.last_checkin.value_or(oe.cycle->start);
                if (as_of - last > k_checkin_gap_days) {
                    line.days_silent = as_of - last;
                    review.silent.push_back(line);
                }
            }
            (line.outcome == "delivered" ? review.delivered
             : line.outcome == "missed"  ? review.missed
                                         : review.in_progress)
                .push_back(line);
            (line.notes.empty() ? review.not_moved : review.moved).push_back(line);
            if (std::fabs(line.progress - line.progress_before) > 1e-9)
                review.movers.push_back(line);
        }
    }
    std::stable_sort(review.movers.begin(), review.movers.end(),
                     [](const ReviewKr& a, const ReviewKr& b) {
                         return std::fabs(a.progress - a.progress_before) >
                                std::fabs(b.progress - b.progress_before);
                     });
    if (review.movers.size() > 5) review.movers.resize(5);
    Selection kpi_selection;
    kpi_selection.owner = selection.owner;
    kpi_selection.tag = selection.tag;
    for (const KpiRow& k : build_kpi_rows(index, now, kpi_selection)) {
        if (k.dropped) continue;
        if (k.health == Health::warn || k.health == Health::breach) review.kpi_alerts.push_back(k);
        if (k.stale) review.kpi_stale.push_back(k);
    }
    return review;
}

} // namespace okr::report
