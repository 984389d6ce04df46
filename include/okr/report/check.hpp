#pragma once
// `okr check`: the findings of validation and lint as JSON. The terminal shows them with
// `diagnostics_text` (`terminal`), GitHub with `github_annotations` (`annotations`).

#include "okr/core/diagnostic.hpp"

#include <string>

namespace okr::report {

// `okr check --format json`: schema_version, findings, errors, warnings.
std::string check_json(const Diagnostics& findings);

} // namespace okr::report
