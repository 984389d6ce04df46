#pragma once
// `okr due` (SPEC §11): what needs a check-in now, and the `--fail-on` conditions that
// `status`, `kpi`, `review` and `due` check for cron and CI: the model, its JSON and its
// description.

#include "okr/report/json.hpp"
#include "okr/report/rows.hpp"
#include "okr/report/sheet.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okr::report {

// A KR of a running cycle is due when its last check-in (else its cycle's start) is this many
// days old or older.
inline constexpr int k_due_days = 7;

struct DueItem {
    bool kpi = false; // a KPI whose period has passed, else a KR
    std::string ref;
    std::string title;
    std::string owner;
    std::string file;
    std::string unit;
    std::optional<Date> last; // the last check-in, if any
    std::optional<int> days;  // days since it (a KR without one: since its cycle's start)
    int period = k_due_days;  // the rhythm that makes it due, in days
    std::string command;      // what to run: okr checkin REF VALUE
    Status status = Status::none;
    Health health = Health::unknown;
    bool stale = false;
};

struct DueReport {
    Date as_of;
    std::vector<CycleInfo> cycles; // the running cycles
    std::vector<DueItem> items;    // KRs in report order, then KPIs in workspace order
};

// True when a KR row of `cycle` is due as of `as_of`: the cycle runs, the KR is active, not
// done, has no manual score, its objective is not closed, and it has had no check-in for
// k_due_days days. A KR that follows a KPI counts that KPI's check-ins.
bool kr_due(const KrRow& kr, const CycleInfo& cycle, Date as_of, bool objective_closed);

// True when a KPI row with a frequency has had no check-in for one period (or never had one).
bool kpi_due(const KpiRow& kpi, Date as_of);

// The due list from a status report (its objectives, of the default cycles) and every KPI row;
// `owner` (when not empty) keeps the KRs and KPIs that owner owns. A KR that follows a KPI is
// checked in through that KPI, and is listed once, as the KPI, when the KPI is due as well.
// With `short_refs` (a one-file workspace), references are written without their namespace.
DueReport build_due(const Report& report, const std::vector<KpiRow>& kpis, const std::string& owner,
                    bool short_refs = false);

// What `--fail-on` takes.
enum class FailOn { off_track, at_risk, breach, warn, stale, due };
std::optional<FailOn> parse_fail_on(std::string_view word);
const char* to_string(FailOn condition);

// The shown items that meet one of `conditions`, as "REF (condition)". `status` and `review`:
// objectives and KRs (off-track, at-risk, due) and supporting KPIs (breach, warn, stale, due).
std::vector<std::string> failing(const Report& report, const std::vector<FailOn>& conditions);
// `kpi`: the KPI rows.
std::vector<std::string> failing(const std::vector<KpiRow>& kpis, Date as_of,
                                 const std::vector<FailOn>& conditions);
// `due`: every item is due; KRs meet their status too, KPIs their health and staleness.
std::vector<std::string> failing(const DueReport& due, const std::vector<FailOn>& conditions);

// `okr due --format json`: schema_version, as_of, the running cycles, and the due items with
// the command to run for each.
std::string due_json(const DueReport& due, const Spill& spill = {});
// The due items as one description: a table, then the commands to check in (every other
// format).
Sheet due_sheet(const DueReport& due);

} // namespace okr::report
