#pragma once
// The command-line entry point.

#include "okr/util/lifetime.hpp"
#include "okr/util/process.hpp"

namespace okr::cli {

// Parses the command line, runs the command, hands the cache's writer off and prints the
// output; returns how the process is to end (util::end_process): the exit code (SPEC §6), or by
// SIGPIPE when standard output's reader quit. What the command loads lives in `kept`. Every
// child okr started has ended and every thread it started is done by then, but the cache's
// detached writer (which begins when the process ends). May be called again in one process.
util::Ending run(int argc, char** argv, util::Keeper& kept);

// The same with a Keeper of its own, destroyed before it returns (tests, the CLI fuzz target):
// the exit code, 128 + SIGPIPE for a reader that quit where SIGPIPE would end okr.
int run(int argc, char** argv);

} // namespace okr::cli
