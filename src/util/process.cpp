#include "okr/util/process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace okr::util {
namespace {

// The standard signals (1 to 31): okr changes no other.
constexpr int k_last_signal = 31;

// The dispositions okr was started with, read before main: which signals were ignored, and
// whether SIGPIPE was at its default.
struct Started {
    sigset_t ignored{};
    bool sigpipe_default = true;
    Started() {
        sigemptyset(&ignored);
        for (int s = 1; s <= k_last_signal; ++s) {
            struct sigaction now {};
            if (s == SIGKILL || s == SIGSTOP || ::sigaction(s, nullptr, &now) != 0) continue;
            const bool info = (now.sa_flags & SA_SIGINFO) != 0;
            if (!info && now.sa_handler == SIG_IGN) sigaddset(&ignored, s);
            if (s == SIGPIPE) sigpipe_default = !info && now.sa_handler == SIG_DFL;
        }
    }
};

const Started g_started;

// The signals a child gets at their default: every one okr was not started with ignored.
sigset_t defaults_for_child() {
    sigset_t set;
    sigemptyset(&set);
    for (int s = 1; s <= k_last_signal; ++s)
        if (s != SIGKILL && s != SIGSTOP && !sigismember(&g_started.ignored, s)) sigaddset(&set, s);
    return set;
}

// okr's environment with `defaults` added where their names are not set.
std::vector<char*> environment(const std::vector<std::string>& defaults) {
    std::vector<char*> env;
    for (char** e = environ; e && *e; ++e)
        env.push_back(*e);
    for (const std::string& d : defaults) {
        const std::string name = d.substr(0, d.find('='));
        if (!std::getenv(name.c_str())) env.push_back(const_cast<char*>(d.c_str()));
    }
    env.push_back(nullptr);
    return env;
}

// The file action that gives the child `fd` (k_inherit, k_null or a descriptor) as `target`.
void give(posix_spawn_file_actions_t& actions, int fd, int target) {
    if (fd == k_null)
        posix_spawn_file_actions_addopen(&actions, target, "/dev/null",
                                         target == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0);
    else if (fd >= 0)
        posix_spawn_file_actions_adddup2(&actions, fd, target);
}

// In a forked child: closes every descriptor from 3 on but those in `keep`.
void close_all_but(std::vector<int> keep) {
    std::sort(keep.begin(), keep.end());
    bool closed = true;
    unsigned from = 3;
    for (const int fd : keep) {
        if (fd < static_cast<int>(from)) continue;
        const auto at = static_cast<unsigned>(fd);
        if (at > from) closed = closed && ::close_range(from, at - 1, 0) == 0;
        from = at + 1;
    }
    closed = closed && ::close_range(from, ~0U, 0) == 0;
    if (closed) return;
    const long most = std::min(::sysconf(_SC_OPEN_MAX), 65536L); // no close_range (Linux < 5.9)
    for (int fd = 3; fd < most; ++fd)
        if (!std::binary_search(keep.begin(), keep.end(), fd)) ::close(fd);
}

// In a forked child: the signals as okr was started with, and none blocked.
void reset_signals() {
    for (int s = 1; s <= k_last_signal; ++s) {
        if (s == SIGKILL || s == SIGSTOP) continue;
        struct sigaction action {};
        action.sa_handler = sigismember(&g_started.ignored, s) ? SIG_IGN : SIG_DFL;
        sigemptyset(&action.sa_mask);
        ::sigaction(s, &action, nullptr);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

} // namespace

void hold_sigpipe() {
    static const bool held = [] {
        if (!g_started.sigpipe_default) return false;
        struct sigaction caught {};
        caught.sa_handler = [](int) {};
        caught.sa_flags = SA_RESTART;
        sigemptyset(&caught.sa_mask);
        return ::sigaction(SIGPIPE, &caught, nullptr) == 0;
    }();
    (void)held;
}

bool sigpipe_ends_process() {
    return g_started.sigpipe_default;
}

Child spawn(const ChildSpec& spec) {
    hold_sigpipe(); // okr may write to the child: a child that quits is an EPIPE, never the end
    Child child;
    if (spec.argv.empty()) {
        child.error = EINVAL;
        return child;
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    give(actions, spec.in, STDIN_FILENO);
    give(actions, spec.out, STDOUT_FILENO);
    give(actions, spec.err, STDERR_FILENO);
    if (!spec.folder.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.folder.c_str());
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    const sigset_t defaults = defaults_for_child();
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &none);
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (spec.own_group) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(&attributes, 0);
    }
    posix_spawnattr_setflags(&attributes, flags);
    std::vector<char*> args;
    for (const std::string& a : spec.argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> env = environment(spec.env_defaults);
    pid_t pid = -1;
    const int error = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (error != 0) {
        child.error = error;
        return child;
    }
    child.pid = pid;
    return child;
}

int wait_for(const Child& child) {
    if (!child.started()) return -1;
    int status = 0;
    while (::waitpid(child.pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return status;
}

bool try_wait(const Child& child, int& status) {
    if (!child.started()) return false;
    pid_t got = 0;
    do
        got = ::waitpid(child.pid, &status, WNOHANG);
    while (got < 0 && errno == EINTR);
    return got == child.pid;
}

bool has_ended(const Child& child) {
    if (!child.started()) return true;
    siginfo_t info{};
    int r = 0;
    do
        r = ::waitid(P_PID, static_cast<id_t>(child.pid), &info, WEXITED | WNOHANG | WNOWAIT);
    while (r < 0 && errno == EINTR);
    return r < 0 || info.si_pid == child.pid;
}

int open_end_watch(const Child& child) {
    if (!child.started()) return -1;
    const long fd = ::syscall(SYS_pidfd_open, child.pid, 0); // close-on-exec, as every pidfd
    return fd < 0 ? -1 : static_cast<int>(fd);
}

int kill_group(const Child& child) {
    if (!child.started()) return -1;
    // The child is not reaped yet (a zombie at most), so its group's id is still its own.
    ::kill(-child.pid, SIGKILL);
    ::kill(child.pid, SIGKILL);
    return wait_for(child);
}

int exit_status(int wait_status) {
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return 128;
}

int run_in_foreground(const ChildSpec& spec) {
    struct sigaction ignore {
    }, old_int{}, old_quit{};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGINT, &ignore, &old_int);
    ::sigaction(SIGQUIT, &ignore, &old_quit);
    const Child child = spawn(spec);
    const int status = wait_for(child);
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGQUIT, &old_quit, nullptr);
    return child.started() && status >= 0 ? exit_status(status) : -1;
}

pid_t fork_detached(const std::function<void()>& body, const std::vector<int>& keep) {
    // Every signal blocked across the fork: none of okr's handlers (a lock's clean-up) may run
    // in the child before its signals are reset.
    sigset_t all, before;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &before);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setsid();
        const int null = ::open("/dev/null", O_RDWR);
        for (int fd = 0; fd <= 2; ++fd)
            if (null < 0 || ::dup2(null, fd) < 0) ::close(fd);
        close_all_but(keep);
        reset_signals();
        ::setpriority(PRIO_PROCESS, 0, 10);
        body();
        ::_exit(0);
    }
    ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
    return pid;
}

void end_process(const Ending& ending) {
    std::fflush(stdout);
    std::fflush(stderr);
    if (ending.reader_quit && sigpipe_ends_process()) {
        struct sigaction fallback {};
        fallback.sa_handler = SIG_DFL;
        sigemptyset(&fallback.sa_mask);
        ::sigaction(SIGPIPE, &fallback, nullptr);
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        ::pthread_sigmask(SIG_UNBLOCK, &pipe, nullptr);
        ::raise(SIGPIPE);
    }
    std::exit(ending.code);
}

} // namespace okr::util
