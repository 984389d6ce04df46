#pragma once
// The trust store of KPI sources (SPEC §13): okr runs no command the user has not approved.
// Like direnv's `allow`, the user's data folder ($XDG_DATA_HOME/okr, else ~/.local/share/okr)
// keeps, per workspace root, each approved source: a SHA-256 of the absolute path of the goal
// file it is in and of the command's exact text, with a SHA-256 of the bytes of every file
// inside the workspace that the command names (its script, its arguments). A new, changed or
// moved source, or a changed file it names, is not trusted until `okr trust` approves it again.
// The store is believed only when no one but the user could have written it (as ssh treats its
// keys).

#include "okr/io/safe_write.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace okr::io {

// The SHA-256 of `data`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

// The hash the store keeps for the source `command` of a KPI in the goal file `file` (an
// absolute path).
std::string source_hash(std::string_view file, std::string_view command);

// The words of a shell command, best effort, as `sh` would split them without expanding
// anything: quotes and backslashes undone, `;`, `&`, `|`, `(`, `)`, `<`, `>` and backquotes
// between words, comments dropped; the target of an output redirection (`> FILE`, `2>>FILE`) is
// left out, as it is written, not run or read. A word that holds such text again (the script of `sh
// -c '...'`) is followed by its own words, and a word `NAME=VALUE` (`--out=FILE`) by VALUE.
std::vector<std::string> command_words(std::string_view command);

// The files a source covers: path (relative to the workspace root) to the SHA-256 of its bytes.
using CoveredFiles = std::map<std::string, std::string>;

// The files of `root` (an absolute, resolved folder) that `command` names: each word of
// command_words that, taken from `folder` (where the source runs), is an existing regular file
// inside `root` once links are resolved, with its bytes' hash. A word naming a link inside the
// root that leads out of it covers where it points (its target's path), not the bytes there.
// Words naming anything else (a program found on PATH, a file outside the root, a folder) cover
// nothing.
CoveredFiles covered_files(std::string_view command, const std::string& folder,
                           const std::string& root);

// How a source stands against the store.
struct TrustCheck {
    enum class Verdict {
        trusted,      // approved with exactly these files
        new_source,   // never approved (or its command or goal file changed)
        files_differ, // approved, but a file it names changed, appeared or went
        old_approval, // approved by an okr that hashed the command only: approve it again
    };
    Verdict verdict = Verdict::new_source;
    // For files_differ: each file that differs, with "changed", "new" or "gone".
    std::vector<std::pair<std::string, std::string>> files;
};

// Approved sources, per workspace root (an absolute path): each source's hash (source_hash) with
// the files approved with it; and the string-only hashes that okr kept before it hashed files,
// which trust nothing.
struct TrustStore {
    std::map<std::string, std::map<std::string, CoveredFiles>> roots;
    std::map<std::string, std::set<std::string>> old_roots;

    TrustCheck check(const std::string& root, const std::string& hash,
                     const CoveredFiles& files) const;
};

// The store's file: `$XDG_DATA_HOME/okr/trust` (an absolute XDG_DATA_HOME only, as the XDG
// specification says), else `$HOME/.local/share/okr/trust`; empty when neither is usable.
std::string trust_store_path(const std::optional<std::string>& xdg_data_home,
                             const std::optional<std::string>& home);

// The store's text form after a version line: `source HASH ROOT` per approved source and
// `file HASH DIGEST PATH ROOT` per file it covers (paths with `%`, spaces and control characters
// as %XX); the old form's `HASH ROOT` lines are kept as they are. Lines of no such form are
// ignored when reading (nothing is trusted by them).
std::string trust_store_text(const TrustStore& store);
TrustStore parse_trust_store(std::string_view text);

// Reads the store at `path`; a missing or unreadable file is an empty store (nothing trusted).
TrustStore read_trust_store(const std::string& path);

// Whether the store at `path` (`DATA/okr/trust`) can be believed: the file, its folder and the
// data folder DATA, those that exist, are owned by the user `uid` and writable by no one else
// (links followed). Otherwise a failure naming each that is not, with the chmod or chown that
// fixes it.
Result<void> check_trust_store_owner(const std::string& path, unsigned uid);

// Replaces the approved sources of `root` with `sources` (none: forgets the root), under the
// store's lock, and writes the store atomically (its folder created with mode 0700 as needed).
Result<void> update_trust_store(const std::string& path, const std::string& root,
                                const std::map<std::string, CoveredFiles>& sources,
                                std::chrono::milliseconds lock_timeout);

} // namespace okr::io
