#include "okr/core/result.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

using namespace okr;

namespace {

Result<int> half(int n) {
    if (n % 2) return make_failure(Failure::Kind::unsupported, "odd", "try an even number");
    return n / 2;
}

Result<void> check_even(int n) {
    if (n % 2) return make_failure(Failure::Kind::unsupported, "odd");
    return {};
}

} // namespace

TEST_SUITE("okr::result") {

    TEST_CASE("a result holds its value or the failure that prevented it") {
        const Result<int> good = half(8);
        REQUIRE(good.ok());
        CHECK(*good == 4);
        const Result<int> bad = half(7);
        REQUIRE_FALSE(bad);
        CHECK(bad.failure().kind == Failure::Kind::unsupported);
        CHECK(bad.failure().message == "odd");
        CHECK(bad.failure().hint == "try an even number");
    }

    TEST_CASE("a result of nothing is ok or a failure") {
        CHECK(check_even(2).ok());
        CHECK(check_even(3).failure().message == "odd");
    }

    TEST_CASE("a move-only value moves out of its result") {
        Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
        std::unique_ptr<int> p = std::move(r).value();
        CHECK(*p == 5);
    }

} // TEST_SUITE
