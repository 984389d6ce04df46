#pragma once
// Report rows: what the read commands show, built from the model and its evaluation,
// independent of the output format.

#include "okr/core/model.hpp"
#include "okr/core/reference.hpp"
#include "okr/core/scoring.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okr::report {

class JsonWriter;

// Which objectives a report covers.
struct Selection {
    std::string cycle;             // empty: the default (§6); "all": every cycle
    std::vector<std::string> refs; // objectives or KRs to show; empty: all
    std::string owner;             // empty: any
    std::string tag;               // empty: any
};

struct KpiRow {
    std::string ref;
    std::string id;
    std::string title;
    std::string unit;
    std::string owner;
    std::string file; // the goal file that defines it
    std::optional<double> min, max, warn;
    std::optional<Frequency> frequency;
    std::optional<double> value;
    std::optional<Date> date;
    Health health = Health::unknown;
    bool stale = false;
    bool dropped = false;
    std::vector<std::string> tags;
    std::vector<double> history; // the last 12 values up to the as-of date, oldest first
};

struct KrRow {
    std::string ref;
    std::string id;
    std::string title;
    std::string unit;
    std::string owner;
    KrType type = KrType::metric;
    double start = 0, target = 1, current = 0, progress = 0, expected = 0, weight = 1;
    std::optional<double> score, manual_score, confidence, forecast, forecast_score;
    Status status = Status::none;
    Band band = Band::none;
    std::optional<Date> last_checkin;
    std::optional<int> age_days;
    std::string kpi_ref; // the KPI it follows, as written
    bool kpi_unresolved = false;
};

struct ObjectiveRow {
    std::string ref;
    std::string id;
    std::string title;
    std::string owner;
    std::string cycle;
    std::string file;
    ObjectiveType type = ObjectiveType::aspirational;
    double weight = 1, expected = 0;
    std::optional<double> score;
    std::optional<double> confidence; // mean confidence of its active KRs that state one
    std::vector<double> confidences;  // those KRs' confidences, for the owner roll-up
    Status status = Status::none;
    Band band = Band::none;
    bool missed_commitment = false;
    std::optional<Date> closed; // set by `okr close`: its KRs' scores are frozen
    std::string carried_from;   // the objective it continues, as written
    std::string parent;         // canonical ref when resolved, else as written
    bool parent_unresolved = false;
    std::string notes;
    std::vector<std::string> tags;
    std::vector<KrRow> krs;
    std::vector<KpiRow> kpis;              // supporting KPIs
    std::vector<std::string> missing_kpis; // `kpis` entries that do not resolve
};

struct OwnerTotal {
    std::string owner;
    std::optional<double> score;
    Band band = Band::none;
    std::size_t objectives = 0;
    std::optional<double> confidence; // mean confidence of the active KRs of those objectives
};

struct CycleInfo {
    std::string name;
    Date start, end;
    double elapsed = 0;
};

// Everything `status`, `score` and `kpi` print.
struct Report {
    Date as_of;
    std::string title;             // the first file's title, when it has one
    std::vector<CycleInfo> cycles; // selected, by start date
    std::vector<ObjectiveRow> objectives;
    std::vector<KpiRow> kpis; // every KPI of the workspace (filtered by refs/owner/tag for `kpi`)
    std::vector<OwnerTotal> owners;
    std::optional<double> overall;
    Band overall_band = Band::none;
    bool one_file = false; // the workspace is one file: references show without namespace
};

// The cycles a selection covers: named, all, or those containing the as-of date (else the one
// that ended last). Unknown names yield an empty list.
std::vector<const Cycle*> selected_cycles(const WorkspaceIndex& index, const std::string& cycle,
                                          Date as_of);

// Builds the report for objectives; refs that do not resolve are skipped (the caller checks them).
Report build_report(const WorkspaceIndex& index, const Evaluation& evaluation,
                    const Selection& selection);

// Owner totals and the overall score, from the report's objectives (build_report calls it; call
// it again after filtering).
void compute_totals(Report& report);

// `--status LIST`: keeps the KRs whose status is listed, and the objectives that are listed or
// keep a KR; the totals are recomputed over what is left.
void keep_statuses(Report& report, const std::vector<Status>& statuses);

// `--sort KEY`: objectives and, within each, KRs. score and progress: lowest first; status:
// off-track, at-risk, on-track, done, closed, none, dropped; owner: by name; last: the oldest (or
// missing) last check-in first. Ties keep file order.
enum class SortKey { score, progress, status, owner, last };
void sort_report(Report& report, SortKey key);

// The last check-in of a KR row, and the latest of an objective row's active KRs.
std::optional<Date> last_of(const KrRow& kr);
std::optional<Date> last_of(const ObjectiveRow& objective);

// The status words `--status` takes, and the parse of one (nullopt when unknown).
std::optional<Status> parse_status(std::string_view word);

// Builds the KPI rows of the workspace, filtered by refs, owner and tag.
std::vector<KpiRow> build_kpi_rows(const WorkspaceIndex& index, const Evaluation& evaluation,
                                   const Selection& selection);

// A cycle as JSON: {name, start, end, elapsed}.
void write_cycle(JsonWriter& w, const CycleInfo& c);
// "2026-Q4 (2026-10-01 → 2026-12-31, 58% elapsed)" for each cycle, joined by " · ".
std::string describe_cycles(const std::vector<CycleInfo>& cycles);
// A reference as shown: without its namespace when the workspace is one file.
std::string shown_ref(const std::string& ref, bool one_file);

} // namespace okr::report
