#pragma once
// `okr log OBJ`: an objective's score and average confidence week by week over its cycle,
// following `carried_from` back through the objectives it continues (SPEC §11): the model, its
// chart, its JSON and its description.

#include "okr/core/reference.hpp"
#include "okr/core/scoring.hpp"
#include "okr/report/json.hpp"
#include "okr/report/sheet.hpp"

#include <optional>
#include <string>
#include <vector>

namespace okr::report {

struct ObjectiveWeek {
    Date date;
    std::optional<double> score;
    std::optional<double> confidence; // mean of the active KRs' confidences
};

// One objective of the chain, in its own cycle.
struct ObjectiveSpan {
    std::string ref;
    std::string title;
    std::optional<Cycle> cycle;
    std::optional<Date> closed;
    std::vector<ObjectiveWeek> weeks; // the cycle's start, every 7 days, and its last day shown
};

struct ObjectiveLog {
    std::string ref;
    std::string title;
    Date as_of;
    std::vector<ObjectiveSpan> spans;    // the oldest objective of the chain first
    std::vector<std::string> unresolved; // a `carried_from` that does not resolve, or a loop
};

// Weeks run from each cycle's start to min(as-of date, cycle end), with that last day added. A
// closed objective shows computed scores before its `closed` date and the frozen ones from then.
ObjectiveLog build_objective_log(const WorkspaceIndex& index, ObjectiveRef ref, Date as_of);

// Score and confidence as two series over the chain's weeks.
Chart objective_log_chart(const ObjectiveLog& log);

// `okr log OBJ --format json`: the chain of objectives back through carried_from, week by week.
std::string objective_log_json(const ObjectiveLog& log, const Spill& spill = {});
// The weeks as one description: a chart and a table (every other format).
Sheet objective_log_sheet(const ObjectiveLog& log);

} // namespace okr::report
