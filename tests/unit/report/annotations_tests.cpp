#include "okr/report/annotations.hpp"

#include <doctest/doctest.h>

using namespace okr;

TEST_SUITE("okr::annotations") {

    TEST_CASE("one GitHub annotation per finding, positions where known") {
        Diagnostics findings = {
            {"teams/a.toml",
             {12, 3},
             Level::error,
             "dangling parent `x`",
             "did you mean `y`?",
             "dangling-ref"},
            {"b.toml", {0, 0}, Level::warning, "100% off, really", "", ""},
        };
        CHECK(report::github_annotations(findings) ==
              "::error file=teams/a.toml,line=12,col=3,title=dangling-ref::dangling parent "
              "`x`%0Ahint: did you mean `y`?\n"
              "::warning file=b.toml,title=schema::100%25 off, really\n");
    }

    TEST_CASE("properties escape `:` and `,`; messages escape line breaks") {
        Diagnostics findings = {{"a,b:c.toml", {1, 1}, Level::warning, "two\nlines\r", "", "r"}};
        CHECK(report::github_annotations(findings) ==
              "::warning file=a%2Cb%3Ac.toml,line=1,col=1,title=r::two%0Alines%0D\n");
    }
}
