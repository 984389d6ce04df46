// Fuzz target: load. Any bytes as a goal file are parsed, validated, indexed, evaluated and
// linted; nothing may crash, hang or hit undefined behaviour (toml++ included: it is compiled
// in, patched, see third_party/tomlplusplus).
#include "okr/core/lint.hpp"
#include "okr/core/reference.hpp"
#include "okr/core/scoring.hpp"
#include "okr/io/parse.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    okr::io::ParsedFile parsed = okr::io::parse_goal_file(text, "fuzz/okr.toml");
    okr::Workspace workspace;
    workspace.files.push_back(std::move(parsed.file));
    (void)okr::check_workspace_cycles(workspace);
    const okr::WorkspaceIndex index(workspace);
    const auto as_of = okr::Date::from_ymd(2026, 11, 23);
    const okr::Evaluation evaluation = okr::evaluate(index, *as_of);
    (void)okr::lint(index, evaluation);
    return 0;
}
