#pragma once
// `okr check --format github`: one GitHub Actions workflow command per finding, so that CI shows
// each finding on its line of the pull request's diff.

#include "okr/core/diagnostic.hpp"

#include <string>

namespace okr::report {

// One line per finding: `::error file=P,line=L,col=C,title=RULE::MESSAGE` (or `::warning`), the
// hint on a second line of the message. Position keys are left out where unknown; `%`, CR, LF
// (and in properties `:` and `,`) are escaped as GitHub's workflow commands require.
std::string github_annotations(const Diagnostics& findings);

} // namespace okr::report
