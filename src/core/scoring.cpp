#include "okr/core/scoring.hpp"

#include "okr/util/digits.hpp"
#include "okr/util/parallel.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace okr {

const char* to_string(Status s) {
    switch (s) {
    case Status::none:
        return "none";
    case Status::dropped:
        return "dropped";
    case Status::done:
        return "done";
    case Status::on_track:
        return "on-track";
    case Status::at_risk:
        return "at-risk";
    case Status::off_track:
        return "off-track";
    case Status::closed:
        return "closed";
    }
    return "";
}

const char* to_string(Band b) {
    switch (b) {
    case Band::none:
        return "none";
    case Band::green:
        return "green";
    case Band::yellow:
        return "yellow";
    case Band::red:
        return "red";
    }
    return "";
}

const char* to_string(Health h) {
    switch (h) {
    case Health::unknown:
        return "unknown";
    case Health::ok:
        return "ok";
    case Health::warn:
        return "warn";
    case Health::breach:
        return "breach";
    }
    return "";
}

const Checkin* latest_checkin(const std::vector<Checkin>& checkins, Date as_of,
                              const Cycle* window) {
    const Checkin* best = nullptr;
    for (const Checkin& c : checkins) {
        if (c.date > as_of || (window && !window->contains(c.date))) continue;
        if (!best || c.date >= best->date) best = &c;
    }
    return best;
}

double progress(double start, double target, double current) {
    return (current - start) / (target - start);
}

double as_shown(double score) {
    return util::round_12(score);
}

Status status_for(std::optional<double> score, double elapsed) {
    if (!score) return Status::none;
    const double s = as_shown(*score);
    if (s >= 1) return Status::done;
    const double gap = elapsed - s;
    // A hair of tolerance so that 0.6 - 0.5 counts as the 0.10 it is meant to be.
    constexpr double k_epsilon = 1e-9;
    if (gap <= 0.10 + k_epsilon) return Status::on_track;
    if (gap <= 0.25 + k_epsilon) return Status::at_risk;
    return Status::off_track;
}

Band band_for(std::optional<double> score) {
    if (!score) return Band::none;
    const double s = as_shown(*score);
    if (s >= 0.7) return Band::green;
    if (s >= 0.4) return Band::yellow;
    return Band::red;
}

Health kpi_health(const Kpi& kpi, std::optional<double> value) {
    if (!value) return Health::unknown;
    const double v = *value;
    if (kpi.min && kpi.max) return (v >= *kpi.min && v <= *kpi.max) ? Health::ok : Health::breach;
    if (kpi.min) {
        if (v >= *kpi.min) return Health::ok;
        return kpi.warn && v >= *kpi.warn ? Health::warn : Health::breach;
    }
    if (kpi.max) {
        if (v <= *kpi.max) return Health::ok;
        return kpi.warn && v <= *kpi.warn ? Health::warn : Health::breach;
    }
    return Health::unknown;
}

bool kpi_stale(const Kpi& kpi, Date as_of) {
    if (!kpi.frequency) return false;
    const Checkin* latest = latest_checkin(kpi.checkins, as_of);
    return latest && as_of - latest->date > period_days(*kpi.frequency);
}

std::optional<double> forecast_value(const Cycle& cycle, double start,
                                     std::span<const Checkin* const> checkins) {
    const double n = static_cast<double>(checkins.size() + 1);
    double sx = 0, sy = start;
    for (const Checkin* c : checkins) {
        sx += c->date - cycle.start;
        sy += c->value;
    }
    const double mx = sx / n, my = sy / n;
    double sxx = (0 - mx) * (0 - mx), sxy = (0 - mx) * (start - my);
    for (const Checkin* c : checkins) {
        const double dx = (c->date - cycle.start) - mx;
        sxx += dx * dx;
        sxy += dx * (c->value - my);
    }
    if (checkins.empty() || sxx <= 0) return std::nullopt;
    const double slope = sxy / sxx;
    return my + slope * ((cycle.end - cycle.start) - mx);
}

std::optional<double> weighted_mean(std::span<const Weighted> items) {
    double sum = 0, weights = 0;
    for (const auto& w : items) {
        sum += w.value * w.weight;
        weights += w.weight;
    }
    if (weights <= 0) return std::nullopt;
    return sum / weights;
}

Date counted_until(const Cycle& cycle, Date as_of, std::optional<Date> closed) {
    const Date until = std::min(as_of, cycle.end);
    return closed ? std::min(until, *closed) : until;
}

bool counts_after_close(const Checkin& checkin, std::optional<Date> closed) {
    return !closed || !checkin.recorded || *checkin.recorded < *closed;
}

KpiEval evaluate_kpi(const Kpi& kpi, Date as_of) {
    KpiEval e;
    if (const Checkin* latest = latest_checkin(kpi.checkins, as_of)) {
        e.value = latest->value;
        e.date = latest->date;
    }
    e.health = kpi_health(kpi, e.value);
    e.stale = kpi_stale(kpi, as_of);
    return e;
}

