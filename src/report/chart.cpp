// Charts: the value range a chart shows, and a chart drawn with characters.
#include "okr/report/sheet.hpp"

#include "okr/report/table.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace okr::report {

std::optional<std::pair<double, double>> value_range(const Chart& chart) {
    if (chart.axis) return chart.axis;
    double lo = INFINITY, hi = -INFINITY;
    auto take = [&](double v) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    };
    for (const auto& s : chart.series)
        for (const auto& point : s.points)
            take(point.second);
    for (const auto& bound : chart.bounds)
        take(bound.second);
    if (!std::isfinite(lo)) return std::nullopt;
    if (hi - lo < 1e-9) return std::pair{lo - 1, hi + 1}; // a flat line sits in the middle
    return std::pair{lo, hi};
}

std::string axis_label(const Chart& chart, double v, bool high) {
    const std::string& word = high ? chart.axis_words.second : chart.axis_words.first;
    return word.empty() ? format_number(v) : word;
}

std::string chart_text(const Chart& chart, const Look& look, std::size_t height) {
    const auto range = value_range(chart);
    if (!range) return "  (no check-ins to chart)\n";
    const auto [lo, hi] = *range;
    // The axis is as wide as its longer label (a large number), so no line is wider than the width.
    const std::string high_label = axis_label(chart, hi, true),
                      low_label = axis_label(chart, lo, false);
    const std::size_t k_axis =
        std::max<std::size_t>(9, std::max(display_width(high_label), display_width(low_label)) + 1);
    const std::size_t width =
        look.width > k_axis + 20 ? std::min<std::size_t>(look.width - k_axis - 1, 100) : 20;
    const double days = std::max(1, chart.to - chart.from);
    std::vector<std::vector<std::string>> grid(height, std::vector<std::string>(width, " "));
    std::vector<std::vector<int>> rank(height, std::vector<int>(width, 0));
    auto row_of = [&](double v) {
        const double f = (v - lo) / (hi - lo);
        return height - 1 -
               static_cast<std::size_t>(
                   std::lround(std::clamp(f, 0.0, 1.0) * static_cast<double>(height - 1)));
    };
    auto col_of = [&](Date d) {
        const double f = std::clamp((d - chart.from) / days, 0.0, 1.0);
        return static_cast<std::size_t>(std::lround(f * static_cast<double>(width - 1)));
    };
    auto put = [&](std::size_t r, std::size_t c, const char* glyph, int priority) {
        if (r < height && c < width && priority >= rank[r][c]) {
            grid[r][c] = glyph;
            rank[r][c] = priority;
        }
    };
    for (const auto& [label, v] : chart.bounds)
        for (std::size_t c = 0; c < width; ++c)
            put(row_of(v), c, "─", 1);
    for (std::size_t si = 0; si < chart.series.size(); ++si) {
        const auto& s = chart.series[si];
        const char* line = s.dashed ? (si == 1 ? "·" : "┄") : "•";
        const int prio = s.dashed ? 2 : 3;
        for (std::size_t p = 0; p + 1 < s.points.size(); ++p) {
            const auto [d0, v0] = s.points[p];
            const auto [d1, v1] = s.points[p + 1];
            const std::size_t c0 = col_of(d0), c1 = col_of(d1);
            for (std::size_t c = c0; c <= c1 && c1 > c0; ++c) {
                const double f = static_cast<double>(c - c0) / static_cast<double>(c1 - c0);
                put(row_of(v0 + f * (v1 - v0)), c, line, prio);
            }
        }
        if (s.markers)
            for (const auto& [d, v] : s.points)
                put(row_of(v), col_of(d), "●", 4);
    }
    std::string out;
    for (std::size_t r = 0; r < height; ++r) {
        std::string label;
        if (r == 0) label = high_label;
        if (r == height - 1) label = low_label;
        std::string line = pad_left(label, k_axis - 1) + " ┤";
        for (std::size_t c = 0; c < width; ++c) {
            const int k = rank[r][c];
            const Style st = k == 4 || k == 3 ? Style::cyan : k == 1 ? Style::red : Style::dim;
            line += k ? paint(grid[r][c], st, look.color) : grid[r][c];
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line + "\n";
    }
    const std::string from = chart.from.iso(), to = chart.to.iso();
    std::string axis;
    for (std::size_t c = 0; c < width; ++c)
        axis += "─";
    out += std::string(k_axis, ' ') + "└" + axis + "\n";
    out += std::string(k_axis + 1, ' ') + from +
           std::string(width > from.size() + to.size() ? width - from.size() - to.size() : 1, ' ') +
           to + "\n";
    std::vector<std::string> items;
    if (!chart.series.empty()) {
        // A KR's or KPI's check-ins, or another first series (an objective's weekly score).
        const std::string& first = chart.series.front().label;
        items.push_back(chart.series.front().markers
                            ? "● " + (first == "check-ins" ? std::string("check-in") : first)
                            : "• " + first);
    }
    for (std::size_t si = 1; si < chart.series.size(); ++si)
        items.push_back(fmt::format("{} {}", si == 1 ? "·" : "┄", chart.series[si].label));
    for (const auto& [label, v] : chart.bounds)
        items.push_back(fmt::format("─ {} {}", label, format_number(v)));
    // The legend goes on as many lines as it needs: a bound's number is never cut.
    const std::string indent(k_axis + 1, ' ');
    std::string legend = indent;
    for (const auto& item : items) {
        const bool first_on_line = legend.size() == indent.size();
        if (!first_on_line && display_width(legend) + 2 + display_width(item) > look.width) {
            out += legend + "\n";
            legend = indent;
        }
        legend += (legend.size() == indent.size() ? "" : "  ") + item;
    }
    out += legend + "\n";
    return out;
}

} // namespace okr::report
