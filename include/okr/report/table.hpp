#pragma once
// Terminal tables: columns aligned by display width, fitted to the terminal width by
// shortening titles and dropping optional columns, never by wrapping rows.

#include <cstddef>
#include <string>
#include <vector>

namespace okr::report {

enum class Style { plain, dim, bold, green, yellow, red, blue, cyan };

struct Cell {
    std::string text; // already escaped; must not contain control characters
    Style style = Style::plain;
    std::size_t keep = 0; // leading display columns never shortened (a number, date or status)
};

enum class Align { left, right };

struct Column {
    std::string header;
    Align align = Align::left;
    bool shrinks = false; // shortened with "…" when the table is too wide
    int drop_rank = 0;    // 0: always shown; otherwise dropped when too wide, highest rank first
    std::size_t comfortable = 26; // a shrinking column keeps this width before others are dropped
};

// How output looks: width in columns and whether to colour.
struct Look {
    std::size_t width = 80;
    bool color = false;
};

// A table laid out in two passes over its rows, so that the rows can be made a window at a time
// and none kept: `measure` each row (the widths, which columns have any text, the kept parts),
// then `fit` to the width, then write the `header` and each row's `line` in turn. The pass keeps
// numbers per column, never a cell.
class TableLayout {
  public:
    explicit TableLayout(std::vector<Column> columns);
    // Pass 1: one row (cells beyond the columns are ignored, missing ones are empty).
    void measure(const std::vector<Cell>& row);
    // Between the passes: widths and shown columns for `look.width`.
    void fit(const Look& look);
    // Pass 2: the header line, then each row's line, appended to `out`.
    void header(std::string& out) const;
    void line(const std::vector<Cell>& row, std::string& out) const;

    // What the first pass found, and the layout `fit` chose (for tests).
    const std::vector<std::size_t>& natural() const { return m_natural; }
    const std::vector<std::size_t>& kept() const { return m_kept; }
    const std::vector<std::size_t>& widths() const { return m_widths; }
    const std::vector<bool>& shown() const { return m_shown; }

  private:
    void emit(const std::vector<Cell>& cells, bool header, std::string& out) const;
    std::vector<Column> m_columns;
    std::vector<std::size_t> m_natural; // widest text per column, header included
    std::vector<bool> m_any;            // a row has text in the column
    std::vector<std::size_t> m_kept;    // the widest kept part (and its "…") per column
    std::vector<std::size_t> m_widths;
    std::vector<bool> m_shown;
    std::size_t m_width = 80;
    bool m_hard_cut = false;
    bool m_color = false;
};

// A table held whole (small tables): its rows, laid out by TableLayout.
class Table {
  public:
    explicit Table(std::vector<Column> columns) : m_columns(std::move(columns)) {}
    void add_row(std::vector<Cell> cells) { m_rows.push_back(std::move(cells)); }
    std::size_t rows() const { return m_rows.size(); }
    // The table as text, each line at most `look.width` columns wide.
    std::string render(const Look& look) const;

  private:
    std::vector<Column> m_columns;
    std::vector<std::vector<Cell>> m_rows;
};

// `text` wrapped in the ANSI colour of `style` when `color` is on.
std::string paint(const std::string& text, Style style, bool color);

// A progress bar of `width` cells for a fraction (clamped to [0, 1]).
std::string progress_bar(double fraction, std::size_t width);

// A sparkline of the values (▁ to █), scaled between their minimum and maximum.
std::string sparkline(const std::vector<double>& values);

} // namespace okr::report
