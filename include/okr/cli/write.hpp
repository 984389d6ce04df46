#pragma once
// What the write commands (init, add, checkin, set, drop, edit, mv, rm) share: reading their
// arguments, resolving the item to change, and the locked read-edit-verify-write cycle of SPEC §8.

#include "okr/cli/command_line.hpp"
#include "okr/cli/session.hpp"
#include "okr/core/referrers.hpp"
#include "okr/core/schema.hpp"
#include "okr/io/edit.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okr::cli {

// Adds `--dry-run` (print the unified diff, write nothing) to a write command.
void add_dry_run_flag(CommandLine& command, bool& dry_run);

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

// Changes the file at `path`: takes its lock (waiting as long as the session's environment says),
// reads its current text, applies `edit` to that text (so a change made meanwhile is kept), and
// writes the verified result atomically. With `dry_run`, appends the unified diff to `out` instead
// and writes nothing. Returns the new text. CommandError: io (lock, read, write), usage (the change
// would make the file invalid or the layout cannot be edited), invalid (the file is invalid now).
std::string write_edit(const Session& session, const std::string& path, bool dry_run,
                       std::string& out,
                       const std::function<Result<io::Edit>(std::string_view text)>& edit);

// A check-in as given on the command line or in a row of `okr import`, not yet checked.
struct CheckinRequest {
    std::string ref;
    std::string value;      // a number (with the item's unit), or `done` for a milestone
    std::string date;       // empty: today
    std::string confidence; // empty: none
    std::string note;
};

// What messages call the parts of a request: the command's arguments, or an import's columns.
struct CheckinFields {
    std::string_view value = "VALUE";
    std::string_view date = "--date";
    std::string_view confidence = "--confidence";
};

// A check-in that passed the rules of `okr checkin`, and the item it goes to.
struct CheckedCheckin {
    WriteTarget target;
    Checkin checkin;
};

// Checks a check-in against the rules every writer of check-ins shares (`checkin`, `import`,
// `pull`): the reference names a KR or KPI (not an objective, not a KR fed by a KPI), the value
// suits the item (a number in its unit, `done` for a milestone), the date and confidence parse.
// `today` is the as-of date. CommandError(usage) saying why.
CheckedCheckin check_checkin(const WorkspaceIndex& index, const CheckinRequest& request, Date today,
                             const CheckinFields& fields = {});

// The value a check-in records: a number in `unit`, or `done` (1) for a milestone.
double checkin_value(std::string_view what, const std::string& text, bool milestone,
                     const std::string& ref, std::string_view unit);

// One file that a command changes, and how: `edit` gets the file's current text.
struct FileEdit {
    std::string path;
    std::function<Result<io::Edit>(std::string_view text)> edit;
};

// Changes several files as one write (SPEC §8): takes their locks in path order (so that two
// writers cannot deadlock), reads and edits every file, and only when every edit succeeded
// writes each file atomically. With `dry_run`, appends their unified diffs to `out` and writes
// nothing. Returns the new texts, in the order of `edits`. CommandError as for `write_edit`.
std::vector<std::string> write_edits(const Session& session, const std::vector<FileEdit>& edits,
                                     bool dry_run, std::string& out);

// One item a write command changed, for `--format json` (SPEC §6).
struct Written {
    // add, checkin, set, drop, edit, init, close, carry, mv, rm, merge (import, pull: checkin)
    std::string action;
    std::string path;       // the goal file
    std::uint32_t line = 0; // the new check-in's line, else the item's `[[...]]` header line
    std::string ref;        // the item's reference; empty for a whole file (init, edit)
    std::vector<std::pair<std::string, io::Value>> values; // the new values, by key
};

// The values a check-in writes: date, value, then confidence and note where given.
std::vector<std::pair<std::string, io::Value>> checkin_values(const Checkin& checkin);

// The line of `item`'s `[[...]]` header in `text`, or with `key` of that key of it (0 when it
// is not there).
std::uint32_t line_of(std::string_view text, const std::string& path, const io::ItemId& item,
                      std::string_view key = {});

// Ends a write command's output. With `--format json`: one document, `schema_version`,
// `dry_run`, `written` [{action file line ref values}], `files` (the files changed), and with
// `--dry-run` the unified `diff` that `out` holds so far (it replaces it). Otherwise `text` is
// appended (unless -q or a dry run).
void finish_write(const Session& session, bool dry_run, const std::vector<Written>& written,
                  const std::string& text, std::string& out);

// Records check-ins that passed `check_checkin`: one edit per goal file holding every check-in
// for that file, all files changed as one write (`write_edits`). Returns one `Written` per
// check-in, in the order given, with its line in the new text (also in a dry run).
// `new_texts`, when given, receives each changed file's new text by path. Lines are found only
// for `--format json` (they cost a parse of each file); 0 otherwise.
std::vector<Written> record_checkins(const Session& session, const WorkspaceIndex& index,
                                     const std::vector<CheckedCheckin>& checkins, bool dry_run,
                                     std::string& out,
                                     std::map<std::string, std::string>* new_texts = nullptr);
