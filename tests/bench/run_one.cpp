// okr_bench_run: runs a command once and reports its wall time, CPU time and peak RSS.
//
//   okr_bench_run REPORT_FILE COMMAND [ARG...]
//
// The command inherits standard input, output and error. Once it has ended, one line goes to
// REPORT_FILE:
//
//   wall_us=3412 user_us=2100 sys_us=1200 maxrss_kb=9360 status=0
//
// wall_us runs from just before the fork to just after wait4; the others are the command's own
// rusage. Why a program of its own: a process's peak RSS (ru_maxrss) keeps the largest resident
// set of every image it ran, the one it was forked from included, so a command started by
// Python reported at least Python's 18 MB. This one is small (linked statically where it can
// be), so the figure is the command's. Exit status: the command's (128 + N for signal N), 127
// when it could not be started, 2 on a usage error.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

long long now_us() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

long long us(const timeval& tv) {
    return static_cast<long long>(tv.tv_sec) * 1'000'000 + tv.tv_usec;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fputs("usage: okr_bench_run REPORT_FILE COMMAND [ARG...]\n", stderr);
        return 2;
    }
    const long long start = now_us();
    const pid_t pid = fork();
    if (pid < 0) {
        std::fprintf(stderr, "okr_bench_run: fork: %s\n", std::strerror(errno));
        return 127;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        std::fprintf(stderr, "okr_bench_run: %s: %s\n", argv[2], std::strerror(errno));
        _exit(127);
    }
    int status = 0;
    rusage ru{};
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            std::fprintf(stderr, "okr_bench_run: wait4: %s\n", std::strerror(errno));
            return 127;
        }
    }
    const long long wall = now_us() - start;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::FILE* report = std::fopen(argv[1], "w");
    if (report == nullptr) {
        std::fprintf(stderr, "okr_bench_run: %s: %s\n", argv[1], std::strerror(errno));
        return 127;
    }
    std::fprintf(report, "wall_us=%lld user_us=%lld sys_us=%lld maxrss_kb=%ld status=%d\n", wall,
                 us(ru.ru_utime), us(ru.ru_stime), ru.ru_maxrss, code);
    std::fclose(report);
    return code;
}
