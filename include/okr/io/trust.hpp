#pragma once
// The trust store of KPI sources (SPEC §13): okr runs no command the user has not approved.
// Like direnv's `allow`, the user's data folder ($XDG_DATA_HOME/okr, else ~/.local/share/okr)
// keeps, per workspace root, a SHA-256 of each approved source: of the absolute path of the
// goal file it is in and of the command's exact text. A new, changed or moved source has
// another hash and is not trusted until `okr trust` approves it again.

#include "okr/io/safe_write.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace okr::io {

// The SHA-256 of `data`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

// The hash the store keeps for the source `command` of a KPI in the goal file `file` (an
// absolute path).
std::string source_hash(std::string_view file, std::string_view command);

// Approved source hashes, per workspace root (an absolute path).
struct TrustStore {
    std::map<std::string, std::set<std::string>> roots;

    bool trusts(const std::string& root, const std::string& hash) const;
};

// The store's file: `$XDG_DATA_HOME/okr/trust` (an absolute XDG_DATA_HOME only, as the XDG
// specification says), else `$HOME/.local/share/okr/trust`; empty when neither is usable.
std::string trust_store_path(const std::optional<std::string>& xdg_data_home,
                             const std::optional<std::string>& home);

// The store's text form, one `HASH ROOT` line per approved source after a version line, and
// back. Lines that are not of that form are ignored when reading (nothing is trusted by them).
std::string trust_store_text(const TrustStore& store);
TrustStore parse_trust_store(std::string_view text);

// Reads the store at `path`; a missing or unreadable file is an empty store (nothing trusted).
TrustStore read_trust_store(const std::string& path);

// Replaces the approved hashes of `root` with `hashes` (none: forgets the root), under the
// store's lock, and writes the store atomically (its folder created with mode 0700 as needed).
Result<void> update_trust_store(const std::string& path, const std::string& root,
                                const std::set<std::string>& hashes,
                                std::chrono::milliseconds lock_timeout);

} // namespace okr::io