// Refuses, with CommandError(usage) and a hint that names --force, a check-in dated `date`
// that `okr check` would flag as one that does not count (SPEC §8): after `as_of`, after the
// end of its KR's cycle, on a dropped item (from the day it was dropped) or after the day its
// objective was closed (with that `closed` key, positioned, in the error's details).
void refuse_uncounted(const WorkspaceIndex& index, const WriteTarget& target, Date date,
                      Date as_of);
// Refuses a change to what the frozen grade of a closed objective is made of (SPEC §10): `key`
// of the target when the schema says it makes a grade (`Traits::grade`), or, with no key, any
// change. `change` says what the command would do ("setting target", "dropping it"). Nothing
// when the objective is open.
void refuse_frozen(const WorkspaceIndex& index, const WriteTarget& target, std::string_view change,
                   const schema::Key* key = nullptr);
// The lint findings (SPEC §7) that replacing file `file` of `goals` by `text` brings in, as of
// `as_of`: those of the new workspace that the loaded one did not have. Empty when `text` does
// not parse.
Diagnostics new_findings(const LoadedGoals& goals, std::size_t file, std::string_view text,
                         Date as_of);
// Prints those findings on stderr, as `okr check` does (SPEC §8: a write is honest), but for
// those `premature` says the change leaves for `check` to make; -q silences.
void warn_new_findings(const Session& session, const LoadedGoals& goals, std::size_t file,
                       const std::string& text,
                       const std::function<bool(const Diagnostic&)>& premature = {});

// Replaces file `file` of `goals` with the model of `text` and re-evaluates as of `as_of`, so
// that a command can report on the item it just changed.
void reload_file(LoadedGoals& goals, std::size_t file, std::string_view text, Date as_of);

// Command-line values, checked; CommandError(usage) naming `what` and what was expected.
double parse_number_arg(std::string_view what, std::string_view text);
// A measured value: a number with `_` digit separators allowed, optionally followed by `unit`
// (`58 bpm`, `2.7s`, `70%`); another unit is refused, naming `unit`.
double parse_measure_arg(std::string_view what, std::string_view text, std::string_view unit);
// A number that may carry `unit`, the item's own unit (`58 bpm`, `2.7s`, `70%`, case aside), and
// `_` between digits (1_200). Another unit is a usage error naming the expected one. Without
// `unit` (nullopt), a number alone.
double parse_quantity_arg(std::string_view what, std::string_view text,
                          std::optional<std::string_view> unit);
// A fraction from 0 to 1, written `0.7` or `70%`.
double parse_fraction_arg(std::string_view what, std::string_view text);

// A short lowercase id made from a title ("Launch two new products" -> "launch-two-new"),
// made unique with `-2`, `-3`... where `taken` says an id is in use; `fallback` when the title
// has no usable letters.
std::string make_id(std::string_view title, std::string_view fallback,
                    const std::function<bool(const std::string&)>& taken);

// How long a writer waits for another's lock: OKR_LOCK_TIMEOUT seconds, else 10 s.
std::chrono::milliseconds lock_timeout(const Environment& env);

// The references in the workspace to the objective or KPI of `target` (none for a KR).
std::vector<Referrer> referrers_of_target(const WorkspaceIndex& index, const WriteTarget& target);
// `FILE:LINE:COL: REF KEY = "TEXT"`, for listing referrers.
std::string describe_referrer(const WorkspaceIndex& index, const Referrer& referrer);

// What `init --git` changed: one item per file (.gitattributes, the repository's config), and
// the lines that say so.
struct GitSetup {
    std::vector<Written> written;
    std::string text;
};

// `init --git`: adds the workspace's file patterns with `merge=okr` to the work tree's
// .gitattributes and sets merge.okr.driver in the repository's config, where missing. With
// `dry_run`, changes nothing and appends the diff of .gitattributes (and, unless --format json,
// the config it would set) to `out`. `created` is the file init just made, used where no
// workspace is found. CommandError(usage) outside a git repository.
GitSetup set_up_git_merge(const Session& session, bool dry_run, std::string& out,
                          const std::string& created = {});
// What set_up_git_merge checks before it writes, for `init PATH` to check before it creates
// PATH: a git work tree, and .gitattributes lines git can read for every pattern of the
// workspace and for `created` (a control character in a pattern is refused, SPEC §12);
// otherwise CommandError(usage), and nothing is to be written.
void check_git_patterns(const Session& session, const std::string& created);
// Whether the work tree that holds the working folder was set up with `init --git`: its
// .gitattributes names the okr merge driver.
bool git_merge_set_up(const Session& session);

} // namespace okr::cli
