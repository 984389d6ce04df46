#pragma once
// `okr schema`: a JSON Schema (draft-07) of the goal file format, generated from the schema
// table, for TOML editors that validate against one (taplo, Even Better TOML).

#include <string>

namespace okr::report {

// The whole schema document, ending in a newline: every key of every table with its type, its
// rule (pattern, range, enum), its default where it has one and its one-line doc. Unknown keys
// are refused (`additionalProperties: false`), where `okr check` warns.
std::string json_schema();

} // namespace okr::report
