#pragma once
// The text edit engine: changes a goal file as text, so that comments, blank lines, key order,
// quoting, indentation and line endings of everything it does not change stay byte for byte
// (SPEC §8). Each edit finds its place by the source positions toml++ reports, splices new text
// in, re-parses the result and checks that the model changed exactly as intended. Pure: reads
// and writes no file.

#include "okr/core/diagnostic.hpp"
#include "okr/core/model.hpp"
#include "okr/core/result.hpp"
#include "okr/io/toml_text.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace okr::io {

enum class ItemKind { objective, kr, kpi };

// The item an edit targets, by id, so that it is found again in text that changed meanwhile.
struct ItemId {
    ItemKind kind = ItemKind::objective;
    std::string objective; // the objective's id (for an objective and a KR)
    std::string id;        // the item's own id (for an objective, the same as `objective`)

    static ItemId of_objective(std::string id) { return {ItemKind::objective, id, id}; }
    static ItemId of_kr(std::string objective, std::string id) {
        return {ItemKind::kr, std::move(objective), std::move(id)};
    }
    static ItemId of_kpi(std::string id) { return {ItemKind::kpi, {}, std::move(id)}; }
};

// A change made to a text: the new text and the splices that made it. The functions below return
// it in a Result: a Failure says why there is none (Kind::not_found: the item is not in the text,
// it changed since it was read; unsupported: the file is laid out in a way the engine cannot
// change safely; file_invalid: the text is not a valid goal file to begin with; would_be_invalid:
// the result would not be valid, its `diagnostics` say why; unverified: the result parsed but its
// model differs from the intended one, a bug).
struct Edit {
    std::string text;
    std::vector<Splice> splices; // in increasing offset order, offsets in the old text
};

// Appends one check-in to a KR's or KPI's `checkins` (creating the array where there is none):
// one new line in a multi-line array, matching the indentation and trailing-comma style of its
// entries. Where a KR has a `current` key and the check-in is its latest, `current` is updated too.
Result<Edit> append_checkin(std::string_view text, const std::string& path, const ItemId& item,
                            const Checkin& checkin);
// Appends several check-ins at once (one parse, one verification): each item's check-ins in the
// order given, as `append_checkin` would one by one.
Result<Edit> append_checkins(std::string_view text, const std::string& path,
                             const std::vector<std::pair<ItemId, Checkin>>& checkins);

// Sets `key` of an item to `value`: replaces the value in place, or adds `key = value` after
// the item's last plain key (before its arrays, such as `checkins`, and its sub-tables),
// indented like its siblings and with the `=` where an aligned neighbour has it.
Result<Edit> set_key(std::string_view text, const std::string& path, const ItemId& item,
                     const std::string& key, const Value& value);

// Sets a file-level key (`title`, `owner`, `namespace`, `cycle`) to `value`: replaces the value
// in place, or adds one line `key = value` among the file's top-level keys in the order SPEC §3
// lists them (after the nearest one that comes before it, else before the nearest one after it),
// with the `=` where an aligned neighbour has it; in a file without top-level keys, just above its
// first table and the comment lines that belong to it. The items of the file that take the key
// as their default (an objective's cycle, an objective's or KPI's owner) are expected to follow.
Result<Edit> set_file_key(std::string_view text, const std::string& path, const std::string& key,
                          const Value& value);

// The 1-based line of a file-level key's value, or 0 when the file has no such key.
std::uint32_t file_key_line(std::string_view text, const std::string& path, std::string_view key);

// A new objective, KR or KPI: its id and title, then further keys in the order given.
struct NewItem {
    std::string id;
    std::string title;
    std::vector<std::pair<std::string, Value>> keys;
};

// Appends a `[[objective]]` block after the last objective (else before the first KPI, else at
// the end of the file).
Result<Edit> add_objective(std::string_view text, const std::string& path,
                           const NewItem& objective);
// Appends a `[[objective.kr]]` block after the objective's last KR (or its own keys).
Result<Edit> add_kr(std::string_view text, const std::string& path, const std::string& objective_id,
                    const NewItem& kr);
// Appends a `[[kpi]]` block after the last KPI (else at the end of the file).
Result<Edit> add_kpi(std::string_view text, const std::string& path, const NewItem& kpi);

// The 1-based line where an item's table starts (its `[[...]]` header), or 0 when not found;
// with `key`, the line of that key of the item when it has it.
std::uint32_t item_line(std::string_view text, const std::string& path, const ItemId& item,
                        std::string_view key = {});

// True when two goal files hold the same model, ignoring source positions.
bool same_model(const GoalFile& a, const GoalFile& b);

} // namespace okr::io
