// The alignment tree of the club: its JSON and its description, as `okr tree` prints them.
#include "okr/report/tree.hpp"

#include "fixture.hpp"

#include <doctest/doctest.h>

using namespace okr;
using namespace okr::report;

TEST_SUITE("okr::report::tree") {

    TEST_CASE("the tree document: nodes parent first, with depth and roll-up") {
        const test::Club club;
        const Tree tree = build_tree(club.report());
        CHECK(tree_json(tree) == R"okr({
  "schema_version": 1,
  "as_of": "2026-11-23",
  "cycles": [
    {
      "name": "2026-Q4",
      "start": "2026-10-01",
      "end": "2026-12-31",
      "elapsed": 0.582417582418
    }
  ],
  "nodes": [
    {
      "ref": "club/grow",
      "title": "Grow the club",
      "owner": "ann",
      "cycle": "2026-Q4",
      "depth": 0,
      "score": 0.8,
      "status": "on-track",
      "band": "green",
      "rollup": 0.525,
      "descendants": 1,
      "note": null
    },
    {
      "ref": "club/teach",
      "title": "Teach beginners",
      "owner": "bob",
      "cycle": "2026-Q4",
      "depth": 1,
      "score": 0.25,
      "status": "off-track",
      "band": "red",
      "rollup": 0.25,
      "descendants": 0,
      "note": null
    }
  ],
  "loops": []
}
)okr");
    }

    TEST_CASE(
        "the terminal tree: a child indented under its parent, the subtree score on the parent") {
        const test::Club club;
        const Tree tree = build_tree(club.report());
        CHECK(render_terminal(tree_sheet(tree), Look{80, false}) ==
              R"okr(2026-Q4 (2026-10-01 → 2026-12-31, 58% elapsed) · as of 2026-11-23

OBJECTIVE                       OWNER  SCORE  STATUS     SUBTREE
club/grow  Grow the club        ann     0.80  on-track      0.52
└─ club/teach  Teach beginners  bob     0.25  off-track
)okr");
    }

} // TEST_SUITE
