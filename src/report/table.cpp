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

std::string Table::render(const Look& look) const {
    const std::size_t n = m_columns.size();
    std::vector<std::size_t> natural(n, 0);
    for (std::size_t c = 0; c < n; ++c)
        natural[c] = display_width(m_columns[c].header);
    for (const auto& row : m_rows)
        for (std::size_t c = 0; c < n && c < row.size(); ++c)
            natural[c] = std::max(natural[c], display_width(row[c].text));

    // Columns that are empty in every row are not shown at all.
    std::vector<bool> shown(n, true);
    for (std::size_t c = 0; c < n; ++c) {
        bool any = false;
        for (const auto& row : m_rows)
            any = any || (c < row.size() && !row[c].text.empty());
        shown[c] = any;
    }
    // A shrinking column never cuts into the part of a cell that must be kept whole: its floor
    // leaves room for that part (and the "…" after it when the rest is cut).
    std::vector<std::size_t> kept(n, 0);
    for (const auto& row : m_rows)
        for (std::size_t c = 0; c < n && c < row.size(); ++c)
            if (row[c].keep)
                kept[c] =
                    std::max(kept[c], row[c].keep < display_width(row[c].text) ? row[c].keep + 1
                                                                               : row[c].keep);
    std::vector<std::size_t> widths = natural;
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
    const bool hard_cut = total() > look.width;
    const bool color = look.color && !hard_cut;
    std::string out;
    auto emit_line = [&](const std::vector<Cell>& cells, bool header) {
        std::string line;
        std::size_t last = n;
        for (std::size_t c = n; c-- > 0;)
            if (shown[c]) {
                last = c;
                break;
            }
        bool first = true;
        for (std::size_t c = 0; c < n; ++c) {
            if (!shown[c]) continue;
            std::string text = c < cells.size() ? cells[c].text : std::string();
            text = truncate_to_width(text, widths[c]);
            const bool is_last = c == last;
            std::string padded = m_columns[c].align == Align::right ? pad_left(text, widths[c])
                                 : is_last                          ? text
                                                                    : pad_right(text, widths[c]);
            if (!first) line += std::string(k_gap, ' ');
            first = false;
            const Style style =
                header ? Style::bold : (c < cells.size() ? cells[c].style : Style::plain);
            // Colour only the text, not the padding, so a truncated line never cuts an escape.
            if (color && style != Style::plain && !text.empty()) {
                const std::size_t at = padded.find(text);
                padded = padded.substr(0, at) + paint(text, style, true) +
                         padded.substr(at + text.size());
            }
            line += padded;
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        if (hard_cut) line = truncate_to_width(line, look.width);
        out += line;
        out += '\n';
    };
    std::vector<Cell> header;
    for (const auto& col : m_columns)
        header.push_back({col.header, Style::bold});
    emit_line(header, true);
    for (const auto& row : m_rows)
        emit_line(row, false);
    return out;
}

} // namespace okr::report
