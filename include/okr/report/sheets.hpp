#pragma once
// The description (sheet) of each read command: built once, rendered by `render_sheet` as the
// terminal table, CSV, Markdown or HTML.

#include "okr/report/due.hpp"
#include "okr/report/explain.hpp"
#include "okr/report/log.hpp"
#include "okr/report/objective_log.hpp"
#include "okr/report/review.hpp"
#include "okr/report/rows.hpp"
#include "okr/report/sheet.hpp"
#include "okr/report/tree.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace okr::report {

Sheet review_sheet(const Review& review);

} // namespace okr::report
