#include "okr/util/parallel.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace okr::util;

TEST_SUITE("okr::util::parallel") {

    TEST_CASE("the parts cover the range in order, nearly equal, none below the minimum") {
        auto covers = [](const std::vector<Part>& parts, std::size_t count) {
            std::size_t at = 0;
            for (const Part& p : parts) {
                if (p.begin != at || p.end < p.begin) return false;
                at = p.end;
            }
            return at == count;
        };
        CHECK(split_parts(0, 10, 8).size() == 1);
        CHECK(covers(split_parts(0, 10, 8), 0));
        CHECK(split_parts(19, 10, 8).size() == 1); // two parts would be below 10
        CHECK(split_parts(20, 10, 8).size() == 2);
        CHECK(split_parts(1000, 10, 8).size() == 8);
        CHECK(split_parts(1000, 10, 1).size() == 1);
        CHECK(split_parts(1000, 0, 3).size() == 3);
        for (std::size_t count : {1u, 7u, 100u, 1001u})
            for (std::size_t cores : {1u, 2u, 3u, 16u}) {
                const auto parts = split_parts(count, 1, cores);
                CHECK(covers(parts, count));
                for (const Part& p : parts)
                    CHECK(p.end - p.begin >= count / parts.size());
            }
    }

    TEST_CASE("every part runs once, and the results come in the order of the parts") {
        use_cores(5);
        std::vector<std::atomic<int>> runs(1000);
        in_parallel(split_parts(runs.size(), 1, cores()), [&](std::size_t, Part p) {
            for (std::size_t i = p.begin; i < p.end; ++i)
                ++runs[i];
        });
        for (const auto& r : runs)
            CHECK(r == 1);
        const auto firsts = map_parts(1000, 1, [](Part p) { return p.begin; });
        CHECK(firsts == std::vector<std::size_t>{0, 200, 400, 600, 800});
        use_cores(0);
    }

    TEST_CASE("run_both runs both, on one core one after the other") {
        for (std::size_t n : {1u, 2u}) {
            use_cores(n);
            std::vector<int> order;
            std::atomic<int> second{0};
            run_both([&] { order.push_back(1); }, [&] { ++second; });
            CHECK(order == std::vector<int>{1});
            CHECK(second == 1);
        }
        use_cores(0);
    }

    TEST_CASE("a part that throws is thrown to the caller once every part has ended") {
        use_cores(4);
        std::atomic<int> ended{0};
        CHECK_THROWS_AS(in_parallel(split_parts(4, 1, cores()),
                                    [&](std::size_t i, Part) {
                                        ++ended;
                                        if (i == 2) throw std::runtime_error("part 2");
                                    }),
                        std::runtime_error);
        CHECK(ended == 4);
        use_cores(0);
    }

    TEST_CASE("a part that runs parts of its own runs them itself") {
        use_cores(3);
        std::vector<std::vector<std::size_t>> inner(3);
        in_parallel(split_parts(3, 1, cores()), [&](std::size_t i, Part) {
            // On a kept thread, waiting for another kept thread could wait forever.
            const auto firsts = map_parts(40, 1, [](Part p) { return p.begin; });
            inner[i] = firsts;
        });
        for (const auto& firsts : inner)
            CHECK(firsts == std::vector<std::size_t>{0, 13, 26});
        use_cores(0);
    }

    TEST_CASE("the threads are kept between calls, and stop_workers ends them") {
        // The process's threads, once they number `expected` (the kernel lets a joined thread
        // go a moment later), or after 200 ms.
        auto threads = [](std::size_t expected) {
            std::size_t n = 0;
            for (int wait = 0; wait < 200; ++wait) {
                n = 0;
                for ([[maybe_unused]] const auto& entry :
                     std::filesystem::directory_iterator("/proc/self/task"))
                    ++n;
                if (n == expected) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            return n;
        };
        stop_workers(); // those that earlier tests left
        use_cores(3);
        std::atomic<int> runs{0};
        for (int round = 0; round < 3; ++round)
            in_parallel(split_parts(3, 1, cores()), [&](std::size_t, Part) { ++runs; });
        CHECK(runs == 9);
        CHECK(threads(3) == 3); // this one and two kept
        stop_workers();
        CHECK(threads(1) == 1);
        in_parallel(split_parts(3, 1, cores()), [&](std::size_t, Part) { ++runs; });
        CHECK(runs == 12);
        stop_workers();
        use_cores(0);
    }

} // TEST_SUITE
