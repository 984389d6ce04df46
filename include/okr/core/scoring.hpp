#pragma once
// The arithmetic of SPEC §5: current values, progress, scores, statuses, grade bands,
// KPI health, staleness and forecasts. Pure functions of the model and an as-of date.

#include "okr/core/model.hpp"
#include "okr/core/reference.hpp"

#include <optional>
#include <span>
#include <vector>

namespace okr {

// `closed`: the objective was closed (`okr close`) on or before the as-of date: its grade is
// frozen, and the gap to the time elapsed no longer says anything.
enum class Status { none, dropped, done, on_track, at_risk, off_track, closed };
enum class Band { none, green, yellow, red };
enum class Health { unknown, ok, warn, breach };

const char* to_string(Status s);
const char* to_string(Band b);
const char* to_string(Health h);

// The latest check-in dated on or before `as_of` (ties: the later one in the file), optionally
// only those inside `window`; nullptr when there is none.
const Checkin* latest_checkin(const std::vector<Checkin>& checkins, Date as_of,
                              const Cycle* window = nullptr);

// Unclamped progress from start to target.
double progress(double start, double target, double current);

// A score as every report reads it: rounded to 12 significant digits (SPEC §5), so that a
// band, a status or a delivered KR agrees with the number shown (0.6999999999999993, which
// (63.4 - 62) / (64 - 62) gives, reads 0.70 and is green).
double as_shown(double score);

// Status of a score `s` (as shown) at elapsed fraction `t`: done at s >= 1, else by the gap t - s.
Status status_for(std::optional<double> score, double elapsed);

// Grade band of a score as shown: green >= 0.7, yellow >= 0.4, red below.
Band band_for(std::optional<double> score);

// KPI health of `value` against the KPI's bounds.
Health kpi_health(const Kpi& kpi, std::optional<double> value);

// True when the KPI's latest check-in (on or before `as_of`) is older than one period.
bool kpi_stale(const Kpi& kpi, Date as_of);

// Least-squares line through (cycle start, start) and the check-ins up to `as_of`, read at
// the cycle's end; nullopt with fewer than two distinct dates.
std::optional<double> forecast_value(const Cycle& cycle, double start,
                                     std::span<const Checkin* const> checkins);

struct Weighted {
    double value;
    double weight;
};
// Weighted mean; nullopt when there is nothing to average.
std::optional<double> weighted_mean(std::span<const Weighted> items);

// A KR evaluated as of a date.
struct KrEval {
    double current = 0;
    double progress = 0;
    std::optional<double> score; // nullopt when dropped
    Status status = Status::none;
    std::optional<double> confidence; // of the latest check-in that states one
    std::optional<Date> last_checkin;
    std::optional<double> forecast;       // projected value at the cycle's end
    std::optional<double> forecast_score; // its clamped progress
    std::optional<KpiRef> kpi;            // the KPI it follows, when resolved
    bool kpi_unresolved = false;
};

struct ObjectiveEval {
    const Cycle* cycle = nullptr; // nullptr when the cycle is unknown
    double elapsed = 0;
    std::optional<double> score;
    Status status = Status::none;
    Band band = Band::none;
    bool missed_commitment = false;
    std::optional<ObjectiveRef> parent;
    bool parent_unresolved = false;
    std::vector<KrEval> krs;
};

struct KpiEval {
    std::optional<double> value;
    std::optional<Date> date;
    Health health = Health::unknown;
    bool stale = false;
};

// Every objective, KR and KPI of a workspace evaluated as of one date, indexed like the model
// ([file][objective], [file][kpi]).
struct Evaluation {
    Date as_of;
    std::vector<std::vector<ObjectiveEval>> objectives;
    std::vector<std::vector<KpiEval>> kpis;

    const ObjectiveEval& at(ObjectiveRef r) const { return objectives[r.file][r.objective]; }
    const KrEval& at(KrRef r) const { return objectives[r.file][r.objective].krs[r.kr]; }
    const KpiEval& at(KpiRef r) const { return kpis[r.file][r.kpi]; }
};

// The last day whose check-ins count for a KR of `cycle` as of `as_of`: min(as_of, cycle end)
// (SPEC §3), and not after the day its objective was `closed` (SPEC §10). A check-in after the
// end belongs to no grade of that cycle; one after `closed` does not change a frozen grade.
Date counted_until(const Cycle& cycle, Date as_of, std::optional<Date> closed = std::nullopt);

// False for a check-in written into its objective after the objective was `closed` (its
// `recorded` date on or after `closed`): it is history and never moves the frozen cycle's
// progress (SPEC §10), whatever its own date.
bool counts_after_close(const Checkin& checkin, std::optional<Date> closed);

KpiEval evaluate_kpi(const Kpi& kpi, Date as_of);
// `closed`: the objective's `closed` date; check-ins after it do not count.
KrEval evaluate_kr(const KeyResult& kr, const Cycle& cycle, Date as_of, bool objective_dropped,
                   const Kpi* kpi, std::optional<Date> closed = std::nullopt);
Evaluation evaluate(const WorkspaceIndex& index, Date as_of);
// File `file`'s KPIs and objectives evaluated again as of `evaluation.as_of`, into
// evaluation.kpis[file] and evaluation.objectives[file] (sized for the workspace already): what
// `evaluate` gives that file. `okr lsp` evaluates an edited file alone.
void evaluate_file(const WorkspaceIndex& index, std::size_t file, Evaluation& evaluation);

} // namespace okr
