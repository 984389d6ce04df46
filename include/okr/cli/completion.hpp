#pragma once
// What shell completion offers for the value of an option or a positional argument, declared
// where the option is added:
//
//     command.add_option("--kpi", opts->kpi, "...")->completes(Complete::kpis);
//
// `okr completion bash|zsh|fish` reads these declarations from the command tree; an option
// checked by CLI::IsMember (`one_of`) completes to its members without one. Every other option that
// takes a value declares what it completes, `Complete::nothing` included (completion_test checks).

#include <string>
#include <vector>

// CLI11 stays in the few files that build the command tree (command_line.cpp, app.cpp,
// completion.cpp, merge.cpp): they call completes(); commands call Option::completes.
namespace CLI {
class Validator;
}

namespace okr::cli {

enum class Complete {
    nothing,                    // free text or a number
    files,                      // paths
    commands,                   // okr's command names
    references,                 // any objective, key result or KPI of the workspace
    objectives,                 // objective references
    objectives_and_key_results, // objective or key result references
    key_results_and_kpis,       // what takes check-ins
    kpis,                       // KPI references
    cycles,                     // the workspace's cycles
    cycles_or_all,              // its cycles, or `all`
    owners,                     // the owners named in the workspace
    tags,                       // the tags used in the workspace
    dates,                      // `today`, `yesterday` (any YYYY-MM-DD is accepted too)
};

// A validator that accepts every value and tells the completion scripts what `what` is.
CLI::Validator completes(Complete what);

// The same for a fixed list of values that the command itself checks (with its own message).
CLI::Validator completes(std::vector<std::string> values);

} // namespace okr::cli
