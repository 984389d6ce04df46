#pragma once
// Diagnostics: every problem okr reports about a goal file carries its position.

#include <cstdint>
#include <string>
#include <vector>

namespace okr {

// A 1-based line and column in a goal file; line 0 means "no position".
struct SourcePos {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    auto operator<=>(const SourcePos&) const = default;
};

enum class Level { error, warning };

// One finding: where it is, what is wrong, how to fix it. `rule` names a lint rule
// (empty for schema errors, which make the file invalid).
struct Diagnostic {
    std::string path;
    SourcePos pos;
    Level level = Level::error;
    std::string message;
    std::string hint;
    std::string rule;
};

using Diagnostics = std::vector<Diagnostic>;

// Sorts by path, then line, then column; keeps the order of equal positions.
void sort_diagnostics(Diagnostics& diagnostics);

// True when any diagnostic is an error.
bool has_errors(const Diagnostics& diagnostics);

} // namespace okr
