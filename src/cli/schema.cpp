#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/report/json_schema.hpp"

#include <fmt/format.h>

namespace okr::cli {

// `okr schema`: the JSON Schema of goal files; reads no workspace.
Runner setup_schema(CommandLine& /*command*/) {
    return [](const Session& session, std::string& out) {
        const std::string& format = session.options().format;
        if (format != "table" && format != "json")
            throw CommandError(ExitCode::usage,
                               fmt::format("schema prints a JSON Schema, not {}", format),
                               "run `okr schema > okr.schema.json`");
        out += report::json_schema();
        return ExitCode::ok;
    };
}

} // namespace okr::cli
