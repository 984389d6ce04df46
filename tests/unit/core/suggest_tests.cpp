#include "okr/core/suggest.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using okr::edit_distance;
using okr::near_matches;
using okr::nearest;

namespace {

using Strings = std::vector<std::string>;

const Strings k_kr_keys{"id",   "title", "start", "target", "current", "unit",     "weight",
                        "type", "score", "kpi",   "owner",  "status",  "checkins", "notes"};

} // namespace

TEST_SUITE("okr::suggest") {

    TEST_CASE("edit distance counts insertions, deletions and substitutions") {
        CHECK(edit_distance("title", "title") == 0);
        CHECK(edit_distance("", "abc") == 3);
        CHECK(edit_distance("abc", "") == 3);
        CHECK(edit_distance("title", "titl") == 1);
        CHECK(edit_distance("title", "tittle") == 1);
        CHECK(edit_distance("title", "titre") == 1);
        CHECK(edit_distance("kitten", "sitting") == 3);
    }

    TEST_CASE("swapping two adjacent letters is one edit") {
        CHECK(edit_distance("tilte", "title") == 1);
        CHECK(edit_distance("wieght", "weight") == 1);
    }

    TEST_CASE("edit distance ignores case") {
        CHECK(edit_distance("Title", "title") == 0);
        CHECK(edit_distance("TARGET", "target") == 0);
    }

    TEST_CASE("the nearest known key is suggested for a typo") {
        CHECK(nearest("tittle", k_kr_keys) == "title");
        CHECK(nearest("wieght", k_kr_keys) == "weight");
        CHECK(nearest("checkin", k_kr_keys) == "checkins");
        CHECK(nearest("targte", k_kr_keys) == "target");
    }

    TEST_CASE("a word far from every candidate gets no suggestion") {
        CHECK(nearest("frobnicate", k_kr_keys).empty());
        CHECK(nearest("anything", {}).empty());
    }

    TEST_CASE("a prefix of a longer candidate is a match") {
        CHECK(nearest("freq", {"frequency", "owner"}) == "frequency");
    }

    TEST_CASE("near matches come nearest first, ties in candidate order, at most `limit` of them") {
        const Strings candidates{"grow-rev", "grow", "gross", "glow", "unrelated"};
        CHECK(near_matches("grow", candidates) == Strings{"grow", "grow-rev", "glow"});
        CHECK(near_matches("grow", candidates, 1) == Strings{"grow"});
        CHECK(near_matches("grow", candidates, 10) == Strings{"grow", "grow-rev", "glow", "gross"});
    }

} // TEST_SUITE
