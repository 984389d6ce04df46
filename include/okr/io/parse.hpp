#pragma once
// Turning the text of one goal file into the model, with every schema violation reported.

#include "okr/core/diagnostic.hpp"
#include "okr/core/model.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace okr::io {

struct ParsedFile {
    GoalFile file;
    Diagnostics diagnostics; // errors make the file invalid; warnings are kept for `okr check`
};

// Parses and validates `text` as a goal file (SPEC §3). `path` is used in diagnostics and for
// the default namespace (the file stem). Pure: reads no file.
ParsedFile parse_goal_file(std::string_view text, const std::string& path);

// True when `id` matches [A-Za-z0-9][A-Za-z0-9_-]*.
bool is_valid_id(std::string_view id);

// The position of the first merge-conflict marker (`<<<<<<<`, `=======`, `>>>>>>>` at the start
// of a line) in `text`, if any.
std::optional<SourcePos> first_conflict_marker(std::string_view text);

} // namespace okr::io
