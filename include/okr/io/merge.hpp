#pragma once
// Merging three versions of a goal file (SPEC §12): the work of `okr merge`, the git merge
// driver. A line merge (git merge-file's) comes first, so every line that only one side changed
// is kept exactly as git keeps it; goal understanding then resolves the conflicts that git
// would leave in check-ins, keys and new items, and the result is loaded as okr loads any file.
// Pure: the line merge is passed in, and no file is read or written here.

#include "okr/core/diagnostic.hpp"
#include "okr/core/result.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okr::io {

// The names written after the conflict markers (`<<<<<<< HEAD`, `>>>>>>> feature`), and how many
// characters each marker has (git's conflict-marker-size, %L).
struct MergeLabels {
    std::string ours = "ours";
    std::string base = "base";
    std::string theirs = "theirs";
    std::size_t marker_size = 7;
};

// A line merge of three texts in diff3 style, as `git merge-file --diff3 -p` writes it: each
// conflict as `<` start, ours, `|` base, `=` separator, theirs, `>` end lines, every marker
// `marker_size` characters long (the labels after them are not read).
using LineMerge =
    std::function<Result<std::string>(std::string_view base, std::string_view ours,
                                      std::string_view theirs, std::size_t marker_size)>;

// One conflict left in a merged file: where it starts (1-based line of its start marker), the
// item it is in (`objective grow`, `kr grow.arr`, `kpi csat`, or `the file's top`), and what
// each side did there, in words.
struct MergeConflict {
    std::size_t line = 0;
    std::string item;
    std::string what;
};

struct GoalMerge {
    std::string text;                     // the merged text, with markers where conflicts are
    std::vector<MergeConflict> conflicts; // none: `text` loads as a goal file
    // What the driver says besides the conflicts: check-ins kept from both sides on one date
    // with different values, renames carried over, and why a whole file was put in conflict.
    std::vector<std::string> notes;
};

// Merges BASE, OURS and THEIRS (SPEC §12). `line_merge` gives the line merge; an item renamed
// on one side (same content, new id) is renamed in BASE and on the other side first, so that
// the other side's changes land on it. Then each conflict of the line merge is resolved where
// goals say how: check-in lines matched by date and content (changed on one side: taken; new on
// either side: all kept, by date, ours first on a date; changed both ways, or deleted on one
// side and changed on the other: that line alone conflicts), `key = value` lines matched by key,
// and items added on both sides at one place (both kept). A result without conflicts that okr
// cannot load gets the whole file between markers instead. Fails only when `line_merge` does.
Result<GoalMerge> merge_goal_files(std::string_view base, std::string_view ours,
                                   std::string_view theirs, const std::string& path,
                                   const MergeLabels& labels, const LineMerge& line_merge);

// The line merge of three texts where that needs no line diff, or nullopt. The texts are cut at
// anchors: lines (with a letter or digit) found once in each text, in the same order in all
// three. When each part between anchors is the same in BASE and on one side, or the same on both
// sides, the merge takes the other side's part, as `git merge-file` does; when any part changed
// on both sides differently, nullopt (the line merge decides). Linear in the texts, in memory of
// the result and the smallest text's lines.
std::optional<std::string> one_sided_merge(std::string_view base, std::string_view ours,
                                           std::string_view theirs);

// The first error that keeps `text` from loading as a goal file, if any: how the merge makes sure
// a clean result loads. A file whose multi-line `checkins` arrays hold more one-line check-ins
// than the rest of the file has lines is read `window` check-ins at a time (by default, enough
// for at most 32 reads), the others left as blank lines so that lines and columns stay: a
// check-in's errors are its own, so this finds every error one read of the whole file finds,
// in memory bounded by the window rather than the file. When several reads find errors, the
// first in the file is given. `std::string::npos` reads the whole file at once.
std::optional<Diagnostic> first_load_error(std::string_view text, const std::string& path);
std::optional<Diagnostic> first_load_error(std::string_view text, const std::string& path,
                                           std::size_t window);

} // namespace okr::io
