#pragma once
// Running the `git` program (SPEC §12): okr links no git library. Used by `okr diff` to read
// revisions, by `init --git` to set up the merge driver, and by `okr merge` for files that are
// not goal files.

#include <optional>
#include <string>
#include <vector>

namespace okr::io {

// What a program did: its exit status (-1 when it could not be started), and its output.
struct ProgramRun {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs `argv` (argv[0] looked up in PATH) in the folder `cwd`, stdin closed, and waits for it.
ProgramRun run_program(const std::vector<std::string>& argv, const std::string& cwd);

// The top folder of the git work tree that holds `dir`; nullopt outside a git repository (or
// when git cannot be run).
std::optional<std::string> git_toplevel(const std::string& dir);

} // namespace okr::io
