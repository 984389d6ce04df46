#pragma once
// Deleting an item from a goal file's text (`okr rm`), format-preserving like the other edits.

#include "okr/io/edit.hpp"

#include <string>
#include <string_view>

namespace okr::io {

// Removes an objective (with its KRs), a KR or a KPI: the lines from its `[[...]]` header to
// its last value, and the blank lines after it. Comments above the header and after the item's
// last value stay. The result is re-parsed and must be the old model without that item.
Result<Edit> remove_item(std::string_view text, const std::string& path, const ItemId& item);

} // namespace okr::io
