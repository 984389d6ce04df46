#include "okr/io/source.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace okr::io;
using namespace std::chrono_literals;

TEST_SUITE("okr::source") {

    TEST_CASE("a source runs in the given folder and its output is read") {
        const SourceRun run = run_source("pwd; echo oops >&2", "/tmp", 5s);
        CHECK(run.outcome == SourceRun::Outcome::exited);
        CHECK(run.exit_code == 0);
        CHECK(run.output == "/tmp\n");
        CHECK(run.errors == "oops\n");
    }

    TEST_CASE("standard input is closed: a source that reads it gets end of file at once") {
        const SourceRun run = run_source("cat; echo read-done", "/", 5s);
        CHECK(run.outcome == SourceRun::Outcome::exited);
        CHECK(run.output == "read-done\n");
    }

    TEST_CASE("a source that hangs is stopped at the timeout, with its children") {
        const auto start = std::chrono::steady_clock::now();
        const SourceRun run = run_source("sleep 30 & sleep 30; echo never", "/", 300ms);
        CHECK(run.outcome == SourceRun::Outcome::timed_out);
        CHECK(std::chrono::steady_clock::now() - start < 5s);
        CHECK(run.output.empty());
    }

    TEST_CASE("an exit code other than 0 is reported with it") {
        const SourceRun run = run_source("echo 12; echo broken >&2; exit 3", "/", 5s);
        CHECK(run.outcome == SourceRun::Outcome::exited);
        CHECK(run.exit_code == 3);
        CHECK(run.errors == "broken\n");
    }

    TEST_CASE("megabytes of output end the run at the bound, without waiting for the end") {
        const auto start = std::chrono::steady_clock::now();
        const SourceRun run = run_source("yes 1234567890", "/", 10s, 4096);
        CHECK(run.outcome == SourceRun::Outcome::too_much_output);
        CHECK(run.output.size() == 4096);
        CHECK(std::chrono::steady_clock::now() - start < 5s);
    }

    TEST_CASE("a folder that does not exist means the source never starts") {
        const SourceRun run = run_source("echo 1", "/no/such/folder", 5s);
        CHECK(run.outcome == SourceRun::Outcome::not_started);
        CHECK(run.detail == "No such file or directory");
    }
}
