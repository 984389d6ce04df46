#pragma once
// `okr log REF`: one KR's or KPI's check-in history: the model, its chart, its JSON and its
// description.

#include "okr/core/reference.hpp"
#include "okr/core/scoring.hpp"
#include "okr/report/json.hpp"
#include "okr/report/sheet.hpp"

#include <optional>
#include <string>
#include <vector>

namespace okr::report {

struct LogEntry {
    Date date;
    double value = 0;
    std::optional<double> delta; // from the previous entry
    std::optional<double> confidence;
    std::string note;
};

struct LogReport {
    bool is_kpi = false;
    std::string ref;
    std::string title;
    std::string unit;
    Date as_of;
    std::vector<LogEntry> entries; // dated on or before as_of, by date (ties in file order)
    // KR only:
    std::optional<Cycle> cycle;
    bool milestone = false;
    double start = 0, target = 1, current = 0, progress = 0;
    std::optional<double> score, forecast, forecast_score;
    Status status = Status::none;
    std::string follows_kpi; // the KPI whose check-ins these are
    // KPI only:
    std::optional<double> min, max, warn;
    Health health = Health::unknown;
    bool stale = false;
};

LogReport build_kr_log(const WorkspaceIndex& index, const Evaluation& ev, KrRef ref);
LogReport build_kpi_log(const WorkspaceIndex& index, const Evaluation& ev, KpiRef ref);

// The chart of a log: check-ins, the ideal line and forecast (metric KR), a step from not done
// to done on a 0..1 axis (milestone), or the check-ins and bounds (KPI).
Chart log_chart(const LogReport& log);

// `okr log --format json`: the item and its check-ins.
std::string log_json(const LogReport& log, const Spill& spill = {});
// The history as one description: a line of facts, a chart and a table (every other format).
Sheet log_sheet(const LogReport& log);

} // namespace okr::report
