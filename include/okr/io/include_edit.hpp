#pragma once
// Adding a file to a workspace root's `[workspace] include` list, as text (SPEC §8: comments,
// layout and line endings of everything else stay byte for byte). Pure: reads no file.

#include "okr/io/edit.hpp"

#include <string>
#include <string_view>

namespace okr::io {

// Adds `pattern` to the `include` array of the root file's `[workspace]` table: after its last
// entry (on a line of its own when entries are one per line), into `include = []`, as a new
// `include` key under an existing `[workspace]`, or as a new `[workspace]` table at the end.
Result<Edit> add_include(std::string_view text, const std::string& path,
                         const std::string& pattern);

} // namespace okr::io
