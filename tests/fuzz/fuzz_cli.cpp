// Fuzz target: the CLI end to end, in process. The input is a goal file and a choice of
// command: the bytes before the first NUL are written to okr.toml in a private temporary
// folder, the byte after it picks a command line (reads in every format, writes with --force or
// --dry-run). Standard output goes to /dev/null. No file outside the temporary folder is written:
// the goal file is given with an absolute -f.
#include "okr/cli/app.hpp"
#include "okr/cli/commands.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

// Every report of the command table in every format (with a reference for those that need one;
// not `diff`, which runs git), then the other commands: checks and writes.
std::vector<std::vector<std::string>> command_lines() {
    std::vector<std::vector<std::string>> lines;
    for (const okr::cli::Command& c : okr::cli::command_table()) {
        if (c.kind != okr::cli::CommandKind::report || std::string_view(c.name) == "diff") continue;
        std::vector<std::string> command = {c.name};
        if (command[0] == "log" || command[0] == "explain") command.push_back("fit.run");
        for (const char* format : {"table", "json", "csv", "markdown", "html"}) {
            lines.push_back({"--format", format});
            lines.back().insert(lines.back().end(), command.begin(), command.end());
        }
    }
    const std::vector<std::vector<std::string>> others = {
        {"check"},
        {"check", "--format", "json"},
        {"checkin", "run", "5"},
        {"checkin", "sleep", "8", "--note", "\x1b[2J"},
        {"set", "fit", "title", "New title"},
        {"drop", "run"},
        {"add", "kr", "fit", "Swim", "--target", "5"},
        {"add", "objective", "Another one"},
        {"add", "kpi", "Steps", "--min", "8000"},
        {"checkin", "run", "5", "--dry-run"},
    };
    lines.insert(lines.end(), others.begin(), others.end());
    return lines;
}

const std::vector<std::vector<std::string>> k_commands = command_lines();

std::string g_dir;

// The working folder is left alone: libFuzzer writes its corpus and findings to paths given
// relative to it (a chdir here made every run exit 1 at its first new input, silently). Only
// standard output goes to /dev/null; standard error stays libFuzzer's and the sanitizers', so a
// finding is reported (`.ci/fuzz` passes -close_fd_mask=2 to silence okr's own messages, and
// libFuzzer then keeps a copy of stderr for its reports).
void setup() {
    if (!g_dir.empty()) return;
    char pattern[] = "/tmp/okr-fuzz-cli-XXXXXX";
    if (!::mkdtemp(pattern)) std::abort();
    g_dir = pattern;
    const int null = ::open("/dev/null", O_WRONLY);
    if (null < 0 || ::dup2(null, STDOUT_FILENO) < 0) std::abort();
    ::close(null);
    ::setenv("NO_COLOR", "1", 1);
    ::setenv("OKR_LOCK_TIMEOUT", "0", 1);
    ::setenv("COLUMNS", "100", 1);
    ::unsetenv("OKR_FILE");
    ::setenv("EDITOR", "false", 1);
    ::setenv("OKR_CACHE", "off", 1); // never the user's model cache (fuzz_cache fuzzes the cache)
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    setup();
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string_view text = input.substr(0, nul);
    const unsigned pick = nul != std::string_view::npos && nul + 1 < input.size()
                              ? static_cast<unsigned char>(input[nul + 1])
                              : static_cast<unsigned>(size);
    const std::string file = g_dir + "/okr.toml";
    if (FILE* f = std::fopen(file.c_str(), "wb")) {
        std::fwrite(text.data(), 1, text.size(), f);
        std::fclose(f);
    }
    std::vector<std::string> args = {"okr", "--as-of", "2026-11-23", "--no-pager", "-f", file};
    const auto& command = k_commands[pick % k_commands.size()];
    args.insert(args.end(), command.begin(), command.end());
    std::vector<char*> argv;
    for (std::string& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    (void)okr::cli::run(static_cast<int>(args.size()), argv.data());
    return 0;
}
