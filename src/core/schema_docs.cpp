#include "okr/core/schema.hpp"

namespace okr::schema {
namespace {

struct KeyDoc {
    Table table;
    std::string_view name;
    std::string_view doc;
};

// One line per key, in the words of SPEC §3; the editor shows it beside the key.
constexpr KeyDoc k_docs[] = {
    {Table::file, "title", "The file's title, shown in report headers."},
    {Table::file, "owner", "Default owner of everything in this file."},
    {Table::file, "namespace",
     "Prefix of references from other files (NAMESPACE/ID); default: the file's stem."},
    {Table::file, "cycle",
     "Default cycle of the objectives in this file: YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or a "
     "declared cycle."},
    {Table::file, "cycles", "Custom cycles, each [cycles.NAME] with a start and an end date."},
    {Table::file, "workspace", "The workspace root: [workspace] include = [globs of goal files]."},
    {Table::file, "objective", "An objective: [[objective]] with its key results."},
    {Table::file, "kpi", "A KPI: a measure kept healthy, [[kpi]] with min, max or both."},
    {Table::cycle, "start", "The first day of the cycle."},
    {Table::cycle, "end", "The last day of the cycle, after its start."},
    {Table::workspace, "include",
     "Globs of the goal files of the workspace, relative to this file."},
    {Table::objective, "id",
     "The objective's id, unique in its namespace: [A-Za-z0-9][A-Za-z0-9_-]*."},
    {Table::objective, "title", "What the objective is about."},
    {Table::objective, "owner", "Who owns the objective; default: the file's owner."},
    {Table::objective, "type", "aspirational (the default) or committed."},
    {Table::objective, "parent",
     "Alignment: a reference to the objective this one supports ([NAMESPACE/]OBJ)."},
    {Table::objective, "kpis", "References to KPIs shown with this objective."},
    {Table::objective, "tags", "Free labels, for filtering reports."},
    {Table::objective, "notes", "Free text: context, a retro."},
    {Table::objective, "weight", "The objective's weight in the overall score, > 0; default 1."},
    {Table::objective, "status",
     "active (the default) or dropped: a dropped objective is not scored."},
    {Table::objective, "dropped", "The day it was dropped (written by okr drop)."},
    {Table::objective, "cycle", "The objective's cycle; default: the file's cycle."},
    {Table::objective, "closed",
     "The day its cycle was closed (written by okr close): its grade is frozen."},
    {Table::objective, "carried_from",
     "The objective this one continues (written by okr close --carry)."},
    {Table::objective, "kr", "A key result: [[objective.kr]]."},
    {Table::kr, "id", "The key result's id, unique within its objective."},
    {Table::kr, "title", "What the key result measures."},
    {Table::kr, "start", "The baseline; default 0."},
    {Table::kr, "target",
     "The value to reach; required for metric key results, differs from start."},
    {Table::kr, "current", "The current value when there is no check-in; default: start."},
    {Table::kr, "unit", "The unit of start, target and check-ins: users, %, EUR, ..."},
    {Table::kr, "weight", "The key result's weight in its objective's score, > 0; default 1."},
    {Table::kr, "type", "metric (the default) or milestone: done / not done, check-ins 0 or 1."},
    {Table::kr, "score",
     "A manual end-of-cycle grade from 0.0 to 1.0; overrides the computed score."},
    {Table::kr, "kpi", "A reference to a KPI whose measurements give this key result's value."},
    {Table::kr, "owner", "Who owns the key result; default: the objective's owner."},
    {Table::kr, "status", "active (the default) or dropped: a dropped key result is not scored."},
    {Table::kr, "dropped", "The day it was dropped (written by okr drop)."},
    {Table::kr, "checkins",
     "Dated values: { date = ..., value = ..., confidence = ..., note = ... }."},
    {Table::kr, "notes", "Free text."},
    {Table::kpi, "id", "The KPI's id, unique in its namespace: [A-Za-z0-9][A-Za-z0-9_-]*."},
    {Table::kpi, "title", "What the KPI measures."},
    {Table::kpi, "unit", "The unit of its values: %, ms, EUR, ..."},
    {Table::kpi, "min", "Healthy at or above this value."},
    {Table::kpi, "max", "Healthy at or below this value."},
    {Table::kpi, "warn",
     "With min or max alone: the bound beyond which a warning becomes a breach."},
    {Table::kpi, "frequency",
     "How often it is measured: daily, weekly, monthly, quarterly or yearly."},
    {Table::kpi, "owner", "Who owns the KPI; default: the file's owner."},
    {Table::kpi, "tags", "Free labels, for filtering reports."},
    {Table::kpi, "status", "active (the default) or dropped."},
    {Table::kpi, "dropped", "The day it was dropped (written by okr drop)."},
    {Table::kpi, "checkins", "Dated measurements: { date = ..., value = ..., note = ... }."},
    {Table::kpi, "notes", "Free text."},
    {Table::kpi, "source",
     "A command that prints the KPI's current value, run by okr pull once approved with okr "
     "trust."},
    {Table::checkin, "date", "The day of the check-in."},
    {Table::checkin, "value",
     "The value on that day, in the item's unit (0 or 1 for a milestone)."},
    {Table::checkin, "confidence", "How likely the target is reached, from 0.0 to 1.0."},
    {Table::checkin, "note", "A word on the check-in."},
    {Table::checkin, "recorded",
     "The day it was written, when later than its date into a closed objective."},
};

} // namespace

std::string_view doc(const Key& key) {
    for (const KeyDoc& d : k_docs)
        if (d.table == key.table && d.name == key.name) return d.doc;
    return {};
}

} // namespace okr::schema
