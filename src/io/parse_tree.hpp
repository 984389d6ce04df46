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

} // namespace okr::io
