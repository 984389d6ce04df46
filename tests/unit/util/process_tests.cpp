#include "okr/util/process.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace okr::util;

namespace {

// Runs `script` with /bin/sh, its standard output on a pipe; what it printed, and its status.
std::string output_of(const std::string& script, int* status = nullptr) {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    ChildSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.out = fds[1];
    const Child child = spawn(spec);
    ::close(fds[1]);
    REQUIRE(child.started());
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) != 0;)
        if (n > 0)
            out.append(buffer, static_cast<std::size_t>(n));
        else if (errno != EINTR)
            break;
    ::close(fds[0]);
    const int s = exit_status(wait_for(child));
    if (status) *status = s;
    return out;
}

// The field `name` of /proc/self/status as the child script sees it (SigIgn, SigBlk: hex masks).
std::string child_status_field(const std::string& name) {
    return output_of("sed -n 's/^" + name + ":[[:space:]]*//p' /proc/self/status");
}

bool in_mask(const std::string& hex, int signal) {
    return (std::stoull(hex, nullptr, 16) >> (signal - 1) & 1) != 0;
}

} // namespace

TEST_SUITE("okr::process") {

    TEST_CASE("a child holds none of okr's descriptors but the ones it is given") {
        const int open_here = ::open("/dev/null", O_RDONLY); // no close-on-exec, as a lock may be
        REQUIRE(open_here > 2);
        const std::string fd = std::to_string(open_here);
        CHECK(output_of("if [ -e /proc/$$/fd/" + fd + " ]; then echo open; else echo closed; fi") ==
              "closed\n");
        ::close(open_here);
    }

    TEST_CASE("a child starts with the signals okr ignores for itself at their default, none "
              "blocked") {
        // SIGUSR2: one that no test runner starts okr with ignored.
        struct sigaction ignore {
        }, old_usr2{};
        ignore.sa_handler = SIG_IGN;
        ::sigaction(SIGUSR2, &ignore, &old_usr2);
        sigset_t usr1, before;
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        ::pthread_sigmask(SIG_BLOCK, &usr1, &before);
        const std::string ignored = child_status_field("SigIgn");
        const std::string blocked = child_status_field("SigBlk");
        ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
        ::sigaction(SIGUSR2, &old_usr2, nullptr);
        REQUIRE(!ignored.empty());
        CHECK_FALSE(in_mask(ignored, SIGUSR2));
        CHECK(std::stoull(blocked, nullptr, 16) == 0);
    }

    TEST_CASE("SIGPIPE is held: a write to a pipe without a reader fails with EPIPE, and a child "
              "gets SIGPIPE at its default") {
        hold_sigpipe();
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        ::close(fds[0]);
        errno = 0;
        CHECK(::write(fds[1], "x", 1) == -1);
        CHECK(errno == EPIPE);
        ::close(fds[1]);
        if (sigpipe_ends_process()) CHECK_FALSE(in_mask(child_status_field("SigIgn"), SIGPIPE));
    }

    TEST_CASE("a program that cannot start says why, and a signal reads as 128 + its number") {
        ChildSpec spec;
        spec.argv = {"/bin/sh", "-c", "true"};
        spec.folder = "/no/such/folder";
        const Child not_here = spawn(spec);
        CHECK_FALSE(not_here.started());
        CHECK(not_here.error == ENOENT);
        CHECK(wait_for(not_here) == -1);
        spec.argv = {"okr-no-such-program"};
        spec.folder.clear();
        CHECK(spawn(spec).error == ENOENT);
        int status = 0;
        output_of("kill -TERM $$", &status);
        CHECK(status == 128 + SIGTERM);
        output_of("exit 3", &status);
        CHECK(status == 3);
    }

    TEST_CASE("the environment's defaults are added only where a name is not set") {
        ::setenv("OKR_TEST_SET", "mine", 1);
        ::unsetenv("OKR_TEST_UNSET");
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        ChildSpec spec;
        spec.argv = {"/bin/sh", "-c", "echo $OKR_TEST_SET $OKR_TEST_UNSET"};
        spec.env_defaults = {"OKR_TEST_SET=theirs", "OKR_TEST_UNSET=added"};
        spec.out = fds[1];
        const Child child = spawn(spec);
        ::close(fds[1]);
        char buffer[64] = {};
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer - 1);
        ::close(fds[0]);
        CHECK(wait_for(child) == 0);
        CHECK(std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0) == "mine added\n");
        ::unsetenv("OKR_TEST_SET");
    }

    TEST_CASE("a child in the foreground leaves okr's SIGINT as it was") {
        struct sigaction before {
        }, after{};
        ::sigaction(SIGINT, nullptr, &before);
        ChildSpec spec;
        spec.argv = {"/bin/sh", "-c", "exit 4"};
        CHECK(run_in_foreground(spec) == 4);
        ::sigaction(SIGINT, nullptr, &after);
        const bool unchanged = after.sa_handler == before.sa_handler;
        CHECK(unchanged);
    }

    TEST_CASE("a detached child keeps only the descriptors it is given, its standard ones on "
              "/dev/null") {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        const int other = ::open("/dev/null", O_RDONLY);
        REQUIRE(other > 2);
        const int kept = fds[1];
        const pid_t pid = fork_detached(
            [kept, other] {
                char report[4] = {
                    ::fcntl(kept, F_GETFD) >= 0 ? 'k' : '-',
                    ::fcntl(other, F_GETFD) >= 0 ? 'o' : '-',
                    ::getsid(0) == ::getpid() ? 's' : '-',
                    ::isatty(STDIN_FILENO) || ::lseek(STDIN_FILENO, 0, SEEK_END) != 0 ? '?' : 'n',
                };
                (void)!::write(kept, report, sizeof report);
            },
            {kept});
        REQUIRE(pid > 0);
        ::close(fds[1]);
        ::close(other);
        char got[5] = {};
        CHECK(::read(fds[0], got, 4) == 4);
        ::close(fds[0]);
        int status = -1;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        CHECK(std::string(got) == "k-sn");
        CHECK(exit_status(status) == 0);
    }
}
