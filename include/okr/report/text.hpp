#pragma once
// Text for the terminal: display width, truncation, escaping and number formatting.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace okr::report {

// Columns `text` occupies on a terminal, by grapheme cluster (CJK and emoji count 2).
// Invalid UTF-8 bytes count 1 each.
std::size_t display_width(std::string_view text);
// True for the characters display_width counts without a look at graphemes: printable ASCII and
// Latin-1 and Latin Extended-A (but the soft hyphen, © and ®, which may be emoji) and a few that
// tables draw (bars, sparklines, –, —, …, arrows, ◆), each one column wide and a grapheme cluster
// of its own beside any of the others.
bool is_plain_narrow(char32_t code_point);

// `text` cut to at most `width` columns, ending in "…" when cut.
std::string truncate_to_width(std::string_view text, std::size_t width);

// `text` padded with spaces to `width` columns, on the right (left-aligned) or left.
std::string pad_right(std::string_view text, std::size_t width);
std::string pad_left(std::string_view text, std::size_t width);

// Text from a goal file made safe for a terminal: control characters (C0, DEL, C1) and
// invalid UTF-8 become visible escapes such as `\x1b`, `\n`, `\t`; so do the invisible
// characters that could make text read as something else: bidi marks and overrides (U+200E,
// U+200F, U+061C, U+202A..U+202E, U+2066..U+2069), zero-width characters (U+200B, U+2060..U+2064,
// U+FEFF, U+180E; U+200C and U+200D unless between two non-ASCII characters, as in emoji and
// the scripts that join with them) and line separators (`\u200f`).
std::string escape_control(std::string_view text);

// `value` rounded to 12 significant digits, the precision of every derived number before any
// output (SPEC §5), so that 0.45 never shows as 0.44999999999999996; -0 becomes 0.
double tidy(double value);

// Appends fmt's shortest form of tidy(value) (`{}`: 0.45, 3, 1e+16) to `out`, mostly in one
// conversion where tidy then fmt take three: every number of a JSON report passes here.
void append_tidy(std::string& out, double value);

// escape_control for text of several lines that keeps its newlines and tabs (a diff, a
// confirmation naming files).
std::string escape_lines(std::string_view text);

// The last line of defence before standard output or error (SPEC §9): escape_lines over all of
// `text`, so no control character but newline and tab reaches the terminal whatever a caller
// forgot. With `keep_colour`, okr's own colour sequences (ESC [ digits and ; m) pass as they are.
// Escaped text passes unchanged, so a piece escaped by its caller is not escaped twice.
std::string escape_output(std::string_view text, bool keep_colour = false);
// True when escape_output would return `text` as it is, with or without `keep_colour`: a writer
// then writes `text` itself, with no copy.
bool output_unchanged(std::string_view text);

// True for a code point escape_control always escapes as `\uXXXX` (not C0/C1 controls).
bool is_invisible_format(char32_t cp);

// A number without trailing noise: 0.7, 12.5, 1200; at most `decimals` decimals. A number that
// is not 0 but would round to 0 shows three significant digits instead (0.004, 1e-09,
// 2.3e-308), so that no value reads as 0 that is not; not finite: "-".
std::string format_number(double value, int decimals = 2);

// A score (0..1) for display: cut toward zero, not rounded, to two decimals, so that the number
// shown never crosses a band boundary the score has not (0.699 shows as 0.69, yellow); always
// with both decimals (0.60, 1.00, 0.00), so that a column of scores lines up.
std::string format_score(double score);

// A fraction as a whole percentage, cut toward zero like a score: 0.625 -> "62%", 0.849 -> "84%".
std::string format_percent(double fraction);

// A change of progress in percentage points, cut toward zero: 0.67 -> "+67 pts", -0.05 -> "-5 pts".
std::string format_points(double delta_fraction);

} // namespace okr::report
