// What changed between two versions of the club: the changes, their JSON and their
// description, as `okr diff` prints them (the club committed in git, then edited in the working
// tree, compared as of 2026-11-23).
#include "okr/report/diff.hpp"

#include "fixture.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace okr;
using namespace okr::report;

namespace {

// The club after an edit: a check-in on members, the target of classes moved while the cycle
// runs, a key result added under teach, the site milestone removed.
std::string club_after() {
    std::string text(test::k_club);
    const auto replace = [&text](std::string_view from, std::string_view to) {
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
    };
    replace("{ date = 2026-11-10, value = 34, confidence = 0.7 },",
            "{ date = 2026-11-10, value = 34, confidence = 0.7 },\n"
            "    { date = 2026-11-20, value = 40, confidence = 0.8, note = \"league night\" },");
    replace("  target = 12\n", "  target = 10\n");
    replace("  checkins = [ { date = 2026-10-20, value = 3, note = \"slow start\" } ]\n",
            "  checkins = [ { date = 2026-10-20, value = 3, note = \"slow start\" } ]\n"
            "  [[objective.kr]]\n  id = \"coaches\"\n  title = \"Coaches trained\"\n"
            "  target = 3\n");
    replace("  [[objective.kr]]\n  id = \"site\"\n  title = \"Launch the site\"\n"
            "  type = \"milestone\"\n  checkins = [ { date = 2026-11-01, value = 1 } ]\n",
            "");
    return text;
}

struct ClubAfter : test::Loaded {
    explicit ClubAfter(const std::string& text)
        : Loaded({{"club.toml", text}}, test::day("2026-11-23")) {}
};

} // namespace

TEST_SUITE("okr::report::diff") {

    TEST_CASE("the changes, in the order of the newer version, removed items last") {
        const test::Club before;
        const std::string text = club_after();
        const ClubAfter after(text);
        const GoalsDiff diff = diff_goals({&before.index, &before.evaluation},
                                          {&after.index, &after.evaluation}, before.as_of());
        std::string listed;
        for (const GoalChange& c : diff.changes)
            listed += fmt::format("{} {} {} [{}] -> [{}]{}\n", c.change, c.item, c.ref, c.before,
                                  c.after, c.flagged ? " flagged" : "");
        CHECK(listed == R"(score objective club/grow [0.80] -> [0.75]
checkin kr club/grow.members [] -> [40]
score kr club/grow.members [0.60] -> [0.75]
score objective club/teach [0.25] -> [0.15]
goalpost kr club/teach.classes [0 -> 12] -> [0 -> 10] flagged
score kr club/teach.classes [0.25] -> [0.30]
added kr club/teach.coaches [] -> [0.00]
removed kr club/grow.site [] -> []
)");
    }

    TEST_CASE("the diff document") {
        const test::Club before;
        const std::string text = club_after();
        const ClubAfter after(text);
        const GoalsDiff diff = diff_goals({&before.index, &before.evaluation},
                                          {&after.index, &after.evaluation}, before.as_of());
        CHECK(diff_json(diff, "HEAD", "the working tree") == R"okr({
  "schema_version": 1,
  "as_of": "2026-11-23",
  "from": "HEAD",
  "to": "the working tree",
  "changes": [
    {
      "change": "score",
      "item": "objective",
      "ref": "club/grow",
      "title": "Grow the club",
      "before": "0.80",
      "after": "0.75",
      "score_before": 0.8,
      "score_after": 0.75,
      "flagged": false
    },
    {
      "change": "checkin",
      "item": "kr",
      "ref": "club/grow.members",
      "title": "Members",
      "before": "",
      "after": "40",
      "date": "2026-11-20",
      "value": 40,
      "confidence": 0.8,
      "note": "league night",
      "flagged": false
    },
    {
      "change": "score",
      "item": "kr",
      "ref": "club/grow.members",
      "title": "Members",
      "before": "0.60",
      "after": "0.75",
      "score_before": 0.6,
      "score_after": 0.75,
      "flagged": false
    },
    {
      "change": "score",
      "item": "objective",
      "ref": "club/teach",
      "title": "Teach beginners",
      "before": "0.25",
      "after": "0.15",
      "score_before": 0.25,
      "score_after": 0.15,
      "flagged": false
    },
    {
      "change": "goalpost",
      "item": "kr",
      "ref": "club/teach.classes",
      "title": "Classes held",
      "before": "0 -> 12",
      "after": "0 -> 10",
      "flagged": true
    },
    {
      "change": "score",
      "item": "kr",
      "ref": "club/teach.classes",
      "title": "Classes held",
      "before": "0.25",
      "after": "0.30",
      "score_before": 0.25,
      "score_after": 0.3,
      "flagged": false
    },
    {
      "change": "added",
      "item": "kr",
      "ref": "club/teach.coaches",
      "title": "Coaches trained",
      "before": "",
      "after": "0.00",
      "flagged": false
    },
    {
      "change": "removed",
      "item": "kr",
      "ref": "club/grow.site",
      "title": "Launch the site",
      "before": "",
      "after": "",
      "flagged": false
    }
  ]
}
)okr");
    }

    TEST_CASE("the terminal table of the changes") {
        const test::Club before;
        const std::string text = club_after();
        const ClubAfter after(text);
        const GoalsDiff diff = diff_goals({&before.index, &before.evaluation},
                                          {&after.index, &after.evaluation}, before.as_of());
        CHECK(render_terminal(diff_sheet(diff, "HEAD", "the working tree"), Look{80, false}) ==
              R"okr(Changes in the goals from HEAD to the working tree, as of 2026-11-23
CHANGE     ITEM                BEFORE    AFTER  DATE        DETAIL
score      club/grow  Grow…      0.80     0.75
checkin    club/grow.member…                40  2026-11-20  conf 0.8: league ni…
score      club/grow.member…     0.60     0.75
score      club/teach  Teac…     0.25     0.15
goalpost!  club/teach.class…  0 -> 12  0 -> 10              moved while the cyc…
score      club/teach.class…     0.25     0.30
added      club/teach.coach…              0.00
removed    club/grow.site…
)okr");
    }

} // TEST_SUITE
