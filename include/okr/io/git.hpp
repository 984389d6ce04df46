#pragma once
// Running the `git` program (SPEC §12): okr links no git library. Used by `okr diff` to read
// revisions, by `init --git` to set up the merge driver, and by `okr merge` for files that are
// not goal files.

#include "okr/io/workspace.hpp"

#include <filesystem>
#include <map>
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

// Runs `argv` (argv[0] looked up in PATH) in the folder `cwd` (empty: this one), with `input`
// on its stdin (else stdin closed), and waits for it.
ProgramRun run_program(const std::vector<std::string>& argv, const std::string& cwd,
                       const std::string* input = nullptr);

// The line merge of three texts by `git merge-file --diff3 -p` (okr merge's base, SPEC §12),
// with markers of `marker_size` characters: the texts go to temporary files of a private folder
// under TMPDIR, removed before it returns. Fails (Kind::io) when git cannot be run or fails.
Result<std::string> git_merge_file(std::string_view base, std::string_view ours,
                                   std::string_view theirs, std::size_t marker_size);

// The top folder of the git work tree that holds `dir`; nullopt outside a git repository (or
// when git cannot be run).
std::optional<std::string> git_toplevel(const std::string& dir);

// The goal files of one git revision, read through the `git` program: every `*.toml` file of
// the revision's tree is listed and read at once (`git ls-tree -z`, then `git cat-file --batch`
// by object id, so that any file name is read).
// Paths are taken relative to `cwd`, as on disk.
class GitRevision : public FileSource {
  public:
    // Fails with Failure::Kind::not_found when the revision does not exist (git's words in
    // the message), with io when git cannot read its objects.
    static Result<GitRevision> open(const std::string& toplevel, const std::string& cwd,
                                    const std::string& rev);

    Result<std::string> read(const std::string& path) const override;
    std::vector<std::string> glob(const std::string& base, const std::string& pattern,
                                  const std::string& root = {},
                                  std::vector<std::string>* outside = nullptr) const override;
    // Absolute and lexically normal: a revision's tree has no links to follow.
    std::string resolve(const std::string& path) const override;
    std::string identity(const std::string& path) const override;

    // True when `path` is a file of the revision (root files that do not exist there are
    // skipped, so that a whole workspace added since then shows as added).
    bool has(const std::string& path) const;
    // Every `*.toml` file of the revision below the folder `dir`, as paths like the disk's.
    std::vector<std::string> toml_files_below(const std::string& dir) const;

  private:
    // The path inside the repository, or empty when it is outside.
    std::string in_repo(const std::string& path) const;

    std::filesystem::path m_top;
    std::filesystem::path m_cwd;
    std::map<std::string, std::string> m_files; // repository path -> text
};

} // namespace okr::io
