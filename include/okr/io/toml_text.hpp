#pragma once
// TOML as text, for the edit engine: the text of new values, written the way the file already
// writes its own, splices, and the items of a file found without parsing it. Pure: no files.
// Where things are in a parsed file (toml++ positions as byte offsets, layout) is private to io:
// src/io/toml_layout.hpp, so that toml++ stays inside io.

#include "okr/core/date.hpp"
#include "okr/core/model.hpp"
#include "okr/core/schema.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace okr::io {

// A value to write for a key, in TOML's types: a number, a string, a date or a list of strings.
using Value = schema::Value;

// TOML text for values: numbers without trailing noise (`12.5`, `3`), strings quoted and escaped.
std::string toml_number(double value);
std::string toml_string(std::string_view text);
std::string toml_value(const Value& value);

// One replacement of the old text: `length` bytes at `offset` became `text`.
struct Splice {
    std::size_t offset = 0;
    std::size_t length = 0;
    std::string text;
};

// The text with every splice applied (sorted by offset first; they must not overlap).
std::string apply_splices(std::string_view text, std::vector<Splice>& splices);

// How a file writes the inline tables of a `checkins` array: `{ date = D, value = V }` or tighter.
struct InlineStyle {
    bool padded = true;
    std::string equals = " = ";
    std::string comma = ", ";
};

// The style of one inline table's text, `{ ... }`.
InlineStyle inline_style_of(std::string_view entry);

// A check-in as an inline table in `style`.
std::string checkin_text(const Checkin& c, const InlineStyle& style);

// A part of a goal file's text: its top (everything before the first `[[objective]]` or
// `[[kpi]]` header), or one item, from its header line to the next item's header line.
struct TextBlock {
    enum class Kind { top, objective, kpi };
    Kind kind = Kind::top;
    std::size_t begin = 0;
    std::size_t end = 0;
};

// Splits `text` into its top and its items without parsing it: a scanner follows strings,
// multi-line strings, comments and brackets, and takes a line that starts with `[` outside them
// as a table header. The first block is the top (possibly empty); every other one starts at an
// item's header line; together they cover the text. nullopt where the text is not laid out
// plainly: a header with a quoted key, a header of the top after the first item, a table of an
// item not named after it (`[kpi.x]` after `[[objective]]`), or text the scanner cannot follow
// (which TOML refuses anyway). Whether each block is valid TOML is for the parser to say.
std::optional<std::vector<TextBlock>> split_items(std::string_view text);

} // namespace okr::io
