#pragma once
// The shell completion script templates (src/cli/completion/*.in), embedded at build time by
// src/CMakeLists.txt. `okr completion` fills in the command tables where a line says
// `# @OKR_TABLES@` and the shared word walk (walk.sh.in) where one says `# @OKR_WALK@`.

#include <string_view>

namespace okr::cli::completion_scripts {

extern const std::string_view k_bash;
extern const std::string_view k_zsh;
extern const std::string_view k_fish;
extern const std::string_view k_walk;

} // namespace okr::cli::completion_scripts
