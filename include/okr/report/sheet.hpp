#pragma once
// The description of a report: one per read command, format-neutral. A title, head lines and
// sections of typed cells, lines and charts. Every human format renders the same description:
// the terminal table (fitted to the width), CSV, Markdown and HTML. How a value reads (a cut
// score, done / not done, `+12 pts`) is decided once, when its cell is made. JSON is not
// rendered from here: it writes the report rows (SPEC §9).

#include "okr/core/date.hpp"
#include "okr/core/scoring.hpp"
#include "okr/report/json.hpp"
#include "okr/report/table.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okr::report {

// Where a part of the description shows: everywhere, only in the terminal table (a compact
// view, e.g. "now / target" in one column), or only in the documents (CSV, Markdown, HTML).
enum class Media { all, terminal, documents };

// What a cell holds. Every kind reads as `text` in the terminal, Markdown and HTML; CSV writes
// the number behind a number, score, percent, points, milestone or bar cell (for spreadsheets),
// the text of the others.
enum class CellKind {
    text,      // words from a goal file or okr
    number,    // a value, with its unit when it has one: "27 km"
    score,     // a score 0..1, cut to two decimals: "0.84"
    percent,   // a fraction as a cut percentage: "84%"
    points,    // a change of progress: "+67 pts"
    status,    // a state word (status, band, health, outcome), coloured
    date,      // YYYY-MM-DD
    milestone, // done / not done
    bar,       // a fraction drawn as a bar; reads as its percentage
    spark,     // a series drawn as a sparkline
};

struct SheetCell {
    CellKind kind = CellKind::text;
    std::string text;             // how it reads (raw; each renderer escapes)
    std::optional<double> number; // the value behind it
    std::vector<double> series;   // spark only
    Style style = Style::plain;   // colour in the terminal (HTML colours status words itself)
    // The leading part of `text` that a narrow table must never shorten (display columns):
    // numbers, dates and states survive every width (SPEC §9). Text cells: 0.
    std::size_t keep = 0;
};

// Cells: each decides once how its value reads. An empty optional reads "-".
SheetCell text_cell(std::string text, Style style = Style::plain);
SheetCell number_cell(std::optional<double> value, std::string unit = {});
SheetCell score_cell(std::optional<double> score);
SheetCell percent_cell(std::optional<double> fraction);
SheetCell points_cell(double delta_fraction);
// A change of a value, signed: "+11", "-0.5", "0".
SheetCell change_cell(double delta);
SheetCell status_cell(std::string word);
SheetCell date_cell(std::optional<Date> date, std::string none = {});
SheetCell milestone_cell(double value);
SheetCell bar_cell(std::optional<double> fraction);
SheetCell spark_cell(std::vector<double> values);
// A value or "value / target unit" (milestones: done / not done); numbers are kept whole.
SheetCell value_cell(double value, std::optional<double> target, const std::string& unit,
                     bool milestone);
// The same cell with a terminal style.
SheetCell styled(SheetCell cell, Style style);

Style style_of(Status s);
Style style_of(Band b);
Style style_of(Health h);

// The state words, coloured the same way in every report.
SheetCell status_cell(Status s);
SheetCell band_cell(Band b);
SheetCell health_cell(Health h, bool stale = false);

struct SheetColumn {
    std::string key;    // the CSV header: snake_case, stable for scripts
    std::string header; // words, for Markdown and HTML; the terminal shows them in capitals
    Media media = Media::all;
    Align align = Align::left; // in the terminal (documents right-align numbers themselves)
    bool shrinks = false;      // a title the terminal may shorten with "…"
    int drop_rank = 0; // 0: always in the terminal; else dropped when too wide, highest first
    std::size_t comfortable = 26; // a shrinking column keeps this width before others go
};

// A column of a section, its fields in the order above.
SheetColumn column(std::string key, std::string header, Media media = Media::all,
                   Align align = Align::left, bool shrinks = false, int drop_rank = 0,
                   std::size_t comfortable = 26);

struct SheetRow {
    std::string kind; // objective, kr, kpi, owner, ... (the CSV `kind` column, the HTML class)
    int depth = 0;    // indentation in HTML and Markdown (tree levels, KRs under objectives)
    std::vector<SheetCell> cells; // one per column of the section
    Media media = Media::all;     // e.g. a note under a KR, only in the terminal
};

// A line of text made of styled spans. Empty: a blank line (the terminal only).
struct Span {
    std::string text;
    Style style = Style::plain;
};
struct Line {
    std::vector<Span> spans;
    Media media = Media::all;
    std::string text() const;
};
Line line(std::string text, Style style = Style::plain, Media media = Media::all);

// A line chart: series of dated points, optional straight reference lines and bounds.
struct ChartSeries {
    std::string label;
    std::vector<std::pair<Date, double>> points;
    bool dashed = false;
    bool markers = true;
};
struct Chart {
    std::string title;
    Date from, to;
    std::vector<ChartSeries> series;
    std::vector<std::pair<std::string, double>> bounds; // horizontal lines, e.g. {"min", 90}
    // A fixed value axis (a milestone: 0..1) with words for its ends; else from the points.
    std::optional<std::pair<double, double>> axis;
    std::pair<std::string, std::string> axis_words; // {low, high}, e.g. {"not done", "done"}
};

// The lowest and highest value a chart must show (points and bounds, or its fixed axis); a
// flat chart gets one unit of room either side. nullopt when there is nothing to draw.
std::optional<std::pair<double, double>> value_range(const Chart& chart);

