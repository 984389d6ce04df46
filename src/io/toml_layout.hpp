#pragma once
// Inside io: where things are in a goal file parsed by toml++ (byte offsets from the positions
// toml++ reports, line starts, indentation, how a table or key is written), for the edit engine
// and the merge driver. Private to io, as toml++ is: no public header includes it. Pure: no files.

#include "okr/io/toml_text.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <utility>
#include <vector>

namespace okr::io {

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

} // namespace okr::io
