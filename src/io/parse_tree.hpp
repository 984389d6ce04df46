#pragma once
// Inside io: validating a goal file that is already parsed as TOML, for code that keeps the
// TOML tree (the merge driver) and must not parse the text twice.

#include "okr/io/parse.hpp"

#include <string>
#include <toml++/toml.h>

namespace okr::io {

// The model and diagnostics of a goal file from its TOML tree, as parse_goal_file gives them
// for a text that is valid TOML.
ParsedFile read_goal_table(const toml::table& root, const std::string& path);

// The diagnostics of the objectives and KPIs in `items` (a table of `objective` and `kpi` arrays,
// e.g. one part of a file parsed alone) as read_goal_table gives them for a file whose other keys
// are those of `top`: what an item depends on outside itself is the top's cycles and `cycle`.
Diagnostics read_goal_items(const toml::table& top, const toml::table& items,
                            const std::string& path);

} // namespace okr::io
