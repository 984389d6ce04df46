#pragma once
// `okr check`: the findings of validation and lint as JSON. The terminal shows them with
// `diagnostics_text` (`terminal`), GitHub with `github_annotations` (`annotations`).

#include "okr/core/date.hpp"
#include "okr/core/diagnostic.hpp"
#include "okr/core/reference.hpp"
#include "okr/core/scoring.hpp"
#include "okr/io/workspace.hpp"

#include <string>

namespace okr::report {

// Every finding of `okr check` on a loaded workspace (its `problem` aside), sorted: the load's
// diagnostics; on a valid workspace the lint rules as of `as_of`; on an invalid one the unknown
// keys and the dangling references of the files that read well. `okr lsp` publishes the same.
Diagnostics check_findings(const io::LoadedWorkspace& loaded, Date as_of);
// The same with the workspace's index and its evaluation as of the day, built already.
Diagnostics check_findings(const io::LoadedWorkspace& loaded, const WorkspaceIndex& index,
                           const Evaluation& evaluation);

// `okr check --format json`: schema_version, findings, errors, warnings.
std::string check_json(const Diagnostics& findings);

} // namespace okr::report
