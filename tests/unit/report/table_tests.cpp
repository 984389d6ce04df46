#include "okr/report/table.hpp"

#include "okr/report/text.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace okr::report;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            out.push_back(text.substr(start));
            break;
        }
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// `text` without ANSI colour sequences (ESC [ ... m).
std::string strip_ansi(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
            i = text.find('m', i);
            if (i == std::string::npos) break;
            continue;
        }
        out += text[i];
    }
    return out;
}

// The display column where `needle` starts in `line`.
std::size_t column_of(const std::string& line, const std::string& needle) {
    const std::size_t at = line.find(needle);
    REQUIRE_MESSAGE(at != std::string::npos, needle, " not in: ", line);
    return display_width(line.substr(0, at));
}

// Objectives with a shrinking title, a score, and two optional columns; titles in English,
// Japanese and with an emoji.
Table sample() {
    Table t({Column{.header = "Objective", .shrinks = true},
             Column{.header = "Score", .align = Align::right},
             Column{.header = "Status", .drop_rank = 1},
             Column{.header = "Owner", .drop_rank = 2}});
    t.add_row({{"Become a market leader in eco-friendly products"},
               {"0.7", Style::green},
               {"on-track", Style::green},
               {"alice"}});
    t.add_row({{"日本市場でのシェアを拡大する"},
               {"0.45", Style::yellow},
               {"at-risk", Style::yellow},
               {"田中"}});
    t.add_row({{"Ship 🚀 the new app"}, {"0.1", Style::red}, {"off-track", Style::red}, {"bob"}});
    return t;
}

} // namespace

