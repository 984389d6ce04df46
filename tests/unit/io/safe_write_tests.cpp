#include "okr/io/safe_write.hpp"

#include "okr/io/workspace.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace okr::io;
using okr::Failure;
using okr::Result;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system's temporary folder, removed with everything in it.
class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "okr-safe-write-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (m_path / name).string(); }
    const fs::path& path() const { return m_path; }

  private:
    fs::path m_path;
};

void write(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
}

std::string read(const std::string& path) {
    Result<std::string> text = read_file(path);
    return text ? *text : std::string("<unreadable>");
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

std::size_t entries(const fs::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir))
        ++n;
    return n;
}

// The pid of a process that has ended.
pid_t dead_pid() {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return pid;
}

} // namespace

TEST_SUITE("okr::safe_write") {

    TEST_CASE("a writer removes the lock files that killed writers left beside its file, not a "
              "held one") {
        TempDir dir;
        write(dir.file("a.toml"), "a\n");
        write(dir.file("dead.toml"), "d\n");
        write(dir.file("dead.toml.lock"), "12345\n");
        write(dir.file("live.toml.lock"), "1\n");
        const int held = ::open(dir.file("live.toml.lock").c_str(), O_RDWR | O_CLOEXEC);
        REQUIRE(held >= 0);
        REQUIRE(::flock(held, LOCK_EX | LOCK_NB) == 0);
        {
            auto a = LockedFile::open(dir.file("a.toml"), std::chrono::milliseconds(1000));
            REQUIRE(a.ok());
            CHECK(!fs::exists(dir.file("dead.toml.lock")));
            CHECK(fs::exists(dir.file("live.toml.lock")));
        }
        ::close(held);
        CHECK(!fs::exists(dir.file("a.toml.lock")));
    }

    TEST_CASE("several files are replaced together and leave no staged text or journal") {
        TempDir dir;
        fs::create_directory(dir.path() / "sub");
        write(dir.file("a.toml"), "a old\n");
        write(dir.file("sub/b.toml"), "b old\n");
        auto a = LockedFile::open(dir.file("a.toml"), std::chrono::milliseconds(1000));
        auto b = LockedFile::open(dir.file("sub/b.toml"), std::chrono::milliseconds(1000));
        REQUIRE(a.ok());
        REQUIRE(b.ok());
        REQUIRE(LockedFile::replace_together({&*a, &*b}, {"a new\n", "b new\n"}).ok());
        CHECK(read(dir.file("a.toml")) == "a new\n");
        CHECK(read(dir.file("sub/b.toml")) == "b new\n");
        CHECK(entries(dir.path() / ".okr-journal") == 0);
        CHECK(entries(dir.path() / "sub" / ".okr-journal") == 0);
    }

    // A journal as a writer killed after its commit leaves it: a.toml's new text still staged,
    // sub/b.toml renamed already.
    void killed_writer(const TempDir& dir, const std::string& journal_name) {
        const std::string home = fs::canonical(dir.path()).string();
        const std::string sub = fs::canonical(dir.path() / "sub").string();
        write(dir.file("a.toml"), "a old\n");
        write(dir.file(".a.toml.okr-staged-7-x"), "a new\n");
        write(dir.file("sub/b.toml"), "b new\n");
        fs::create_directory(dir.path() / ".okr-journal");
        fs::create_directory(dir.path() / "sub" / ".okr-journal");
        using namespace std::string_literals;
        write(dir.file(".okr-journal/" + journal_name),
              "okr-journal 1\0"s + home + "\0.a.toml.okr-staged-7-x\0a.toml\0"s + sub +
                  "\0.b.toml.okr-staged-7-x\0b.toml\0"s);
        write(dir.file("sub/.okr-journal/7-x.at"), "okr-journal-pointer 1\0"s + home + "\0"s);
    }

    TEST_CASE("a committed journal left by a killed writer is finished by the next command") {
        TempDir dir;
        fs::create_directory(dir.path() / "sub");
        killed_writer(dir, "7-x");
        // Found from the other folder's pointer as well as from its own.
        CHECK(recover_journals((dir.path() / "sub").string(), false));
        CHECK(read(dir.file("a.toml")) == "a new\n");
        CHECK(read(dir.file("sub/b.toml")) == "b new\n");
        CHECK(!fs::exists(dir.file(".a.toml.okr-staged-7-x")));
        CHECK(entries(dir.path() / ".okr-journal") == 0);
        CHECK(entries(dir.path() / "sub" / ".okr-journal") == 0);
        CHECK(!recover_journals(dir.path().string(), false));
    }

    TEST_CASE("a journal that would rename anything but a staged text onto its own file is "
              "left alone") {
        TempDir dir;
        const std::string home = fs::canonical(dir.path()).string();
        write(dir.file("a.toml"), "a old\n");
        write(dir.file("evil"), "evil\n");
        fs::create_directory(dir.path() / ".okr-journal");
        using namespace std::string_literals;
        write(dir.file(".okr-journal/7-x"), "okr-journal 1\0"s + home + "\0evil\0a.toml\0"s);
        CHECK(!recover_journals(dir.path().string(), false));
        CHECK(read(dir.file("a.toml")) == "a old\n");
        CHECK(fs::exists(dir.file("evil")));
    }

    TEST_CASE("a journal not committed is rolled back: every file stays old") {
        TempDir dir;
        fs::create_directory(dir.path() / "sub");
        killed_writer(dir, "7-x.prepared");
        write(dir.file("sub/b.toml"), "b old\n");
        write(dir.file("sub/.b.toml.okr-staged-7-x"), "b new\n");
        CHECK(!recover_journals(dir.path().string(), false));
        CHECK(read(dir.file("a.toml")) == "a old\n");
        CHECK(read(dir.file("sub/b.toml")) == "b old\n");
        CHECK(!fs::exists(dir.file(".a.toml.okr-staged-7-x")));
        CHECK(!fs::exists(dir.file("sub/.b.toml.okr-staged-7-x")));
        CHECK(entries(dir.path() / ".okr-journal") == 0);
        CHECK(entries(dir.path() / "sub" / ".okr-journal") == 0);
    }

    TEST_CASE("an atomic write replaces the content, keeps the permission bits and leaves no "
              "temporary file") {
        TempDir dir;
        const std::string path = dir.file("okr.toml");
        write(path, "old\n");
        ::chmod(path.c_str(), 0640);
        REQUIRE(write_file_atomically(path, "new\n").ok());
        CHECK(read(path) == "new\n");
        CHECK(mode_of(path) == 0640);
        CHECK(entries(dir.path()) == 1);
    }

    TEST_CASE("a write through a symlink changes the target and keeps the link") {
        TempDir dir;
        fs::create_directory(dir.path() / "real");
        const std::string target = dir.file("real/goals.toml");
        write(target, "old\n");
        fs::create_symlink("real/goals.toml", dir.path() / "okr.toml");
        CHECK(write_target(dir.file("okr.toml")) == target);
        REQUIRE(write_file_atomically(dir.file("okr.toml"), "new\n").ok());
        CHECK(fs::is_symlink(dir.path() / "okr.toml"));
        CHECK(read(target) == "new\n");
    }

    TEST_CASE("a read-only file is refused and left as it was") {
        TempDir dir;
        const std::string path = dir.file("okr.toml");
        write(path, "old\n");
        ::chmod(path.c_str(), 0444);
        const auto written = write_file_atomically(path, "new\n");
        REQUIRE_FALSE(written.ok());
        CHECK(written.failure().kind == Failure::Kind::read_only);
        CHECK(written.failure().message ==
              fmt::format("cannot write {}: the file is read-only", path));
        CHECK(read(path) == "old\n");
        CHECK(entries(dir.path()) == 1);
    }

    TEST_CASE("a file in a missing folder is an error with the system's reason") {
        TempDir dir;
        const std::string path = dir.file("gone/okr.toml");
        const auto written = write_file_atomically(path, "new\n");
        REQUIRE_FALSE(written.ok());
        CHECK(written.failure().kind == Failure::Kind::io);
        CHECK(written.failure().error_number == ENOENT);
        CHECK(written.failure().message ==
              fmt::format("cannot write {}: No such file or directory", path));
    }

    TEST_CASE("creating a file never overwrites one") {
        TempDir dir;
        const std::string path = dir.file("okr.toml");
        REQUIRE(create_file(path, "first\n").ok());
        const auto second = create_file(path, "second\n");
        REQUIRE_FALSE(second.ok());
        CHECK(second.failure().kind == Failure::Kind::exists);
        CHECK(read(path) == "first\n");
        CHECK(entries(dir.path()) == 1);
        const auto missing = create_file(dir.file("no/such/okr.toml"), "x");
        REQUIRE_FALSE(missing.ok());
        CHECK(missing.failure().message ==
              fmt::format("cannot create {}: the folder {} does not exist",
                          dir.file("no/such/okr.toml"), dir.file("no/such")));
    }

    TEST_CASE("a lock creates PATH.lock holding the pid and removes it when released") {
        TempDir dir;
        const std::string path = dir.file("okr.toml");
        write(path, "x\n");
        {
            auto lock = FileLock::acquire(path, std::chrono::milliseconds(100));
            REQUIRE(lock.ok());
            CHECK(lock->lock_path() == path + ".lock");
            CHECK(read(path + ".lock") == fmt::format("{}\n", ::getpid()));
        }
        CHECK_FALSE(fs::exists(path + ".lock"));
    }

    TEST_CASE("a lock held by a live process makes a writer wait, then report it") {
        TempDir dir;
        const std::string path = dir.file("okr.toml");
        write(path, "x\n");
        write(path + ".lock", "1\n");
        // An flock on another open file description conflicts even within one process.
        const int holder = ::open((path + ".lock").c_str(), O_RDWR);
        REQUIRE(holder >= 0);
        REQUIRE(::flock(holder, LOCK_EX | LOCK_NB) == 0);
        const auto started = std::chrono::steady_clock::now();
        auto lock = FileLock::acquire(path, std::chrono::milliseconds(200));
        ::close(holder);
        REQUIRE_FALSE(lock.ok());
        CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(200));
        const Failure& e = lock.failure();
        CHECK(e.kind == Failure::Kind::lock_held);
        CHECK(e.message ==
              fmt::format("{} is locked by process 1 (another okr is writing it)", path));
        CHECK(e.hint == "try again when it has finished; OKR_LOCK_TIMEOUT sets how many seconds "
                        "okr waits for a lock");
        CHECK(read(path + ".lock") == "1\n");
    }

    TEST_CASE("a lock file left by a writer that died is taken over at once") {
        TempDir dir;
        const std::string path = dir.file("okr.toml");
        write(path, "x\n");
        const pid_t pid = dead_pid();
        write(path + ".lock", fmt::format("{}\n", pid));
        const auto started = std::chrono::steady_clock::now();
        {
            auto lock = FileLock::acquire(path, std::chrono::milliseconds(5000));
            REQUIRE(lock.ok());
            CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1000));
            CHECK(read(path + ".lock") == fmt::format("{}\n", ::getpid()));
        }
        CHECK_FALSE(fs::exists(path + ".lock"));
    }

    TEST_CASE("a lock holder removes the temporary files killed writers left beside the file") {
        TempDir dir;
        const std::string path = dir.file("okr.toml");
        write(path, "x\n");
        write(dir.file(".okr.toml.tmp-aB3xYz"), "half");
        write(dir.file(".other.toml.tmp-aB3xYz"), "not ours");
        write(dir.file(".okr.toml.tmp-toolong1"), "not a temporary file of okr");
        auto opened = LockedFile::open(path, std::chrono::milliseconds(100));
        REQUIRE(opened.ok());
        CHECK_FALSE(fs::exists(dir.file(".okr.toml.tmp-aB3xYz")));
        CHECK(fs::exists(dir.file(".other.toml.tmp-aB3xYz")));
        CHECK(fs::exists(dir.file(".okr.toml.tmp-toolong1")));
    }

    TEST_CASE("a file swapped for a symlink after it was read is not written through the link") {
        TempDir dir;
        const std::string path = dir.file("okr.toml");
        write(path, "mine\n");
        write(dir.file("victim"), "precious\n");
        auto opened = LockedFile::open(path, std::chrono::milliseconds(100));
        REQUIRE(opened.ok());
        LockedFile& file = *opened;
        CHECK(file.text() == "mine\n");
        fs::remove(path);
        fs::create_symlink("victim", path);
        const auto replaced = file.replace("attacker text\n");
        REQUIRE_FALSE(replaced.ok());
        CHECK(replaced.failure().kind == Failure::Kind::changed);
        CHECK(read(dir.file("victim")) == "precious\n");
        CHECK(fs::is_symlink(path));
    }

    TEST_CASE("a relative link with .. reached through a linked folder is resolved by the file "
              "system") {
        TempDir dir;
        // real/sub/okr.toml -> ../okr.toml means real/okr.toml; read textually through the
        // linked folder `link` it would wrongly be dir/okr.toml.
        fs::create_directories(dir.file("real/sub"));
        write(dir.file("real/okr.toml"), "right\n");
        write(dir.file("okr.toml"), "wrong\n");
        fs::create_symlink("../okr.toml", dir.file("real/sub/okr.toml"));
        fs::create_directory_symlink("real/sub", dir.file("link"));
        REQUIRE(write_file_atomically(dir.file("link/okr.toml"), "new\n").ok());
        CHECK(read(dir.file("real/okr.toml")) == "new\n");
        CHECK(read(dir.file("okr.toml")) == "wrong\n");
    }

    TEST_CASE("a lock is removed when the process is ended by SIGTERM") {
        TempDir dir;
        const std::string path = dir.file("okr.toml");
        write(path, "x\n");
        const pid_t child = ::fork();
        if (child == 0) {
            ::signal(SIGTERM, SIG_DFL); // not the test runner's crash handler
            auto lock = FileLock::acquire(path, std::chrono::milliseconds(100));
            if (!lock.ok()) ::_exit(3);
            ::kill(::getpid(), SIGTERM);
            ::_exit(4); // not reached: SIGTERM ends the process
        }
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGTERM);
        CHECK_FALSE(fs::exists(path + ".lock"));
    }

    TEST_CASE("widen_pipe gives a pipe a 1 MiB buffer where the system allows it") {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        const int before = ::fcntl(fds[1], F_GETPIPE_SZ);
        okr::io::widen_pipe(fds[1]);
        const int after = ::fcntl(fds[1], F_GETPIPE_SZ);
        long most = 0; // what an unprivileged process may ask for
        if (std::ifstream max("/proc/sys/fs/pipe-max-size"); max) max >> most;
        if (most >= (1 << 20))
            CHECK(after == (1 << 20));
        else
            CHECK(after >= before);
        okr::io::widen_pipe(fds[1]); // again: nothing changes
        CHECK(::fcntl(fds[1], F_GETPIPE_SZ) == after);
        ::close(fds[0]);
        ::close(fds[1]);
        // Not a pipe: nothing happens, and nothing fails.
        const int null = ::open("/dev/null", O_WRONLY);
        REQUIRE(null >= 0);
        okr::io::widen_pipe(null);
        CHECK(okr::io::write_all(null, "still writable"));
        ::close(null);
    }

} // TEST_SUITE