// Rows made on demand, a window at a time: `parts` parts (an objective, a KPI, ...), and
// `make(first, last, media, out)` appends the rows of parts [first, last) to `out`. A renderer
// makes a window, writes it and drops it, so a long section is never held whole; a renderer that
// must see every row before it writes one (the terminal's column widths, Markdown's alignment)
// makes them twice and keeps no cell from its first pass. `media` is where the rows are drawn
// (Media::terminal or Media::documents; Media::all: everywhere): a row or a cell that shows
// only elsewhere may be left out or empty, for no renderer reads it, so no format builds what
// it throws away. Every report's long section is made so, and every renderer reads rows
// through for_each_row, so a new report inherits the windows.
struct RowMaker {
    std::size_t parts = 0;
    std::function<void(std::size_t first, std::size_t last, Media media,
                       std::vector<SheetRow>& out)>
        make;
};

// The cells of a row, moved into it (a braced list would copy each one).
template <class... Cells> std::vector<SheetCell> row_cells(Cells&&... cells) {
    std::vector<SheetCell> out;
    out.reserve(sizeof...(cells));
    (out.push_back(std::forward<Cells>(cells)), ...);
    return out;
}

struct Section {
    std::string name;    // the CSV `section` column: stable, no counts
    std::string heading; // shown above the section; empty: none
    Media media = Media::all;
    Media heading_media = Media::all;
    std::vector<Line> before; // lines between the heading and the table
    std::vector<SheetColumn> columns;
    std::vector<SheetRow> rows; // rows held (short sections) ...
    RowMaker more_rows;         // ... then rows made a window at a time (long ones)
    std::string empty;          // the terminal's line when there are no rows; empty: nothing
    std::vector<Line> after;    // lines after the table (notes, summaries)
    std::vector<Chart> charts;
};

// A section named by its heading, which only documents show (the terminal prints the
// command's own title).
Section titled_section(std::string title);
// A sub-section with a heading of its own everywhere, that says "none" when it has no rows.
Section sub_section(std::string name, std::string heading);

struct Sheet {
    std::string title;                 // documents: the page title
    std::vector<std::string> subtitle; // documents: lines under the title (cycles, as-of date)
    std::vector<Line> head;            // terminal: lines before the first section
    std::vector<Section> sections;
};

// Every row of a section in order: its `rows`, then those of `more_rows`, made a window of
// `window` parts at a time (each window is dropped before the next is made) for `media`.
inline constexpr std::size_t k_row_window = 256;
void for_each_row(const Section& s, const std::function<void(const SheetRow&)>& visit,
                  std::size_t window = k_row_window, Media media = Media::all);

// Where a part shows, for the renderers: the terminal table, or the documents.
bool in_terminal(Media m);
bool in_documents(Media m);
// A cell that documents align right (numbers, scores, percentages, points, bars).
bool numeric(CellKind k);
// The columns of a section that documents show (their indexes), and the text of the lines.
std::vector<std::size_t> document_columns(const Section& s);
std::vector<std::string> document_lines(const std::vector<Line>& lines);

// Each renderer is a file of its own (render_terminal.cpp, render_csv.cpp, ...; charts in
// chart.cpp), and knows nothing of any report. Each appends its output to `out`; given a
// `spill`, it hands `out` over whenever it holds a window of output (k_output_window bytes or
// more) at the end of a line, so that a long report is written as its rows are made and is
// never held whole. The forms that return a string keep it all.
inline constexpr std::size_t k_output_window = std::size_t{1} << 16;
// Hands `out` to `spill` when it holds a window of output; a renderer calls it where a line ends.
void spill_window(std::string& out, const Spill& spill);
// The terminal table: head lines (cut to the width), then each section: its heading, lines, a
// table fitted to the width (or its `empty` line), charts.
void render_terminal(const Sheet& sheet, const Look& look, std::string& out, const Spill& spill);
std::string render_terminal(const Sheet& sheet, const Look& look);
// RFC 4180: CRLF line ends, quotes doubled; one header row (`section`, `kind`, then the union of
// the sections' column keys) and one row per item. A cell that begins with = + - @ (or a tab or
// carriage return) is prefixed with ' so spreadsheets do not run it as a formula.
void render_csv(const Sheet& sheet, std::string& out, const Spill& spill);
std::string render_csv(const Sheet& sheet);
// GitHub-flavoured Markdown: a heading and a pipe table per section.
void render_markdown(const Sheet& sheet, std::string& out, const Spill& spill);
std::string render_markdown(const Sheet& sheet);
// One self-contained HTML page: inline CSS and SVG, no script, nothing fetched; fits a
// 1,000 px window (a wide table scrolls in its own box).
void render_html(const Sheet& sheet, std::string& out, const Spill& spill);
std::string render_html(const Sheet& sheet);
// One of the above by --format name: table, csv, markdown or html.
void render_sheet(const Sheet& sheet, std::string_view format, const Look& look, std::string& out,
                  const Spill& spill);
std::string render_sheet(const Sheet& sheet, std::string_view format, const Look& look);

// The label of a chart's value axis at `v`: a word where the chart names its ends.
std::string axis_label(const Chart& chart, double v, bool high);
// A line chart drawn with characters, `height` rows tall and at most `look.width` wide.
std::string chart_text(const Chart& chart, const Look& look, std::size_t height = 10);

// Escapes text for HTML element content and attribute values.
std::string html_escape(std::string_view text);
// One CSV field, quoted where needed and guarded against formulas.
std::string csv_field(std::string_view text);

} // namespace okr::report