TEST_SUITE("okr::report::table") {

    TEST_CASE("every line of a table fits the width, however narrow") {
        const Table t = sample();
        for (std::size_t width : {200, 120, 80, 72, 60, 51, 50, 40, 30, 20, 12, 8, 5, 3, 1}) {
            for (bool color : {false, true}) {
                CAPTURE(width);
                CAPTURE(color);
                const auto lines = lines_of(t.render(Look{width, color}));
                CHECK(lines.size() == 4);
                for (const std::string& line : lines) {
                    CAPTURE(line);
                    CHECK(display_width(strip_ansi(line)) <= width);
                }
            }
        }
    }

    TEST_CASE("a table that fits shows every column and whole titles") {
        const std::string out = sample().render(Look{200, false});
        const auto lines = lines_of(out);
        REQUIRE(lines.size() == 4);
        for (const char* header : {"Objective", "Score", "Status", "Owner"})
            CHECK(lines[0].find(header) != std::string::npos);
        CHECK(lines[1].find("Become a market leader in eco-friendly products") !=
              std::string::npos);
        CHECK(lines[2].find("日本市場でのシェアを拡大する") != std::string::npos);
        CHECK(out.find("…") == std::string::npos);
    }

    TEST_CASE("columns after a CJK or emoji title start at the same display column") {
        for (std::size_t width : {200, 60, 51}) {
            CAPTURE(width);
            const auto lines = lines_of(sample().render(Look{width, false}));
            REQUIRE(lines.size() == 4);
            const std::size_t status = column_of(lines[0], "Status");
            CHECK(column_of(lines[1], "on-track") == status);
            CHECK(column_of(lines[2], "at-risk") == status);
            CHECK(column_of(lines[3], "off-track") == status);
            const std::size_t owner = column_of(lines[0], "Owner");
            CHECK(column_of(lines[1], "alice") == owner);
            CHECK(column_of(lines[2], "田中") == owner);
            CHECK(column_of(lines[3], "bob") == owner);
        }
    }

    TEST_CASE("columns after a title with a flag start at the same display column") {
        Table t({Column{.header = "Objective", .shrinks = true}, Column{.header = "Owner"}});
        t.add_row({{"Open the 🇯🇵 office"}, {"aiko"}});
        t.add_row({{"Open the US office"}, {"bob"}});
        for (std::size_t width : {80, 20}) {
            CAPTURE(width);
            const auto lines = lines_of(t.render(Look{width, false}));
            REQUIRE(lines.size() == 3);
            const std::size_t owner = column_of(lines[0], "Owner");
            CHECK(column_of(lines[1], "aiko") == owner);
            CHECK(column_of(lines[2], "bob") == owner);
            for (const std::string& line : lines)
                CHECK(display_width(line) <= width);
        }
    }

    TEST_CASE("right-aligned cells end at the same display column") {
        const auto lines = lines_of(sample().render(Look{200, false}));
        const std::size_t end = column_of(lines[0], "Score") + display_width("Score");
        CHECK(column_of(lines[1], "0.7") + 3 == end);
        CHECK(column_of(lines[2], "0.45") + 4 == end);
        CHECK(column_of(lines[3], "0.1") + 3 == end);
    }

    TEST_CASE("a title shortened to fit ends in an ellipsis") {
        const auto lines = lines_of(sample().render(Look{60, false}));
        CHECK(lines[1].find("Become a market leader") != std::string::npos);
        CHECK(lines[1].find("…") != std::string::npos);
        CHECK(lines[1].find("products") == std::string::npos);
    }

    TEST_CASE("optional columns are dropped, highest rank first, before titles get cramped") {
        const auto all = lines_of(sample().render(Look{51, false}));
        CHECK(all[0].find("Owner") != std::string::npos);
        CHECK(all[0].find("Status") != std::string::npos);
        const auto no_owner = lines_of(sample().render(Look{50, false}));
        CHECK(no_owner[0].find("Owner") == std::string::npos);
        CHECK(no_owner[0].find("Status") != std::string::npos);
        const auto essentials = lines_of(sample().render(Look{40, false}));
        CHECK(essentials[0].find("Status") == std::string::npos);
        CHECK(essentials[0].find("Score") != std::string::npos);
        CHECK(essentials[0].find("Objective") != std::string::npos);
    }

    TEST_CASE("a column that is empty in every row is not shown") {
        Table t(
            {Column{.header = "Objective"}, Column{.header = "Notes"}, Column{.header = "Owner"}});
        t.add_row({{"Grow"}, {""}, {"alice"}});
        t.add_row({{"Ship"}, {""}, {"bob"}});
        const std::string out = t.render(Look{80, false});
        CHECK(out.find("Notes") == std::string::npos);
        CHECK(out == "Objective  Owner\nGrow       alice\nShip       bob\n");
    }

    TEST_CASE("lines carry no trailing spaces") {
        for (const std::string& line : lines_of(sample().render(Look{200, false}))) {
            CAPTURE(line);
            CHECK((line.empty() || line.back() != ' '));
        }
    }

    TEST_CASE("colour codes appear only when colour is on") {
        for (std::size_t width : {200, 60, 20}) {
            CAPTURE(width);
            CHECK(sample().render(Look{width, false}).find('\x1b') == std::string::npos);
        }
        const std::string coloured = sample().render(Look{200, true});
        CHECK(coloured.find("\x1b[1mObjective\x1b[0m") != std::string::npos);
        CHECK(coloured.find("\x1b[32m0.7\x1b[0m") != std::string::npos);
        CHECK(coloured.find("\x1b[31moff-track\x1b[0m") != std::string::npos);
        CHECK(strip_ansi(coloured) == sample().render(Look{200, false}));
    }

    TEST_CASE("a title gives way below its readable width before a kept value is cut") {
        Table t({Column{.header = "Key result", .shrinks = true},
                 Column{.header = "Now / target", .shrinks = true}, Column{.header = "Status"}});
        t.add_row({{"Grow yearly recurring revenue"},
                   {"19876543.21 / 40000000 EUR", Style::plain, 26},
                   {"off-track", Style::plain, 9}});
        const auto lines = lines_of(t.render(Look{42, false}));
        REQUIRE(lines.size() == 2);
        CHECK(lines[1] == "Gr…  19876543.21 / 40000000 EUR  off-track");
    }

    TEST_CASE("a table cut below its essential columns drops colour too") {
        CHECK(sample().render(Look{8, true}).find('\x1b') == std::string::npos);
    }

    TEST_CASE("paint wraps text in a colour only when colour is on and the style is not plain") {
        CHECK(paint("ok", Style::green, true) == "\x1b[32mok\x1b[0m");
        CHECK(paint("ok", Style::red, true) == "\x1b[31mok\x1b[0m");
        CHECK(paint("ok", Style::green, false) == "ok");
        CHECK(paint("ok", Style::plain, true) == "ok");
        CHECK(paint("", Style::green, true).empty());
    }

    TEST_CASE("a progress bar is exactly as wide as asked, with the fraction clamped") {
        CHECK(progress_bar(0.5, 10) == "█████░░░░░");
        CHECK(progress_bar(0, 4) == "░░░░");
        CHECK(progress_bar(1, 4) == "████");
        CHECK(progress_bar(1.5, 4) == "████");
        CHECK(progress_bar(-0.5, 4) == "░░░░");
        CHECK(progress_bar(NAN, 4) == "░░░░");
        CHECK(progress_bar(0.0625, 2) == "▏░");
        for (double f : {0.0, 0.01, 0.33, 0.5, 0.77, 0.99, 1.0}) {
            CAPTURE(f);
            CHECK(display_width(progress_bar(f, 12)) == 12);
        }
    }

    TEST_CASE("a sparkline scales values between their minimum and maximum") {
        CHECK(sparkline({1, 2, 3, 4, 5, 6, 7, 8}) == "▁▂▃▄▅▆▇█");
        CHECK(sparkline({10, 0}) == "█▁");
        CHECK(sparkline({5, 5, 5}) == "▄▄▄");
        CHECK(sparkline({}).empty());
    }

    TEST_CASE("the width pass over rows one at a time finds the widths of the whole sheet") {
        // Random rows of ASCII, CJK, emoji and empty cells, some with a kept part: the pass,
        // which sees each row once and keeps none, must find what a look at every cell of the
        // whole sheet finds, and lay the table out the same at every width.
        const std::vector<std::string> words = {"",
                                                "a",
                                                "0.45",
                                                "on-track",
                                                "日本",
                                                "🚀 go",
                                                "Ship the new app to everyone",
                                                "-",
                                                "27 km / 40 km",
                                                "田中 alice",
                                                "▇▆▅"};
        std::mt19937 random(29);
        for (int round = 0; round < 200; ++round) {
            CAPTURE(round);
            const std::size_t n = 1 + random() % 6;
            std::vector<Column> columns;
            for (std::size_t c = 0; c < n; ++c)
                columns.push_back(Column{.header = c % 2 ? "Score" : "Objective",
                                         .align = random() % 2 ? Align::right : Align::left,
                                         .shrinks = random() % 3 == 0,
                                         .drop_rank = static_cast<int>(random() % 3)});
            std::vector<std::vector<Cell>> rows(random() % 12);
            for (auto& row : rows) {
                row.resize(random() % (n + 2)); // short and long rows too
                for (auto& cell : row) {
                    cell.text = words[random() % words.size()];
                    if (random() % 3 == 0)
                        cell.keep = std::min(display_width(cell.text), random() % 6);
                }
            }
            // The whole sheet, looked at all at once.
            std::vector<std::size_t> natural(n), kept(n, 0);
            std::vector<bool> any(n, false);
            for (std::size_t c = 0; c < n; ++c) {
                natural[c] = display_width(columns[c].header);
                for (const auto& row : rows) {
                    if (c >= row.size()) continue;
                    const std::size_t w = display_width(row[c].text);
                    natural[c] = std::max(natural[c], w);
                    any[c] = any[c] || !row[c].text.empty();
                    if (row[c].keep)
                        kept[c] =
                            std::max(kept[c], row[c].keep < w ? row[c].keep + 1 : row[c].keep);
                }
            }
            TableLayout layout(columns);
            for (const auto& row : rows) {
                std::vector<Cell> copy = row; // dropped after the row is measured
                layout.measure(copy);
            }
            CHECK(layout.natural() == natural);
            CHECK(layout.kept() == kept);
            for (std::size_t width : {20, 42, 60, 80, 120, 250}) {
                CAPTURE(width);
                layout.fit(Look{width, false});
                CHECK(layout.shown().size() == n);
                for (std::size_t c = 0; c < n; ++c)
                    if (!any[c]) CHECK_FALSE(layout.shown()[c]);
                Table whole(columns);
                for (const auto& row : rows)
                    whole.add_row(row);
                std::string windowed;
                layout.header(windowed);
                for (const auto& row : rows)
                    layout.line(row, windowed);
                CHECK(windowed == whole.render(Look{width, false}));
                for (const auto& line : lines_of(windowed))
                    CHECK(display_width(line) <= std::max<std::size_t>(width, 1));
            }
        }
    }

} // TEST_SUITE
