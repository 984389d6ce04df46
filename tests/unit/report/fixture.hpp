#pragma once
// The club: a small workspace of one file (two objectives, one aligned under the other, a
// milestone, a KPI in breach), evaluated as of 2026-11-23, which the tests of every report
// module show. Their expected outputs are what `okr -f club.toml --as-of 2026-11-23 --format F
// COMMAND` prints at 80 columns without colour: a module and its command agree byte for byte.

#include "okr/report/rows.hpp"
#include "okr/report/sheet.hpp"

#include "../support.hpp"

#include <string_view>

namespace okr::test {

inline constexpr std::string_view k_club = R"(
title = "Club"
owner = "ann"
cycle = "2026-Q4"

[[objective]]
id = "grow"
title = "Grow the club"
type = "committed"
kpis = ["uptime"]
  [[objective.kr]]
  id = "members"
  title = "Members"
  start = 10
  target = 50
  checkins = [
    { date = 2026-10-15, value = 20, confidence = 0.6, note = "open day" },
    { date = 2026-11-10, value = 34, confidence = 0.7 },
  ]
  [[objective.kr]]
  id = "site"
  title = "Launch the site"
  type = "milestone"
  checkins = [ { date = 2026-11-01, value = 1 } ]

[[objective]]
id = "teach"
title = "Teach beginners"
owner = "bob"
parent = "grow"
  [[objective.kr]]
  id = "classes"
  title = "Classes held"
  target = 12
  checkins = [ { date = 2026-10-20, value = 3, note = "slow start" } ]

[[kpi]]
id = "uptime"
title = "Site uptime"
unit = "%"
min = 99
frequency = "weekly"
checkins = [
  { date = 2026-10-01, value = 99.5 },
  { date = 2026-11-01, value = 98.2 },
]
)";

struct Club : Loaded {
    Club() : Loaded({{"club.toml", k_club}}, day("2026-11-23")) {}
    Date as_of() const { return evaluation.as_of; }
    // The report rows of the default selection (the cycles running on the as-of date).
    report::Report report() const {
        return report::build_report(index, evaluation, report::Selection{});
    }
};

// Checks that `made` (a sheet whose long sections make their rows a window at a time) renders
// byte for byte as the same rows held whole, in every format and at several widths, and that
// at least one of its sections makes its rows.
inline void check_windows_render_as_held(const report::Sheet& made) {
    using namespace okr::report;
    Sheet held = made;
    bool any_made = false;
    for (auto& section : held.sections) {
        any_made = any_made || section.more_rows.make;
        std::vector<SheetRow> rows;
        for_each_row(
            section, [&](const SheetRow& row) { rows.push_back(row); }, 1);
        section.rows = std::move(rows);
        section.more_rows = {};
    }
    CHECK(any_made);
    for (std::size_t width : {30, 60, 80, 120, 250})
        for (bool color : {false, true}) {
            CAPTURE(width);
            CHECK(render_terminal(made, Look{width, color}) ==
                  render_terminal(held, Look{width, color}));
        }
    CHECK(render_csv(made) == render_csv(held));
    CHECK(render_markdown(made) == render_markdown(held));
    CHECK(render_html(made) == render_html(held));
}

// Checks that the rows `s` makes for one medium leave empty every cell of a column that only
// the other medium shows (no format builds what it throws away), and returns how many rows
// it made for each.
inline std::pair<std::size_t, std::size_t> check_rows_made_for_medium(const report::Section& s) {
    using namespace okr::report;
    std::size_t counts[2] = {0, 0};
    for (Media medium : {Media::terminal, Media::documents}) {
        CAPTURE(s.name);
        CAPTURE(static_cast<int>(medium));
        for_each_row(
            s,
            [&](const SheetRow& row) {
                ++counts[medium == Media::terminal ? 0 : 1];
                for (std::size_t i = 0; i < s.columns.size() && i < row.cells.size(); ++i)
                    if (s.columns[i].media != Media::all && s.columns[i].media != medium)
                        CHECK(row.cells[i].text.empty());
            },
            k_row_window, medium);
    }
    return {counts[0], counts[1]};
}

} // namespace okr::test
