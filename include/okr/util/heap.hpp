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

} // namespace okr::util
