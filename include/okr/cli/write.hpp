#pragma once
// What the write commands (init, add, checkin, set, drop, edit) share: reading their arguments,
// resolving the item to change, and the locked read-edit-verify-write cycle of SPEC §8.

#include "okr/cli/session.hpp"
#include "okr/io/edit.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace okr::cli {

// Adds `--dry-run` (print the unified diff, write nothing) to a write command.
void add_dry_run_flag(CLI::App& command, bool& dry_run);

// An item of the loaded workspace that a write command changes.
struct WriteTarget {
    std::size_t file = 0; // index into the workspace's files
    io::ItemId item;
    std::string ref; // the item's reference as reports print it
};

// Which kinds of item a reference may name.
struct RefKinds {
    bool objective = false;
    bool kr = false;
    bool kpi = false;
};

// Resolves a reference typed on the command line (a bare KR id too, when unique) to one item of
// the allowed kinds. CommandError(usage) when it is unknown (with "did you mean") or ambiguous
// (with the candidates).
WriteTarget resolve_target(const WorkspaceIndex& index, std::string_view ref, RefKinds kinds);

// The item of `target` in the model.
const Objective* objective_of(const WorkspaceIndex& index, const WriteTarget& target);
const KeyResult* kr_of(const WorkspaceIndex& index, const WriteTarget& target);
const Kpi* kpi_of(const WorkspaceIndex& index, const WriteTarget& target);

// Changes the file at `path`: takes its lock, reads its current text, applies `edit` to that
// text (so a change made meanwhile is kept), and writes the verified result atomically. With
// `dry_run`, appends the unified diff to `out` instead and writes nothing. Returns the new text.
// CommandError: io (lock, read, write), usage (the change would make the file invalid or the
// layout cannot be edited), invalid (the file is invalid now).
std::string write_edit(const std::string& path, bool dry_run, std::string& out,
                       const std::function<Result<io::Edit>(std::string_view text)>& edit);

// Replaces file `file` of `goals` with the model of `text` and re-evaluates as of `as_of`, so
// that a command can report on the item it just changed.
void reload_file(LoadedGoals& goals, std::size_t file, std::string_view text, Date as_of);

// Command-line values, checked; CommandError(usage) naming `what` and what was expected.
double parse_number_arg(std::string_view what, std::string_view text);
// A fraction from 0 to 1, written `0.7` or `70%`.
double parse_fraction_arg(std::string_view what, std::string_view text);
Date parse_date_arg(std::string_view what, std::string_view text, Date today);

// A short lowercase id made from a title ("Launch two new products" -> "launch-two-new"),
// made unique with `-2`, `-3`... where `taken` says an id is in use; `fallback` when the title
// has no usable letters.
std::string make_id(std::string_view title, std::string_view fallback,
                    const std::function<bool(const std::string&)>& taken);

// How long a writer waits for another's lock: OKR_LOCK_TIMEOUT seconds, else 10 s.
std::chrono::milliseconds lock_timeout();

} // namespace okr::cli
