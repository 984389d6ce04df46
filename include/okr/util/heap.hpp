#pragma once
// The heap's set-up for a large run, made only once a run is known to be large. main installs
// the allocator's (mimalloc: 2 MB pages; src/main.cpp); the loader calls expect_large_heap when
// a workspace has many files. A small run (a personal file) never pays for it: advising 2 MB
// pages makes the kernel zero 2 MB where a small run touches a few 4 KB pages (issue 29, item 3).

#include <atomic>

namespace okr::util {

namespace detail {
inline std::atomic<void (*)()> g_large_heap{nullptr};
} // namespace detail

// Sets what expect_large_heap runs (once).
inline void on_large_heap(void (*set_up)()) {
    detail::g_large_heap.store(set_up);
}

// The run is large: sets the heap up for it, the first time it is called; nothing after, or
// when no set-up was installed (the tests).
inline void expect_large_heap() {
    if (void (*set_up)() = detail::g_large_heap.exchange(nullptr)) set_up();
}

namespace detail {
inline std::atomic<void (*)()> g_give_back{nullptr};
} // namespace detail

// Sets what give_back_freed_memory runs.
inline void on_give_back(void (*give_back)()) {
    detail::g_give_back.store(give_back);
}

// Much memory was just freed and a large allocation follows: the allocator hands the freed
// pages back to the system, so that the run's peak is not their sum (okr merge of one large
// array: its load check, then the result). Nothing when none was installed (the tests).
inline void give_back_freed_memory() {
    if (void (*give_back)() = detail::g_give_back.load()) give_back();
}

} // namespace okr::util