KrEval evaluate_kr(const KeyResult& kr, const Cycle& cycle, Date as_of, bool objective_dropped,
                   const Kpi* kpi, std::optional<Date> closed) {
    KrEval e;
    // A KR that follows a KPI reads only the KPI's check-ins; an unresolved KPI gives none.
    static const std::vector<Checkin> k_none;
    const std::vector<Checkin>& source = kpi ? kpi->checkins : (kr.kpi ? k_none : kr.checkins);
    // A check-in counts for the cycle only up to its end, so a late one never regrades a
    // finished cycle, nor after its objective was closed; a KPI's measurements count only from
    // the cycle's start.
    const Date cutoff = counted_until(cycle, as_of, closed);
    const Cycle* window = kpi ? &cycle : nullptr;
    std::vector<const Checkin*> used;
    const Checkin* latest = nullptr; // ties: the later one in the file
    for (const Checkin& c : source)
        if (c.date <= cutoff && (!window || window->contains(c.date)) &&
            counts_after_close(c, closed)) {
            used.push_back(&c);
            if (!latest || c.date >= latest->date) latest = &c;
        }
    if (latest) {
        e.current = latest->value;
        e.last_checkin = latest->date;
    } else {
        e.current = (kr.current && !kr.kpi) ? *kr.current : kr.start;
    }
    // The confidence of the latest check-in that states one (ties: the later in the file).
    const Checkin* confident = nullptr;
    for (const Checkin* c : used)
        if (c->has_confidence() && (!confident || c->date >= confident->date)) confident = c;
    e.confidence = confident ? std::optional<double>(confident->confidence) : std::nullopt;

    e.progress = progress(kr.start, kr.target, e.current);
    if (auto f = forecast_value(cycle, kr.start, used)) {
        e.forecast = *f;
        e.forecast_score = std::clamp(progress(kr.start, kr.target, *f), 0.0, 1.0);
    }
    if (kr.dropped || objective_dropped) {
        e.status = Status::dropped;
        return e;
    }
    e.score = kr.score ? *kr.score : std::clamp(e.progress, 0.0, 1.0);
    e.status =
        closed && as_of >= *closed ? Status::closed : status_for(e.score, cycle.elapsed(as_of));
    return e;
}

void evaluate_file(const WorkspaceIndex& index, std::size_t f, Evaluation& ev) {
    const Date as_of = ev.as_of;
    const GoalFile& file = index.workspace().files[f];
    ev.kpis[f].clear();
    ev.objectives[f].clear();
    ev.kpis[f].reserve(file.kpis.size());
    for (const Kpi& k : file.kpis)
        ev.kpis[f].push_back(evaluate_kpi(k, as_of));
    ev.objectives[f].reserve(file.objectives.size());
    for (std::size_t o = 0; o < file.objectives.size(); ++o) {
        const Objective& obj = file.objectives[o];
        ObjectiveEval oe;
        oe.cycle = index.cycle(obj.cycle);
        if (obj.parent) {
            auto r = index.objective(obj.parent->text, f, WorkspaceIndex::Explain::found);
            oe.parent = r.found;
            oe.parent_unresolved = !r.found;
        }
        const Cycle fallback{obj.cycle, as_of, as_of};
        const Cycle& cycle = oe.cycle ? *oe.cycle : fallback;
        oe.elapsed = cycle.elapsed(as_of);
        std::vector<Weighted> scores;
        oe.krs.reserve(obj.krs.size());
        for (const KeyResult& kr : obj.krs) {
            const Kpi* kpi = nullptr;
            std::optional<KpiRef> kpi_ref;
            bool unresolved = false;
            if (kr.kpi) {
                auto r = index.kpi(kr.kpi->text, f, WorkspaceIndex::Explain::found);
                if (r.found) {
                    kpi_ref = r.found;
                    kpi = &index.at(*r.found);
                } else {
                    unresolved = true;
                }
            }
            KrEval ke = evaluate_kr(kr, cycle, as_of, obj.dropped, kpi, obj.closed);
            ke.kpi = kpi_ref;
            ke.kpi_unresolved = unresolved;
            if (ke.score) scores.push_back({*ke.score, kr.weight});
            oe.krs.push_back(std::move(ke));
        }
        if (obj.dropped) {
            oe.status = Status::dropped;
        } else {
            oe.score = weighted_mean(scores);
            oe.status = obj.closed && as_of >= *obj.closed ? Status::closed
                                                           : status_for(oe.score, oe.elapsed);
            oe.band = band_for(oe.score);
            // An objective with no active KR has no grade, so it cannot miss one.
            oe.missed_commitment = obj.type == ObjectiveType::committed && as_of > cycle.end &&
                                   oe.score && *oe.score < 1;
        }
        ev.objectives[f].push_back(std::move(oe));
    }
}

Evaluation evaluate(const WorkspaceIndex& index, Date as_of) {
    const std::size_t files = index.workspace().files.size();
    Evaluation ev;
    ev.as_of = as_of;
    ev.objectives.resize(files);
    ev.kpis.resize(files);
    // Files are evaluated apart (each reads the index, and writes only its own results), on
    // every core when there are many.
    util::in_parallel(util::split_parts(files, 32, util::cores()),
                      [&](std::size_t, util::Part part) {
                          for (std::size_t f = part.begin; f < part.end; ++f)
                              evaluate_file(index, f, ev);
                      });
    return ev;
}

} // namespace okr
