#pragma once
// Unified diffs of two texts, as `git diff` prints them, for `--dry-run` and `okr edit`.

#include <string>
#include <string_view>

namespace okr::util {

// A unified diff (`--- a/PATH`, `+++ b/PATH`, hunks with 3 lines of context) from `before` to
// `after`; empty when they are equal.
std::string unified_diff(std::string_view before, std::string_view after, const std::string& path);

} // namespace okr::util
