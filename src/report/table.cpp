#include "okr/report/table.hpp"

#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace okr::report {
namespace {

constexpr std::size_t k_gap = 2;
constexpr std::size_t k_min_shrunk = 12;

const char* ansi(Style s) {
    switch (s) {
    case Style::plain:
        return "";
    case Style::dim:
        return "\x1b[2m";
    case Style::bold:
        return "\x1b[1m";
    case Style::green:
        return "\x1b[32m";
    case Style::yellow:
        return "\x1b[33m";
    case Style::red:
        return "\x1b[31m";
    case Style::blue:
        return "\x1b[34m";
    case Style::cyan:
        return "\x1b[36m";
    }
    return "";
}

} // namespace

std::string paint(const std::string& text, Style style, bool color) {
    if (!color || style == Style::plain || text.empty()) return text;
    return std::string(ansi(style)) + text + "\x1b[0m";
}

std::string progress_bar(double fraction, std::size_t width) {
    if (!std::isfinite(fraction)) fraction = 0;
    const double f = std::clamp(fraction, 0.0, 1.0);
    const auto eighths = static_cast<std::size_t>(std::lround(f * static_cast<double>(width) * 8));
    static const char* k_partial[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    std::string out;
    std::size_t cells = 0;
    for (; cells < eighths / 8; ++cells)
        out += "█";
    if (cells < width && eighths % 8) {
        out += k_partial[eighths % 8];
        ++cells;
    }
    for (; cells < width; ++cells)
        out += "░";
    return out;
}

std::string sparkline(const std::vector<double>& values) {
    static const char* k_ticks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    if (values.empty()) return {};
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    std::string out;
    for (double v : values) {
        const double span = *hi - *lo;
        const int level = span > 0 ? static_cast<int>(std::lround((v - *lo) / span * 7)) : 3;
        out += k_ticks[std::clamp(level, 0, 7)];
    }
    return out;
}

TableLayout::TableLayout(std::vector<Column> columns)
    : m_columns(std::move(columns)), m_natural(m_columns.size(), 0), m_any(m_columns.size(), false),
      m_kept(m_columns.size(), 0) {
    for (std::size_t c = 0; c < m_columns.size(); ++c)
        m_natural[c] = display_width(m_columns[c].header);
}

void TableLayout::measure(const std::vector<Cell>& row) {
    const std::size_t n = std::min(m_columns.size(), row.size());
    for (std::size_t c = 0; c < n; ++c) {
        const Cell& cell = row[c];
        if (cell.text.empty() && !cell.keep) continue; // width 0, no text, nothing kept
        const std::size_t w = display_width(cell.text);
        m_natural[c] = std::max(m_natural[c], w);
        m_any[c] = m_any[c] || !cell.text.empty();
        // A shrinking column never cuts into the part of a cell that must be kept whole: its
        // floor leaves room for that part (and the "…" after it when the rest is cut).
        if (cell.keep) m_kept[c] = std::max(m_kept[c], cell.keep < w ? cell.keep + 1 : cell.keep);
    }
}

void TableLayout::fit(const Look& look) {
    const std::size_t n = m_columns.size();
    const std::vector<std::size_t>& natural = m_natural;
    const std::vector<std::size_t>& kept = m_kept;
    // Columns that are empty in every row are not shown at all.
    std::vector<bool>& shown = m_shown;
    shown = m_any;
    std::vector<std::size_t>& widths = m_widths;
    widths = natural;
    auto total = [&] {
        std::size_t sum = 0, count = 0;
        for (std::size_t c = 0; c < n; ++c)
            if (shown[c]) {
                sum += widths[c];
                ++count;
            }
        return sum + (count ? (count - 1) * k_gap : 0);
    };
    // Shrinks the shrinkable columns, right to left (the leftmost, the titles, matter most),
    // no narrower than their floor each.
    // The last resort (a terminal narrower than the kept values and a readable title) takes a
    // title down to two columns and cuts its header, so that no value is cut.
    auto shrink = [&](bool comfortable, bool last_resort = false) {
        for (std::size_t c = n; c-- > 0;) {
            if (!shown[c] || !m_columns[c].shrinks) continue;
            const std::size_t t = total();
            if (t <= look.width) return;
            const std::size_t floor_width = comfortable ? m_columns[c].comfortable : k_min_shrunk;
            const std::size_t floor =
                last_resort
                    ? std::max<std::size_t>(kept[c], 2)
                    : std::max(kept[c],
                               std::min(natural[c],
                                        std::max(floor_width, display_width(m_columns[c].header))));
            const std::size_t room = widths[c] > floor ? widths[c] - floor : 0;
            widths[c] -= std::min(t - look.width, room);
        }
    };
    // First shorten titles to a comfortable width, then drop optional columns, then shorten more.
    shrink(true);
    while (total() > look.width) {
        int worst = 0;
        std::size_t victim = n;
        for (std::size_t c = 0; c < n; ++c)
            if (shown[c] && m_columns[c].drop_rank > worst) {
                worst = m_columns[c].drop_rank;
                victim = c;
            }
        if (victim == n) break;
        shown[victim] = false;
        widths = natural;
        shrink(true);
    }
    shrink(false);
    shrink(false, true);

    // Narrower than even the essential columns: cut each line, without colour.
    m_width = look.width;
    m_hard_cut = total() > look.width;
    m_color = look.color && !m_hard_cut;
}

void TableLayout::header(std::string& out) const {
    std::vector<Cell> cells;
    cells.reserve(m_columns.size());
    for (const auto& col : m_columns)
        cells.push_back({col.header, Style::bold});
    emit(cells, true, out);
}

void TableLayout::line(const std::vector<Cell>& row, std::string& out) const {
    emit(row, false, out);
}

void TableLayout::emit(const std::vector<Cell>& cells, bool header, std::string& out) const {
    const std::size_t n = m_columns.size();
    std::size_t last = n;
    for (std::size_t c = n; c-- > 0;)
        if (m_shown[c]) {
            last = c;
            break;
        }
    const std::size_t line_start = out.size();
    bool first = true;
    for (std::size_t c = 0; c < n; ++c) {
        if (!m_shown[c]) continue;
        if (!first) out.append(k_gap, ' ');
        first = false;
        const std::string_view whole = c < cells.size() ? std::string_view(cells[c].text) : "";
        const std::size_t whole_width = display_width(whole);
        std::string cut;
        std::string_view text = whole;
        std::size_t width = whole_width;
        if (whole_width > m_widths[c]) {
            cut = truncate_to_width(whole, m_widths[c]);
            text = cut;
            width = display_width(cut);
        }
        const std::size_t pad = width < m_widths[c] ? m_widths[c] - width : 0;
        const bool right = m_columns[c].align == Align::right;
        const bool is_last = c == last;
        const Style style =
            header ? Style::bold : (c < cells.size() ? cells[c].style : Style::plain);
        if (m_color && style != Style::plain && !text.empty()) {
            // Colour only the text, not the padding, so a truncated line never cuts an escape.
            std::string padded = right     ? std::string(pad, ' ') + std::string(text)
                                 : is_last ? std::string(text)
                                           : std::string(text) + std::string(pad, ' ');
            const std::size_t at = padded.find(text);
            out += padded.substr(0, at);
            out += paint(std::string(text), style, true);
            out += padded.substr(at + text.size());
            continue;
        }
        if (right) out.append(pad, ' ');
        out += text;
        if (!right && !is_last) out.append(pad, ' ');
    }
    while (out.size() > line_start && out.back() == ' ')
        out.pop_back();
    if (m_hard_cut) {
        const std::string line =
            truncate_to_width(std::string_view(out).substr(line_start), m_width);
        out.resize(line_start);
        out += line;
    }
    out += '\n';
}

std::string Table::render(const Look& look) const {
    TableLayout layout(m_columns);
    for (const auto& row : m_rows)
        layout.measure(row);
    layout.fit(look);
    std::string out;
    layout.header(out);
    for (const auto& row : m_rows)
        layout.line(row, out);
    return out;
}

} // namespace okr::report
