#pragma once
// The one home of okr's processes (ARCHITECTURE.md, Processes): every child starts here (the
// pager, the editor, a KPI source, git, the cache's writer), and the process ends here, called
// once by main. A child starts clean: with the descriptors it is given as its standard input and
// outputs and no other of okr's (a lock, a goal file, another child's pipe), with the signal
// dispositions okr was started with (okr's handlers and the signals it ignores for itself reset)
// and an empty signal mask. SIGPIPE has one policy, hold_sigpipe.

#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace okr::util {

// okr's one SIGPIPE policy, from the first call on (cli::run calls it, and so does every start of
// a child): a write to a pipe whose reader has gone fails with EPIPE and never ends the process
// mid-run, so that the command and the cache still finish. Where SIGPIPE is at its default, it is
// caught by a handler that does nothing (exec resets a caught signal: a child gets it at its
// default); where okr was started with it ignored, it stays ignored. end_process ends okr by
// SIGPIPE when its reader quit. Never undone.
void hold_sigpipe();

// Whether a reader that quits ends okr by SIGPIPE: true unless okr was started with SIGPIPE
// ignored (or handled), in which case okr goes on quietly, as before.
bool sigpipe_ends_process();

// What a child's standard input or output is: okr's own, /dev/null, or a descriptor given.
constexpr int k_inherit = -1;
constexpr int k_null = -2;

// A program to start.
struct ChildSpec {
    std::vector<std::string> argv;         // argv[0] looked up in PATH unless it holds a slash
    std::string folder;                    // where it runs; empty: okr's working folder
    std::vector<std::string> env_defaults; // NAME=VALUE, each added where NAME is not set
    int in = k_inherit;                    // a descriptor, k_inherit or k_null
    int out = k_inherit;
    int err = k_inherit;
    bool own_group = false; // in a process group of its own, for kill_group
};

// A child started, or why not.
struct Child {
    pid_t pid = -1; // -1: not started
    int error = 0;  // errno when not started (the program or the folder not found, say)
    bool started() const { return pid > 0; }
};

// Starts `spec` clean (above) and returns at once.
Child spawn(const ChildSpec& spec);

// Waits for `child` to end, through EINTR; its wait status (waitpid), or -1 when not started.
int wait_for(const Child& child);

// Its wait status if `child` has ended (reaped), else nothing: waitpid without waiting.
bool try_wait(const Child& child, int& status);

// Whether `child` has ended, without reaping it: while it is not reaped, its pid (and so its
// process group's id) cannot be taken by another process, and kill_group still reaches the group.
bool has_ended(const Child& child);

// A descriptor that poll(2) reports readable once `child` has ended (a pidfd), or -1 where the
// kernel has none (Linux < 5.3): then poll in short steps and ask has_ended. The caller closes it.
int open_end_watch(const Child& child);

// Ends `child` and every process of its group (own_group) with SIGKILL, and reaps it: also once
// the child has ended by itself (has_ended), so that nothing it started outlives it. Its wait
// status (waitpid), or -1 when not started.
int kill_group(const Child& child);

// A wait status as a shell says it: the exit code, or 128 + the signal that ended it.
int exit_status(int wait_status);

// Starts `spec` in the foreground and waits for it: the terminal is the child's meanwhile, so
// okr ignores SIGINT and SIGQUIT until it ends (the child gets them as okr was started with).
// Its exit_status, or -1 when it could not start.
int run_in_foreground(const ChildSpec& spec);

// Calls `body` in a copy of this process detached from okr (fork without exec): in a session of
// its own, with its standard input and outputs on /dev/null, every descriptor above 2 but `keep`
// closed, the signals as okr was started with and an empty mask, at nice 10; it ends when `body`
// returns, without okr's exit handlers. Call it only while okr runs no other thread (a fork
// copies the calling thread alone: a lock another thread held would never be let go in the
// copy): after util::stop_workers and every other thread okr started joined. The child's pid, or
// -1 when it could not start.
pid_t fork_detached(const std::function<void()>& body, const std::vector<int>& keep);

// How the process ends: with `code`, or by SIGPIPE when standard output's reader quit.
struct Ending {
    int code = 0;
    bool reader_quit = false;
};

// Ends the process, once, from main, once the output is out and the cache's writer handed off:
// by SIGPIPE when the reader quit and sigpipe_ends_process(), else with `ending.code`
// (standard output and error flushed). Objects that main still holds are not destroyed: freeing a
// large workspace one object at a time costs more than a warm command's own work.
[[noreturn]] void end_process(const Ending& ending);

} // namespace okr::util
