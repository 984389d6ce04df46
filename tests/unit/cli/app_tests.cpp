#include "okr/cli/app.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <malloc.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

// A private folder with okr.toml: `objectives` objectives of three key results, each with a
// dozen check-ins carrying notes (a few hundred KB once loaded).
struct Workspace {
    fs::path dir;
    explicit Workspace(int objectives) {
        std::string pattern = (fs::temp_directory_path() / "okr-app-test-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        dir = pattern;
        std::string text = "title = \"Many\"\nowner = \"ana\"\ncycle = \"2026-Q4\"\n";
        for (int o = 0; o < objectives; ++o) {
            text += fmt::format("\n[[objective]]\nid = \"o{}\"\ntitle = \"Objective {}\"\n", o, o);
            for (int k = 0; k < 3; ++k) {
                text += fmt::format("\n  [[objective.kr]]\n  id = \"k{}\"\n  title = \"Result {} "
                                    "of {}\"\n  start = 0\n  target = 100\n  checkins = [\n",
                                    k, k, o);
                for (int c = 1; c <= 12; ++c)
                    text += fmt::format("    {{ date = 2026-10-{:02}, value = {}, note = \"a "
                                        "note on week {} of this result\" }},\n",
                                        c, c * 5, c);
                text += "  ]\n";
            }
        }
        std::ofstream(dir / "okr.toml") << text;
    }
    ~Workspace() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

// Runs okr in this process with `args`, standard output on /dev/null; its exit code.
int run_okr(std::vector<std::string> args) {
    args.insert(args.begin(), "okr");
    std::vector<char*> argv;
    for (std::string& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    std::fflush(stdout);
    const int saved = ::dup(STDOUT_FILENO);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    ::dup2(null, STDOUT_FILENO);
    ::close(null);
    const int code = okr::cli::run(static_cast<int>(args.size()), argv.data());
    std::fflush(stdout);
    ::dup2(saved, STDOUT_FILENO);
    ::close(saved);
    return code;
}

// The bytes in use by malloc.
std::size_t in_use() {
    return mallinfo2().uordblks;
}

} // namespace

TEST_SUITE("okr::app") {

    TEST_CASE("cli::run can be called again in one process, and keeps nothing of a run after it") {
        ::setenv("OKR_CACHE", "off", 1);
        ::unsetenv("OKR_FILE");
        const Workspace ws(60);
        const std::string file = (ws.dir / "okr.toml").string();
        for (const char* command : {"status", "review", "log"}) {
            CAPTURE(command);
            std::vector<std::string> args = {"--as-of", "2026-11-23", "--no-pager", "-f",
                                             file,      "--format",   "json",       command};
            if (std::string(command) == "log") args.push_back("o1");
            REQUIRE(run_okr(args) == 0); // the first run starts what is kept for every run
            const std::size_t before = in_use();
            for (int i = 0; i < 3; ++i)
                CHECK(run_okr(args) == 0);
            const std::size_t after = in_use();
            // The workspace loaded is some hundreds of KB: kept until exit, three runs of it
            // would stay in use.
            CHECK(after < before + 64 * 1024);
        }
        CHECK(run_okr({"no-such-command", "--no-pager"}) == 2);
        CHECK(run_okr({"--as-of", "2026-11-23", "--no-pager", "-f", file, "status"}) == 0);
        ::unsetenv("OKR_CACHE");
    }
}
