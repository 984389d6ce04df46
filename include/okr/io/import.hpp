#pragma once
// Reading the rows of `okr import` (SPEC §13): CSV (RFC 4180, header `ref,date,value`, then
// optional `confidence` and `note`) or JSON (an array of objects with those keys). Pure: the rows
// are text, checked later against the rules of `okr checkin`.

#include "okr/core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace okr::io {

// One check-in to import, its fields as written (a JSON number keeps its text; an absent or null
// optional field is empty).
struct ImportRow {
    std::size_t number = 0; // 1-based, counting data rows only (not the CSV header)
    std::uint32_t line = 0; // 1-based line of the file where the row starts
    std::string ref;
    std::string date;
    std::string value;
    std::string confidence;
    std::string note;
};

// The rows of a CSV or JSON import; JSON when the first character after blanks (and a UTF-8 byte
// order mark) is `[` or `{` (an object, refused: JSON wants an array), CSV otherwise. A text that
// is not an import fails with Kind::file_invalid, its message and the line (and column, where
// known) of the problem.
Result<std::vector<ImportRow>> parse_import(std::string_view text);

Result<std::vector<ImportRow>> parse_import_csv(std::string_view text);
Result<std::vector<ImportRow>> parse_import_json(std::string_view text);

} // namespace okr::io
