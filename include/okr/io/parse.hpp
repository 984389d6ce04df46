#pragma once
// Turning the text of one goal file into the model, with every schema violation reported.

#include "okr/core/diagnostic.hpp"
#include "okr/core/model.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okr::io {

struct ParsedFile {
    GoalFile file;
    Diagnostics diagnostics; // errors make the file invalid; warnings are kept for `okr check`
};

// Parses and validates `text` as a goal file (SPEC §3). `path` is used in diagnostics and for
// the default namespace (the file stem). Pure: reads no file.
ParsedFile parse_goal_file(std::string_view text, const std::string& path);

// The largest magnitude of a number in a goal file (okr-format(5)): beyond it sums and ratios
// lose their digits or overflow. Subnormal numbers (closer to 0 than 2.2e-308) are refused too.
inline constexpr double k_max_magnitude = 1e15;

// True when `v` is finite, at most k_max_magnitude in size, and 0 or not subnormal.
bool is_number_in_range(double v);

// The most parts a dotted key or table header may have (`a.b.c` has 3): the TOML parser recurses
// once per part, so a deeper one is refused before parsing rather than overflowing the stack.
inline constexpr std::size_t k_max_key_parts = 64;

// Why `text` must not reach the TOML parser, and where.
struct TomlHazard {
    SourcePos pos;
    std::string message;
};

// Scans `text` (outside strings and comments) for what the TOML parser cannot take safely: a
// dotted key or table header of more than k_max_key_parts parts. Linear in the text.
std::optional<TomlHazard> toml_hazard(std::string_view text);

// True when `id` matches [A-Za-z0-9][A-Za-z0-9_-]*.
bool is_valid_id(std::string_view id);

// The position of the start marker of the first merge conflict in `text`, if any: a conflict is
// what git writes, a start line (`<` N times, then a blank or the end of the line), a separator
// line (`=` N times alone) and an end line (`>` N times, then a blank or the end), in that order,
// with the same N of 7 or more (git's conflict-marker-size), wherever they stand, inside a
// multi-line string too. A lone underline or arrow line is content. Linear in the text.
std::optional<SourcePos> first_conflict_marker(std::string_view text);

// The item each of the `wanted` lines (0-based, ascending) of `text` is in, as `objective grow`,
// `kr grow.arr`, `kpi csat` or `the file's top`, from the headers and `id` lines above it (read
// as text: the file need not parse). Linear in the text; for messages about conflicts.
std::vector<std::string> item_names_at(std::string_view text,
                                       const std::vector<std::size_t>& wanted);

} // namespace okr::io
