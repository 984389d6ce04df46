#pragma once
// A format-neutral report: a title and sections of typed cells, charts and notes. CSV,
// Markdown and HTML are rendered from it generically; table and JSON have their own renderers.

#include "okr/core/date.hpp"

#include <optional>
#include <string>
#include <vector>

namespace okr::report {

// How a cell is meant: plain text, a number, a fraction shown as a percentage or a bar, a
// series shown as a sparkline, or a status word (coloured in HTML).
enum class CellKind { text, number, percent, bar, spark, status };

struct SheetCell {
    CellKind kind = CellKind::text;
    std::string text;             // for text and status; the fallback rendering for the others
    std::optional<double> number; // for number, percent and bar
    std::vector<double> series;   // for spark
};

SheetCell text_cell(std::string text);
SheetCell number_cell(std::optional<double> value, std::string unit = {});
SheetCell percent_cell(std::optional<double> fraction);
SheetCell bar_cell(std::optional<double> fraction);
SheetCell spark_cell(std::vector<double> values);
SheetCell status_cell(std::string status);

struct SheetRow {
    std::string kind; // objective, kr, kpi, owner, ... (the CSV `kind` column)
    int depth = 0;    // indentation in HTML and Markdown (tree levels, KRs under objectives)
    std::vector<SheetCell> cells;
};

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
};

// The lowest and highest value a chart must show (points and bounds); a flat chart gets one
// unit of room either side. nullopt when there is nothing to draw.
std::optional<std::pair<double, double>> value_range(const Chart& chart);

struct Section {
    std::string heading;
    std::vector<std::string> columns;
    std::vector<SheetRow> rows;
    std::vector<std::string> paragraphs; // free text after the table (notes, summaries)
    std::vector<Chart> charts;
};

struct Sheet {
    std::string title;
    std::vector<std::string> subtitle; // lines under the title: cycles, as-of date
    std::vector<Section> sections;
};

// RFC 4180: CRLF line ends, quotes doubled; one header row (`section`, `kind`, then the union of
// the sections' columns) and one row per item. A cell that begins with = + - @ (or a tab or
// carriage return) is prefixed with ' so spreadsheets do not run it as a formula.
std::string render_csv(const Sheet& sheet);
// GitHub-flavoured Markdown: a heading and a pipe table per section.
std::string render_markdown(const Sheet& sheet);
// One self-contained HTML page: inline CSS and SVG, no script, nothing fetched.
std::string render_html(const Sheet& sheet);

// Escapes text for HTML element content and attribute values.
std::string html_escape(std::string_view text);
// One CSV field, quoted where needed and guarded against formulas.
std::string csv_field(std::string_view text);

} // namespace okr::report
