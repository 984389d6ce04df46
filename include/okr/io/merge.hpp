#pragma once
// Merging three versions of a goal file as goals (SPEC §12): the work of `okr merge`, the git
// merge driver. Pure: reads and writes no file and runs no program.

#include <cstddef>
#include <string>
#include <string_view>

namespace okr::io {

// The names written after the conflict markers (`<<<<<<< ours`, `>>>>>>> theirs`), and how many
// characters each marker has (git's conflict-marker-size, %L).
struct MergeLabels {
    std::string ours = "ours";
    std::string base = "base";
    std::string theirs = "theirs";
    std::size_t marker_size = 7;
};

// How merge_goal_files works: by blocks (parsing only the items that differ, and falling back
// to whole files where a layout or a version leaves any doubt), or on whole files always.
enum class MergeMethod { by_blocks, whole_files };

struct GoalMerge {
    // False when a version is not a valid goal file, or is laid out in a way the goal merge does
    // not handle: `reason` says why, and the caller merges the texts line by line instead.
    bool merged = false;
    std::string reason;
    std::string text;                              // the merged text, built on OURS
    std::size_t conflicts = 0;                     // items that got conflict markers
    MergeMethod method = MergeMethod::whole_files; // how the merged text was made
};

// Merges BASE, OURS and THEIRS as goals, on the text of OURS: check-ins added on either side
// are all kept (each once, ordered by date, one line each); a key changed on one side only takes
// that change; an item (objective, KR, KPI) added on one side is added, removed on one side and
// unchanged on the other is removed. The same key changed both ways, or an item removed on one
// side and edited on the other, is a conflict: that item alone is written between conflict
// markers. Without conflicts, the result is a valid goal file.
GoalMerge merge_goal_files(std::string_view base, std::string_view ours, std::string_view theirs,
                           const std::string& path, const MergeLabels& labels = {},
                           MergeMethod method = MergeMethod::by_blocks);

} // namespace okr::io
