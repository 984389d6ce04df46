#include "okr/report/sheet.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace okr::report;

namespace {

// A sheet with a long section made a window at a time (titles with CJK, a control character
// and a formula sign, numbers, states, bars and sparks) after a short one held whole.
Sheet long_sheet(std::size_t parts) {
    Sheet sheet;
    sheet.title = "Long";
    sheet.subtitle = {"as of 2026-11-23"};
    sheet.head = {line("Long report", Style::bold)};
    Section held = sub_section("held", "Held");
    held.columns = {column("ref", "Ref"), column("value", "Value", Media::all, Align::right)};
    held.rows.push_back({"kpi", 0, {text_cell("a/b"), number_cell(3.5, "km")}, Media::all});
    sheet.sections.push_back(std::move(held));
    Section made = titled_section("Objectives");
    made.columns = {column("ref", "Ref"),
                    column("title", "Title", Media::all, Align::left, true),
                    column("score", "Score", Media::all, Align::right),
                    column("status", "Status"),
                    column("progress", "Progress", Media::all, Align::left, false, 1),
                    column("trend", "Trend", Media::terminal, Align::left, false, 2)};
    made.more_rows = {
        parts, [](std::size_t first, std::size_t last, Media, std::vector<SheetRow>& out) {
            for (std::size_t i = first; i < last; ++i)
                out.push_back({i % 3 ? "kr" : "objective",
                               i % 3 ? 1 : 0,
                               {text_cell("team" + std::to_string(i) + "/grow"),
                                text_cell(i % 7 ? "Grow the club, 成長 " + std::to_string(i)
                                                : "=sum \x1b[31m" + std::to_string(i)),
                                score_cell(static_cast<double>(i % 100) / 100),
                                status_cell(i % 2 ? okr::Status::on_track : okr::Status::at_risk),
                                bar_cell(static_cast<double>(i % 10) / 10),
                                spark_cell({1, static_cast<double>(i % 5), 3})},
                               i % 11 ? Media::all : Media::terminal});
        }};
    made.after = {line("That is all.")};
    sheet.sections.push_back(std::move(made));
    return sheet;
}

} // namespace

TEST_SUITE("okr::report::sheet") {

    TEST_CASE("a sheet written in windows: the pieces handed over and the rest are the whole "
              "output, each piece whole lines of about a window") {
        const Sheet sheet = long_sheet(4000);
        for (const char* format : {"table", "csv", "markdown", "html"})
            for (bool color : {false, true}) {
                CAPTURE(format);
                CAPTURE(color);
                const Look look{100, color};
                const std::string whole = render_sheet(sheet, format, look);
                std::vector<std::string> pieces;
                std::string out;
                render_sheet(sheet, format, look, out, [&](std::string& text) {
                    pieces.push_back(text);
                    text.clear();
                });
                CHECK(pieces.size() > 1);
                std::string joined;
                for (const auto& p : pieces) {
                    CHECK(p.size() >= k_output_window);
                    CHECK(p.size() < 2 * k_output_window);
                    CHECK(p.back() == '\n');
                    joined += p;
                }
                CHECK(joined + out == whole);
            }
    }

    TEST_CASE("without a spill, a renderer keeps the whole output in the string") {
        const Sheet sheet = long_sheet(50);
        for (const char* format : {"table", "csv", "markdown", "html"}) {
            CAPTURE(format);
            std::string out = "before\n";
            render_sheet(sheet, format, Look{80, false}, out, {});
            CHECK(out == "before\n" + render_sheet(sheet, format, Look{80, false}));
        }
    }

} // TEST_SUITE
