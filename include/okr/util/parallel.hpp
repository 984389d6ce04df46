#pragma once
// Work cut into contiguous parts, one per core, each done on a thread: how the read
// commands load, evaluate, build rows and write JSON for a large workspace (ARCHITECTURE.md,
// Scale). Each part writes only its own results, so the parts need no locks; results are joined
// in order, so the output is the same on any number of cores. The threads are kept from their
// first use until stop_workers (or exit): a thread started anew for each of a run's dozen
// parallel steps costs the allocator fresh memory each time (2 MB pages, each zeroed by the
// kernel; on a virtual machine, 0.1 to 8 ms each).

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

namespace okr::util {

// [begin, end) of a part.
struct Part {
    std::size_t begin = 0;
    std::size_t end = 0;
};

// [0, count) cut into at most `cores` parts of nearly equal size, none smaller than `min_part`
// (handing a part to a thread costs microseconds: a small job stays in one part). One part [0, 0)
// when `count` is 0. Pure.
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

// The threads in_parallel hands parts to, kept until stop(); at the end, idle.
class Workers {
  public:
    // Runs each of `jobs` on a kept thread, starting threads up to `jobs.size()`; false (and
    // nothing run) when not one thread can be had.
    bool run(std::vector<std::function<void()>>& jobs) {
        std::unique_lock lock(m_mutex);
        try {
            while (m_threads.size() < jobs.size())
                m_threads.emplace_back([this] { loop(); });
        } catch (...) { // no thread to be had (std::system_error, or no memory for one)
            if (m_threads.empty()) return false;
        }
        std::size_t queued = 0;
        try {
            for (auto& job : jobs) {
                m_jobs.push_back(std::move(job));
                ++queued;
            }
        } catch (...) { // no memory: none is run here, so that none outlives the caller's frame
            for (; queued > 0; --queued)
                m_jobs.pop_back();
            return false;
        }
        lock.unlock();
        m_wake.notify_all();
        return true;
    }
    // Ends the kept threads (once their jobs are done): the process then has one thread again,
    // as a fork wants. Not while another thread calls run().
    void stop() {
        std::vector<std::thread> threads;
        {
            const std::lock_guard lock(m_mutex);
            m_stopping = true;
            threads.swap(m_threads);
        }
        m_wake.notify_all();
        for (auto& t : threads)
            t.join();
        const std::lock_guard lock(m_mutex);
        m_stopping = false;
    }
    // Whether the calling thread is one of the kept ones: a part that runs parts of its own
    // runs them itself (waiting for a kept thread from a kept thread could wait forever).
    static bool on_worker() { return t_worker; }

  private:
    void loop() {
        t_worker = true;
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
                if (m_jobs.empty()) return; // stopping, every job done
                job = std::move(m_jobs.front());
                m_jobs.pop_front();
            }
            job();
        }
    }
    static inline thread_local bool t_worker = false;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_jobs;
    std::vector<std::thread> m_threads;
    bool m_stopping = false;
};

// Never destroyed: the process ends (util::end_process) with the threads idle.
inline Workers& workers() {
    static Workers* const w = new Workers;
    return *w;
}
} // namespace detail

// Ends the threads kept for in_parallel; the next call starts them again. For a fork, which
// copies the calling thread alone (io::start_cache_writers).
inline void stop_workers() {
    detail::workers().stop();
}

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

// Calls body(i, parts[i]) for every part, the first on the calling thread and the others on the
// kept threads (on the calling thread too when no thread can be had, or when it is a kept one),
// and returns when all are done. An exception thrown by a body is thrown here, once every part
// has ended. A body must not wait for another thread that calls in_parallel: every kept thread
// could be waiting so, with none left to run the parts.
template <class Body> void in_parallel(const std::vector<Part>& parts, Body body) {
    std::vector<std::exception_ptr> failed(parts.size());
    auto run = [&](std::size_t i) {
        try {
            body(i, parts[i]);
        } catch (...) {
            failed[i] = std::current_exception();
        }
    };
    const std::size_t others = parts.empty() ? 0 : parts.size() - 1;
    std::latch done(static_cast<std::ptrdiff_t>(others));
    bool handed = false;
    if (others > 0 && !detail::Workers::on_worker()) {
        std::vector<std::function<void()>> jobs;
        jobs.reserve(others);
        for (std::size_t i = 1; i < parts.size(); ++i)
            jobs.emplace_back([&run, &done, i] {
                run(i);
                done.count_down();
            });
        handed = detail::workers().run(jobs);
    }
    if (!parts.empty()) run(0);
    if (handed)
        done.wait();
    else
        for (std::size_t i = 1; i < parts.size(); ++i)
            run(i);
    for (const auto& f : failed)
        if (f) std::rethrow_exception(f);
}

// Calls `first` here and `second` on a kept thread when there is more than one core (else
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
