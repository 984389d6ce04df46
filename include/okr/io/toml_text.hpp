#pragma once
// TOML as text, for the edit engine: where things are in a goal file (byte offsets from the
// positions toml++ reports, line starts, indentation, how a table or key is written) and the
// text of new values, written the way the file already writes its own. Pure: no files.

#include "okr/core/date.hpp"
#include "okr/core/model.hpp"
#include "okr/core/schema.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <toml++/toml.h>
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

// The text of a goal file with its line starts, turning toml++ positions (1-based line, column
// in code points) into byte offsets, and answering the layout questions edits ask.
class Layout {
  public:
    explicit Layout(std::string_view text);

    std::string_view text() const { return m_text; }
    const std::string& eol() const { return m_eol; }
    // One level of indentation as the file writes it: a tab where lines start with tabs.
    const std::string& indent_unit() const { return m_indent_unit; }

    std::size_t offset(const toml::source_position& p) const;
    std::size_t begin_of(const toml::node& n) const { return offset(n.source().begin); }
    std::size_t end_of(const toml::node& n) const { return offset(n.source().end); }

    std::size_t line_start(std::size_t off) const;
    // The offset just after the newline that ends `off`'s line, or the end of the text.
    std::size_t next_line(std::size_t off) const;
    bool ends_with_newline() const { return !m_text.empty() && m_text.back() == '\n'; }
    // The blanks at the start of `off`'s line.
    std::string indentation(std::size_t off) const;
    // True when only blanks precede `off` on its line.
    bool starts_line(std::size_t off) const;
    // True when the line starting at `start` holds only blanks.
    bool blank_line(std::size_t start) const;
    bool comment_line(std::size_t start) const;
    // The start of the line before the one starting at `start` (which must not be the first).
    std::size_t previous_line(std::size_t start) const { return line_start(start - 1); }

  private:
    std::string_view m_text;
    std::vector<std::size_t> m_line_starts;
    std::string m_eol;
    std::string m_indent_unit;
};

// How a table is written: under a `[header]`, as an inline `{ ... }` or with dotted keys.
enum class Form { header, inline_table, dotted };

// How a key's value is written: on its own `key = value` line (or inside an inline table),
// as a dotted-key table, or as a `[header]` table defined elsewhere.
enum class Placement { value, dotted, header };

Placement placement(const Layout& layout, const toml::key& key, const toml::node& value);
Form form_of(const Layout& layout, const toml::table& t);

// The key-value child of a table that ends last (dotted-key tables looked into), with its key's
// offset.
struct LastKey {
    std::size_t key_offset = 0;
    std::size_t end = 0;
};
// nullopt when the table has no key of its own.
std::optional<LastKey> last_own_key(const Layout& layout, const toml::table& t);

// The end of everything a table holds, its sub-tables (KRs of an objective) included.
std::size_t extent_end(const Layout& layout, const toml::node& n);

// The separator between a key and its value as the table writes it: ` = ` or `=`.
std::string separator_style(const Layout& layout, const toml::table& t);

// The indentation of an existing item's header and keys, to copy for a new one.
std::pair<std::string, std::string> indents_of(const Layout& layout, const toml::table& t);

// The block of lines of a new item, inserted as its own paragraph at line start `at`.
Splice insert_block(const Layout& layout, std::size_t at, const std::vector<std::string>& lines);

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
