#pragma once
// Running a KPI's `source` command (SPEC §13), for `okr pull` only: through /bin/sh -c, in a
// given folder, with standard input on /dev/null, in a process group of its own that is killed
// when the timeout passes, reading at most a bounded amount of output.

#include <chrono>
#include <cstddef>
#include <string>

namespace okr::io {

struct SourceRun {
    enum class Outcome {
        exited,          // the shell ended by itself; `exit_code` says how
        not_started,     // the shell could not start (no folder, say); `detail` says why
        signalled,       // ended by signal `signal`
        timed_out,       // still running at the timeout: its process group was killed
        too_much_output, // printed more than the bound: its process group was killed
    };
    Outcome outcome = Outcome::exited;
    int exit_code = 0;
    int signal = 0;
    std::string output; // standard output, at most the bound
    std::string errors; // the start of standard error, for the report
    std::string detail;
};

// Runs `command` with /bin/sh -c in `folder`, stdin closed (/dev/null), until it ends or
// `timeout` passes. Output beyond `max_output` bytes ends the run (its process group killed).
SourceRun run_source(const std::string& command, const std::string& folder,
                     std::chrono::milliseconds timeout, std::size_t max_output = 4096);

} // namespace okr::io
