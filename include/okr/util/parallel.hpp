#pragma once
// Work cut into contiguous parts, one per core, each done on a thread of its own: how the read
// commands evaluate, build rows and write JSON for a large workspace (ARCHITECTURE.md, Scale).
// Each part writes only its own results, so the parts need no locks; results are joined in
// order, so the output is the same on any number of cores.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace okr::util {

// [begin, end) of a part.
struct Part {
    std::size_t begin = 0;
    std::size_t end = 0;
};

// [0, count) cut into at most `cores` parts of nearly equal size, none smaller than `min_part`
// (a thread costs tens of microseconds: a small job stays in one part). One part [0, 0) when
// `count` is 0. Pure.
inline std::vector<Part> split_parts(std::size_t count, std::size_t min_part, std::size_t cores) {
    std::size_t n =
        std::max<std::size_t>(1, std::min(cores, count / std::max<std::size_t>(1, min_part)));
    std::vector<Part> parts;
    parts.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        parts.push_back({count * i / n, count * (i + 1) / n});
    return parts;
}

namespace detail {
inline std::atomic<std::size_t> g_cores{0};
} // namespace detail

// The number of cores to use: those set by use_cores, else the machine's; at least one.
inline std::size_t cores() {
    const std::size_t set = detail::g_cores.load(std::memory_order_relaxed);
    return set ? set : std::max(1u, std::thread::hardware_concurrency());
}

// Uses `n` cores from now on (0: the machine's), whatever the machine has: so that the tests
// show the result is the same on one core as on many.
inline void use_cores(std::size_t n) {
    detail::g_cores.store(n, std::memory_order_relaxed);
}

// Calls body(i, parts[i]) for every part, the first on the calling thread and the others on
// threads of their own (on the calling thread too when no thread can be started), and returns
// when all are done. An exception thrown by a body is thrown here, once every part has ended.
template <class Body> void in_parallel(const std::vector<Part>& parts, Body body) {
    std::vector<std::exception_ptr> failed(parts.size());
    auto run = [&](std::size_t i) {
        try {
            body(i, parts[i]);
        } catch (...) {
            failed[i] = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(parts.size());
    std::size_t here = parts.size(); // the parts from here on run on this thread
    for (std::size_t i = 1; i < parts.size(); ++i) {
        try {
            threads.emplace_back(run, i);
        } catch (...) { // no thread to be had (std::system_error, or no memory for one)
            here = i;
            break;
        }
    }
    if (!parts.empty()) run(0);
    for (std::size_t i = here; i < parts.size(); ++i)
        run(i);
    for (auto& t : threads)
        t.join();
    for (const auto& f : failed)
        if (f) std::rethrow_exception(f);
}

// Calls `first` here and `second` on a thread of its own when there is more than one core (else
// here, after `first`), and returns when both are done; an exception is thrown as in_parallel.
template <class First, class Second> void run_both(First first, Second second) {
    in_parallel(split_parts(2, 1, cores()), [&](std::size_t, Part part) {
        for (std::size_t i = part.begin; i < part.end; ++i)
            i == 0 ? first() : second();
    });
}

// fn(part) for each part of [0, count) (split_parts on this machine's cores), in parallel; the
// results in the order of the parts.
template <class Fn> auto map_parts(std::size_t count, std::size_t min_part, Fn fn) {
    const std::vector<Part> parts = split_parts(count, min_part, cores());
    std::vector<decltype(fn(Part{}))> results(parts.size());
    in_parallel(parts, [&](std::size_t i, Part part) { results[i] = fn(part); });
    return results;
}

} // namespace okr::util
