#pragma once
// The edits of a rename (`okr mv`, and `okr lsp`'s rename): the new id checked, the references
// to the item found across the workspace, and each file's text changed by the edit engine. Pure:
// reads and writes no file.

#include "okr/core/reference.hpp"
#include "okr/core/referrers.hpp"
#include "okr/io/edit.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okr::io {

// One change to a file: `key` of `item` becomes `value`.
struct KeyChange {
    ItemId item;
    std::string key;
    Value value;
    std::string ref; // the item's reference, as reports print it
};

// Why an id cannot be the new id of an item: the message (without the argument's name) and a hint.
struct IdProblem {
    std::string message;
    std::string hint;
};

// The references in the workspace to the objective or KPI `item` of file `file` (none for a KR).
std::vector<Referrer> referrers_of_item(const WorkspaceIndex& index, std::size_t file,
                                        const ItemId& item);

// Checks that `id` is a valid id that nothing in the scope of `item` (of file `file`) uses yet.
std::optional<IdProblem> check_new_id(const WorkspaceIndex& index, std::size_t file,
                                      const ItemId& item, const std::string& id);

// What renaming `item` of file `file` (printed as `ref`) to `new_id` changes: per file path, the
// references to rewrite, then the rename itself last (the references are found by their own
// items' ids), and the item's new reference.
struct RenamePlan {
    std::string new_ref;
    std::map<std::string, std::vector<KeyChange>> changes; // by the file's path
};
RenamePlan plan_rename(const WorkspaceIndex& index, std::size_t file, const ItemId& item,
                       const std::string& ref, const std::string& new_id);

// `text` (the file at `path`) with `changes` made in order, each by `set_key`.
Result<Edit> apply_key_changes(std::string_view text, const std::string& path,
                               const std::vector<KeyChange>& changes);

} // namespace okr::io
