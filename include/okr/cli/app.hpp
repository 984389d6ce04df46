#pragma once
// The command-line entry point.

namespace okr::cli {

// Parses the command line, runs the command, prints its output; returns the exit code (§6).
int run(int argc, char** argv);

} // namespace okr::cli
