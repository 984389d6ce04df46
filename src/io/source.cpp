#include "okr/io/source.hpp"

#include "okr/util/process.hpp"

#include <algorithm>
#include <cerrno>
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

} // namespace

SourceRun run_source(const std::string& command, const std::string& folder,
                     std::chrono::milliseconds timeout, std::size_t max_output) {
    SourceRun run;
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    auto not_started = [&](int error) {
        run.outcome = SourceRun::Outcome::not_started;
        run.detail = std::strerror(error);
        for (int* p : {out_pipe, err_pipe}) {
            close_fd(p[0]);
            close_fd(p[1]);
        }
        return run;
    };
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
        return not_started(errno);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // In a process group of its own, so that what the shell starts is killed with it.
    util::ChildSpec spec;
    spec.argv = {"/bin/sh", "-c", command};
    spec.folder = folder;
    spec.in = util::k_null;
    spec.out = out_pipe[1];
    spec.err = err_pipe[1];
    spec.own_group = true;
    const util::Child child = util::spawn(spec);
    if (!child.started()) return not_started(child.error);
    close_fd(out_pipe[1]);
    close_fd(err_pipe[1]);

    // The source ends when the shell does: its process group is killed then (and at the
    // timeout), so nothing it started in the background outlives it, even while holding the pipes.
    int fds[2] = {out_pipe[0], err_pipe[0]};
    int end_watch = util::open_end_watch(child);
    bool ended = false, timed_out = false, too_much = false;
    auto remaining_ms = [&] {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        return left.count() < 0 ? 0 : left.count();
    };
    // Reads what the pipes that poll found ready hold; false once the output is over its bound.
    auto read_ready = [&](const pollfd* p) {
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
            if (i == 0 && static_cast<std::size_t>(r) > room) return false;
        }
        return true;
    };
    while (!too_much) {
        if (util::has_ended(child)) {
            ended = true;
            break;
        }
        const long long wait = remaining_ms();
        if (wait == 0) {
            timed_out = true;
            break;
        }
        pollfd p[3] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}, {end_watch, POLLIN, 0}};
        const long long step = end_watch >= 0 ? 1000 : 10;
        const int n = ::poll(p, 3, static_cast<int>(std::min(wait, step)));
        if (n < 0 && errno != EINTR) break;
        if (n > 0) too_much = !read_ready(p);
    }
    close_fd(end_watch);
    const int status = util::kill_group(child);
    // What the shell and its children wrote before they ended is still in the pipes.
    while (ended && !too_much && (fds[0] >= 0 || fds[1] >= 0)) {
        pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
        if (::poll(p, 2, 0) <= 0) break;
        too_much = !read_ready(p);
    }
    close_fd(fds[0]);
    close_fd(fds[1]);
    if (too_much) {
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
