#include "okr/core/diagnostic.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>

using namespace okr;

TEST_SUITE("okr::diagnostic") {

    TEST_CASE("sort_diagnostics orders as a stable sort by path, then line and column") {
        std::mt19937 random(7);
        for (int round = 0; round < 50; ++round) {
            Diagnostics d;
            const int n = static_cast<int>(random() % 200);
            for (int i = 0; i < n; ++i) {
                Diagnostic x;
                x.path = "/w/team" + std::to_string(random() % 7) + ".toml";
                x.pos = {static_cast<std::uint32_t>(random() % 5),
                         static_cast<std::uint32_t>(random() % 3)};
                x.message = std::to_string(i); // tells equal places apart
                // Runs of one path, as files' findings come.
                if (i > 0 && random() % 3 == 0) x.path = d.back().path;
                d.push_back(x);
            }
            Diagnostics want = d;
            std::stable_sort(want.begin(), want.end(),
                             [](const Diagnostic& a, const Diagnostic& b) {
                                 if (a.path != b.path) return a.path < b.path;
                                 return a.pos < b.pos;
                             });
            sort_diagnostics(d);
            REQUIRE(d.size() == want.size());
            for (std::size_t i = 0; i < d.size(); ++i) {
                CAPTURE(round);
                CAPTURE(i);
                CHECK(d[i].path == want[i].path);
                CHECK(d[i].pos == want[i].pos);
                CHECK(d[i].message == want[i].message);
            }
        }
    }

} // TEST_SUITE
