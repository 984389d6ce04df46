// okr_bench_parse: the floor for `okr status` -- read and parse every goal
// file of a workspace with toml++, single-threaded, and do nothing else.
//
//   okr_bench_parse PATH [--repeat N]
//
// PATH is a goal file or a directory: every `*.toml` below it, recursively,
// hidden directories skipped, sorted by path (as SPEC §2 says for `okr -f`).
// Each file is read into memory and parsed with toml::parse; the tree is
// discarded. With --repeat N the whole pass runs N times and the median is
// reported. Output, one line on stdout:
//
//   elapsed_ms=12.345 parse_ms=11.234 files=1000 bytes=23698616 runs=1 min_ms=12.1 cpu_ms=12.0
//
// elapsed_ms is the wall time of reading + parsing all files (directory
// listing excluded); parse_ms the part spent inside toml::parse; min_ms the
// best run's wall time and cpu_ms the best run's CPU time (user + system of
// the process): on a busy machine, the best of N and CPU time vary least.
// Exit status: 0 on success, 1 when a file does not parse or cannot be read,
// 2 on a usage error.

#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

namespace {

bool is_hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return name.size() > 1 && name[0] == '.' && name != "..";
}

std::vector<fs::path> find_goal_files(const fs::path& root) {
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::is_regular_file(root, ec)) {
        files.push_back(root);
        return files;
    }
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
        std::cerr << "okr_bench_parse: " << root.string() << ": " << ec.message() << '\n';
        std::exit(1);
    }
    for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
        if (ec) {
            std::cerr << "okr_bench_parse: " << ec.message() << '\n';
            std::exit(1);
        }
        const fs::directory_entry& entry = *it;
        if (entry.is_directory(ec)) {
            if (is_hidden(entry.path())) {
                it.disable_recursion_pending();
            }
            continue;
        }
        if (entry.path().extension() == ".toml" && entry.is_regular_file(ec)) {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end()); // element-wise path order
    return files;
}

bool read_file(const fs::path& path, std::string& out) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        return false;
    }
    out.clear();
    char buf[1 << 16];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
        out.append(buf, n);
    }
    const bool ok = std::ferror(f) == 0;
    std::fclose(f);
    return ok;
}

double ms_between(steady::time_point a, steady::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

double cpu_ms_now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

int usage() {
    std::cerr << "usage: okr_bench_parse PATH [--repeat N]\n";
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    std::string root;
    long repeat = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--repeat" && i + 1 < argc) {
            char* end = nullptr;
            repeat = std::strtol(argv[++i], &end, 10);
            if (end == nullptr || *end != '\0' || repeat < 1) {
                return usage();
            }
        } else if (arg == "-h" || arg == "--help") {
            usage();
            return 0;
        } else if (root.empty() && !arg.starts_with("-")) {
            root = arg;
        } else {
            return usage();
        }
    }
    if (root.empty()) {
        return usage();
    }

    const std::vector<fs::path> files = find_goal_files(root);
    std::vector<double> elapsed_runs;
    std::vector<double> parse_runs;
    std::vector<double> cpu_runs;
    std::size_t bytes = 0;
    std::size_t sink = 0; // keeps the parse results observable
    std::string text;

    for (long run = 0; run < repeat; ++run) {
        bytes = 0;
        double parse_ms = 0.0;
        const steady::time_point t0 = steady::now();
        const double c0 = cpu_ms_now();
        for (const fs::path& path : files) {
            if (!read_file(path, text)) {
                std::cerr << "okr_bench_parse: " << path.string() << ": cannot read\n";
                return 1;
            }
            bytes += text.size();
            const steady::time_point p0 = steady::now();
            try {
                const toml::table tbl = toml::parse(text, path.string());
                sink += tbl.size();
            } catch (const toml::parse_error& err) {
                std::cerr << path.string() << ':' << err.source().begin.line << ':'
                          << err.source().begin.column << ": error: " << err.description() << '\n';
                return 1;
            }
            parse_ms += ms_between(p0, steady::now());
        }
        elapsed_runs.push_back(ms_between(t0, steady::now()));
        cpu_runs.push_back(cpu_ms_now() - c0);
        parse_runs.push_back(parse_ms);
    }

    std::printf(
        "elapsed_ms=%.3f parse_ms=%.3f files=%zu bytes=%zu runs=%ld min_ms=%.3f cpu_ms=%.3f\n",
        median(elapsed_runs), median(parse_runs), files.size(), bytes, repeat,
        *std::min_element(elapsed_runs.begin(), elapsed_runs.end()),
        *std::min_element(cpu_runs.begin(), cpu_runs.end()));
    return sink == static_cast<std::size_t>(-1) ? 1 : 0;
}
