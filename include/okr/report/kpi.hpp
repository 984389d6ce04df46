#pragma once
// `okr kpi`: the health of each KPI (latest value, bounds, staleness, trend): its JSON and its
// description. The rows themselves (`KpiRow`, `build_kpi_rows`) are in `rows`, shared with
// `status`; the parts of a KPI that `status`, `review` and `log` show too are here.

#include "okr/report/json.hpp"
#include "okr/report/rows.hpp"
#include "okr/report/sheet.hpp"

#include <string>
#include <vector>

namespace okr::report {

// A KPI as JSON, in `kpi`, `status` and `review` alike.
void write_kpi(JsonWriter& w, const KpiRow& k);
// `okr kpi --format json`: schema_version, as_of, kpis.
std::string kpi_json(Date as_of, const std::vector<KpiRow>& kpis, const Spill& spill = {});

// "90..100", ">= 90 (warn 95)": the bounds of a KPI.
std::string kpi_bounds(const KpiRow& k);
// The latest value of a KPI with its unit, "-" when it has none.
SheetCell kpi_value(const KpiRow& k);
// The KPI columns shared by `kpi` and the review's KPI lists; `full` adds trend and owner.
std::vector<SheetColumn> kpi_columns(bool full);
// A KPI's row under kpi_columns(full), its reference shown as `ref`.
SheetRow kpi_sheet_row(const KpiRow& k, const std::string& ref, bool full);
// `one_file`: the workspace is one file, so references show without their namespace.
Sheet kpi_sheet(Date as_of, const std::vector<KpiRow>& kpis, bool one_file = false);

} // namespace okr::report
