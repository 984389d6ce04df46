#include "okr/util/diff.hpp"

#include <doctest/doctest.h>

#include <string>

using okr::util::unified_diff;

TEST_SUITE("okr::util::diff") {

    TEST_CASE("the unified diff shows one hunk with three lines of context") {
        const std::string diff =
            unified_diff("a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nd\nX\ne\nf\ng\n", "p.toml");
        CHECK(diff == "--- a/p.toml\n+++ b/p.toml\n@@ -2,6 +2,7 @@\n b\n c\n d\n+X\n e\n f\n g\n");
        CHECK(unified_diff("same\n", "same\n", "p.toml").empty());
        CHECK(unified_diff("", "new\n", "p.toml") ==
              "--- a/p.toml\n+++ b/p.toml\n@@ -0,0 +1,1 @@\n+new\n");
    }

    TEST_CASE("a last line without a newline is marked") {
        CHECK(
            unified_diff("a\n", "a\nb", "p.toml") ==
            "--- a/p.toml\n+++ b/p.toml\n@@ -1,1 +1,2 @@\n a\n+b\n\\ No newline at end of file\n");
    }

    TEST_CASE("an absolute path keeps one slash after a/ and b/") {
        CHECK(unified_diff("", "x\n", "/tmp/x.toml")
                  .starts_with("--- a/tmp/x.toml\n+++ b/tmp/x.toml\n"));
    }

} // TEST_SUITE
