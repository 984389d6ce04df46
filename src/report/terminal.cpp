#include "okr/report/terminal.hpp"

#include "okr/report/text.hpp"
#include "okr/util/utf8.hpp"

#include <fmt/format.h>

namespace okr::report {

std::string diagnostics_text(const Diagnostics& findings, const Look& look,
                             const SourceLines& source) {
    std::string out;
    for (const auto& d : findings) {
        const bool error = d.level == Level::error;
        std::string where =
            d.pos.line ? fmt::format("{}:{}:{}", d.path, d.pos.line, d.pos.column) : d.path;
        out += fmt::format(
            "{}: {} {}", escape_control(where),
            paint(error ? "error:" : "warning:", error ? Style::red : Style::yellow, look.color),
            escape_control(d.message));
        if (!d.rule.empty()) out += fmt::format(" [{}]", d.rule);
        out += '\n';
        if (auto text = source && d.pos.line ? source(d.path, d.pos.line) : std::nullopt) {
            // The caret goes under the column (counted in code points, as toml++ counts them);
            // tabs are shown as four spaces so that it lines up in any terminal.
            // A long line (over 200 code points) is clipped to 80 code points on each side of
            // the caret, so that an error on a 10 MB line prints a line, not 10 MB.
            std::string_view line = *text;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            constexpr std::size_t k_whole = 200, k_context = 80;
            const bool clip = util::skip_code_points(line, 0, k_whole) < line.size();
            const std::size_t context = clip ? k_context : k_whole;
            const std::size_t column = d.pos.column ? d.pos.column - 1 : 0; // before the caret
            const std::size_t skipped = clip && column > context ? column - context : 0;
            const std::size_t start = util::skip_code_points(line, 0, skipped);
            const std::size_t i = util::skip_code_points(line, start, column - skipped);
            const std::size_t end = clip ? util::skip_code_points(line, i, context) : line.size();
            const std::string lead = start > 0 ? "…" : "";
            const std::string before = lead + std::string(line.substr(start, i - start));
            auto shown = [](std::string_view raw) {
                std::string expanded;
                for (char c : raw)
                    expanded += c == '\t' ? std::string(4, ' ') : std::string(1, c);
                return escape_control(expanded);
            };
            const std::string pad(display_width(shown(before)), ' ');
            const std::string clipped =
                before + std::string(line.substr(i, end - i)) + (end < line.size() ? "…" : "");
            const std::string number = fmt::format("{}", d.pos.line);
            out += fmt::format(" {} | {}\n", number, shown(clipped));
            out += fmt::format(" {} | {}{}\n", std::string(number.size(), ' '), pad,
                               paint("^", error ? Style::red : Style::yellow, look.color));
        }
        if (!d.hint.empty())
            out += fmt::format("  {} {}\n", paint("hint:", Style::cyan, look.color),
                               escape_control(d.hint));
    }
    return out;
}

} // namespace okr::report
