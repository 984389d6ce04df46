#include "okr/io/include_edit.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace okr;

namespace {

// The new text of an include edit that must succeed.
std::string added(std::string_view text, const std::string& pattern) {
    const Result<io::Edit> e = io::add_include(text, "okr.toml", pattern);
    REQUIRE_MESSAGE(e.ok(), (e.ok() ? std::string() : e.failure().message));
    return e->text;
}

} // namespace

TEST_SUITE("okr::io::include_edit") {

    TEST_CASE("a root without [workspace] gets one at its end") {
        CHECK(added("title = \"T\"\n", "teams/web.toml") ==
              "title = \"T\"\n\n[workspace]\ninclude = [\"teams/web.toml\"]\n");
        CHECK(added("title = \"T\"", "a.toml") ==
              "title = \"T\"\n\n[workspace]\ninclude = [\"a.toml\"]\n");
        CHECK(added("title = \"T\"\r\n", "a.toml") ==
              "title = \"T\"\r\n\r\n[workspace]\r\ninclude = [\"a.toml\"]\r\n");
    }

    TEST_CASE("a one-line include list gets the new entry after its last one") {
        CHECK(added("[workspace]\ninclude = [\"teams/*.toml\"]  # teams\n", "people/ann.toml") ==
              "[workspace]\ninclude = [\"teams/*.toml\", \"people/ann.toml\"]  # teams\n");
    }

    TEST_CASE("a list of one entry per line gets a line of its own, indented alike") {
        CHECK(added("[workspace]\ninclude = [\n  \"teams/*.toml\",\n]\n", "people/ann.toml") ==
              "[workspace]\ninclude = [\n  \"teams/*.toml\",\n  \"people/ann.toml\",\n]\n");
        // Without a trailing comma, the old last entry gets one.
        CHECK(added("[workspace]\ninclude = [\n  \"teams/*.toml\"\n]\n", "b.toml") ==
              "[workspace]\ninclude = [\n  \"teams/*.toml\",\n  \"b.toml\"\n]\n");
    }

    TEST_CASE("an empty include list or a [workspace] without include is filled in") {
        CHECK(added("[workspace]\ninclude = []\n", "a.toml") ==
              "[workspace]\ninclude = [\"a.toml\"]\n");
        CHECK(added("title = \"T\"\n[workspace] # the files\n\n[[kpi]]\nid = \"k\"\ntitle = "
                    "\"K\"\nmin = 1\n",
                    "a.toml") == "title = \"T\"\n[workspace] # the files\ninclude = "
                                 "[\"a.toml\"]\n\n[[kpi]]\nid = \"k\"\ntitle = \"K\"\nmin = 1\n");
    }

    TEST_CASE("an invalid root is not edited") {
        CHECK_FALSE(io::add_include("title = \n", "okr.toml", "a.toml").ok());
    }

} // TEST_SUITE
