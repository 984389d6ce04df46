#include "okr/cli/pager.hpp"

#include "okr/io/safe_write.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace okr::cli {
namespace {

// The pager's environment: okr's, with LESS=FRX and LV=-c where they are not set. Made before
// the fork, for the child to call nothing but exec (okr's kept threads may hold a lock that an
// allocation in the child would wait for).
std::vector<char*> pager_environment() {
    static char less[] = "LESS=FRX";
    static char lv[] = "LV=-c";
    std::vector<char*> env;
    for (char** e = environ; e && *e; ++e)
        env.push_back(*e);
    if (!std::getenv("LESS")) env.push_back(less);
    if (!std::getenv("LV")) env.push_back(lv);
    env.push_back(nullptr);
    return env;
}

// Rows of the terminal on standard output; 0 when unknown.
std::size_t terminal_rows() {
    struct winsize ws {};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) return ws.ws_row;
    return 0;
}

} // namespace

std::string pager_command(bool no_pager, bool stdout_is_terminal,
                          const std::optional<std::string>& okr_pager,
                          const std::optional<std::string>& pager) {
    if (no_pager || !stdout_is_terminal) return {};
    const std::string command = okr_pager ? *okr_pager : pager ? *pager : "less -FRX";
    if (command.find_first_not_of(" \t") == std::string::npos || command == "cat") return {};
    return command;
}

bool write_paged(std::string_view text, const std::string& command) {
    if (std::fflush(stdout) != 0) return false;
    const std::size_t rows = terminal_rows();
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    int fds[2];
    if (command.empty() || (rows > 0 && lines < rows) || ::pipe(fds) != 0) {
        io::widen_stdout_pipe(text.size());
        return io::write_all(STDOUT_FILENO, text);
    }
    std::vector<char*> env = pager_environment();
    static char sh[] = "sh";
    static char dash_c[] = "-c";
    std::string line = command;
    char* argv[] = {sh, dash_c, line.data(), nullptr};
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return io::write_all(STDOUT_FILENO, text);
    }
    if (pid == 0) {
        ::dup2(fds[0], STDIN_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        ::execve("/bin/sh", argv, env.data());
        ::_exit(127);
    }
    ::close(fds[0]);
    // A pager that quits before reading everything closes the pipe: that is the user's choice.
    struct sigaction ignore {
    }, previous{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &previous);
    io::write_all(fds[1], text);
    ::close(fds[1]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ::sigaction(SIGPIPE, &previous, nullptr);
    // The shell could not run the pager (127: not found, 126: not executable).
    const bool not_run =
        WIFEXITED(status) && (WEXITSTATUS(status) == 127 || WEXITSTATUS(status) == 126);
    return !not_run || io::write_all(STDOUT_FILENO, text);
}

} // namespace okr::cli
