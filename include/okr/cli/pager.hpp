#pragma once
// Long output on a terminal goes through the user's pager (SPEC §6).

#include <optional>
#include <string>
#include <string_view>

namespace okr::cli {

// The pager command: OKR_PAGER, else PAGER, else `less -FRX`. Empty, meaning no pager, with
// --no-pager, when standard output is not a terminal, or when the variable that decides is
// set to "" or "cat".
std::string pager_command(bool no_pager, bool stdout_is_terminal,
                          const std::optional<std::string>& okr_pager,
                          const std::optional<std::string>& pager);

// Writes `text` to standard output: through `command` (run by /bin/sh, with LESS=FRX and LV=-c
// unless they are set) when the command is not empty and `text` has more lines than the
// terminal has rows, else directly. A pager that cannot be started leaves the text on
// standard output; quitting the pager early is not an error. False when standard output
// cannot be written (errno says why: EPIPE for a reader that quit, ENOSPC for a full disk).
bool write_paged(std::string_view text, const std::string& command);

} // namespace okr::cli
