#pragma once
// Diagnostics in the terminal: what `okr check` and load errors print. (The read commands'
// tables are rendered from their descriptions: sheet.hpp.)

#include "okr/core/diagnostic.hpp"
#include "okr/report/table.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace okr::report {

// Fetches line `line` (1-based) of the file at `path`, for showing context; nullopt if unknown.
using SourceLines =
    std::function<std::optional<std::string>(const std::string& path, std::uint32_t line)>;

// `okr check` and load errors: one `PATH:LINE:COL: level: message [rule]` line per finding,
// each followed by the source line with a caret under the column (when `source` has it) and
// an indented hint.
std::string diagnostics_text(const Diagnostics& findings, const Look& look,
                             const SourceLines& source = {});

} // namespace okr::report
