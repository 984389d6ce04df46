#include "okr/cli/pager.hpp"

#include "okr/io/safe_write.hpp"
#include "okr/util/process.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace okr::cli {
namespace {

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
    // No pager (output to a pipe or a file): no look at the lines.
    const auto fits = [&] {
        const std::size_t rows = terminal_rows();
        return rows > 0 &&
               static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) < rows;
    };
    int fds[2];
    if (command.empty() || fits() || ::pipe2(fds, O_CLOEXEC) != 0) {
        io::widen_stdout_pipe(text.size());
        return io::write_all(STDOUT_FILENO, text);
    }
    // LESS=FRX and LV=-c unless they are set, as git does.
    util::ChildSpec spec;
    spec.argv = {"/bin/sh", "-c", command};
    spec.env_defaults = {"LESS=FRX", "LV=-c"};
    spec.in = fds[0];
    const util::Child child = util::spawn(spec);
    ::close(fds[0]);
    if (!child.started()) {
        ::close(fds[1]);
        return io::write_all(STDOUT_FILENO, text);
    }
    // A pager that quits before reading everything closes the pipe (EPIPE, util::hold_sigpipe):
    // that is the user's choice.
    io::write_all(fds[1], text);
    ::close(fds[1]);
    const int status = util::exit_status(util::wait_for(child));
    // The shell could not run the pager (127: not found, 126: not executable).
    const bool not_run = status == 127 || status == 126;
    return !not_run || io::write_all(STDOUT_FILENO, text);
}

} // namespace okr::cli
