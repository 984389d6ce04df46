#pragma once
// `okr tree`: the alignment tree across files, following `parent`, with rolled-up scores: the
// model, its JSON and its description.

#include "okr/report/json.hpp"
#include "okr/report/rows.hpp"
#include "okr/report/sheet.hpp"

#include <optional>
#include <string>
#include <vector>

namespace okr::report {

struct TreeNode {
    std::string ref;
    std::string title;
    std::string owner;
    std::string cycle;
    int depth = 0;
    std::optional<double> score;
    Status status = Status::none;
    Band band = Band::none;
    std::optional<double> rollup; // weighted mean of every scored objective in the subtree
    Band rollup_band = Band::none;
    std::size_t descendants = 0;
    std::string
        note; // "parent X is unresolved", "parent X is outside the selection", "alignment loop"
};

struct Tree {
    Date as_of;
    std::vector<CycleInfo> cycles;
    std::vector<TreeNode> nodes;    // depth-first, roots first in file order
    std::vector<std::string> loops; // each loop in the parent graph, as "a → b → a"
};

// Builds the alignment tree of the objectives in the selection. A loop in the parent graph
// is reported once and broken where it was found; nothing is visited twice.
Tree build_tree(const Report& report);

// `okr tree --format json`: nodes with depth, parent-first order, and loops.
std::string tree_json(const Tree& tree, const Spill& spill = {});
// The tree as one description: an indented table of objectives (every other format).
Sheet tree_sheet(const Tree& tree);

} // namespace okr::report
