#include "okr/io/source.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace okr::io {
namespace {

// How much of standard error is kept for the report.
constexpr std::size_t k_max_errors = 2048;

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// In the child: tells the parent why exec was not reached, and ends.
[[noreturn]] void child_fail(int status, int code) {
    const int e = errno;
    (void)!::write(status, &e, sizeof e);
    _exit(code);
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(const char* command, const char* folder, int out, int err,
                             int status) {
    ::setpgid(0, 0);
    // Default dispositions and an empty mask: the parent's handlers (lock clean-up) and an
    // ignored SIGPIPE must not reach the source.
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT})
        ::signal(s, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::chdir(folder) != 0) child_fail(status, 126);
    const int in = ::open("/dev/null", O_RDONLY);
    if (in < 0) child_fail(status, 126);
    if (::dup2(in, STDIN_FILENO) < 0 || ::dup2(out, STDOUT_FILENO) < 0 ||
        ::dup2(err, STDERR_FILENO) < 0)
        child_fail(status, 126);
    // No other descriptor of okr (a lock, a goal file) reaches the source.
    const long max_fd = ::sysconf(_SC_OPEN_MAX);
    for (int fd = 3; fd < (max_fd > 0 && max_fd < 65536 ? max_fd : 1024); ++fd)
        if (fd != status) ::close(fd);
    ::execl("/bin/sh", "sh", "-c", command, static_cast<char*>(nullptr));
    child_fail(status, 127);
}

} // namespace

SourceRun run_source(const std::string& command, const std::string& folder,
                     std::chrono::milliseconds timeout, std::size_t max_output) {
    SourceRun run;
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, status_pipe[2] = {-1, -1};
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
        ::pipe2(status_pipe, O_CLOEXEC) != 0) {
        run.outcome = SourceRun::Outcome::not_started;
        run.detail = std::strerror(errno);
        for (int* p : {out_pipe, err_pipe, status_pipe}) {
            close_fd(p[0]);
            close_fd(p[1]);
        }
        return run;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const pid_t pid = ::fork();
    if (pid < 0) {
        run.outcome = SourceRun::Outcome::not_started;
        run.detail = std::strerror(errno);
        for (int* p : {out_pipe, err_pipe, status_pipe}) {
            close_fd(p[0]);
            close_fd(p[1]);
        }
        return run;
    }
    if (pid == 0)
        exec_child(command.c_str(), folder.c_str(), out_pipe[1], err_pipe[1], status_pipe[1]);
    ::setpgid(pid, pid); // also here, so that the group exists before any kill below
    close_fd(out_pipe[1]);
    close_fd(err_pipe[1]);
    close_fd(status_pipe[1]);

    // Did the child reach exec? The status pipe closes on exec, or carries errno.
    int child_errno = 0;
    ssize_t got = 0;
    do
        got = ::read(status_pipe[0], &child_errno, sizeof child_errno);
    while (got < 0 && errno == EINTR);
    close_fd(status_pipe[0]);
    const bool started = got != static_cast<ssize_t>(sizeof child_errno);

    int fds[2] = {out_pipe[0], err_pipe[0]};
    bool timed_out = false, too_much = false;
    auto remaining_ms = [&] {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        return left.count() < 0 ? 0 : left.count();
    };
    while (started && (fds[0] >= 0 || fds[1] >= 0)) {
        pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
        const long long wait = remaining_ms();
        if (wait == 0) {
            timed_out = true;
            break;
        }
        const int n = ::poll(p, 2, static_cast<int>(std::min<long long>(wait, 1000)));
        if (n < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i] < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buffer[4096];
            const ssize_t r = ::read(fds[i], buffer, sizeof buffer);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) {
                close_fd(fds[i]);
                continue;
            }
            std::string& into = i == 0 ? run.output : run.errors;
            const std::size_t bound = i == 0 ? max_output : k_max_errors;
            const std::size_t room = into.size() < bound ? bound - into.size() : 0;
            into.append(buffer, std::min(room, static_cast<std::size_t>(r)));
            if (i == 0 && static_cast<std::size_t>(r) > room) too_much = true;
        }
        if (too_much) break;
    }
    close_fd(fds[0]);
    close_fd(fds[1]);

    // The pipes are closed: wait for the shell, still within the deadline.
    int status = 0;
    bool reaped = false;
    while (!timed_out && !too_much) {
        const pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR)) {
            reaped = w == pid;
            break;
        }
        if (remaining_ms() == 0) {
            timed_out = true;
            break;
        }
        ::usleep(2000);
    }
    if (!reaped) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (!started) {
        run.outcome = SourceRun::Outcome::not_started;
        run.detail = std::strerror(child_errno);
    } else if (too_much) {
        run.outcome = SourceRun::Outcome::too_much_output;
    } else if (timed_out) {
        run.outcome = SourceRun::Outcome::timed_out;
    } else if (WIFSIGNALED(status)) {
        run.outcome = SourceRun::Outcome::signalled;
        run.signal = WTERMSIG(status);
    } else {
        run.outcome = SourceRun::Outcome::exited;
        run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    }
    return run;
}

} // namespace okr::io
