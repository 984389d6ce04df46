#pragma once
// Values that live as long as the run that made them. A run's Keeper holds what its command
// loads (the workspace, its index and evaluation: half a million objects for a thousand files);
// main owns the Keeper of its one run and ends the process without destroying it
// (util::end_process), since freeing those objects one by one costs more than a warm command's
// own work. A run in a test or a fuzzer destroys its Keeper, and everything in it, as it returns.

#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace okr::util {

class Keeper {
  public:
    Keeper() = default;
    Keeper(const Keeper&) = delete;
    Keeper& operator=(const Keeper&) = delete;
    // The last kept first: a value may refer to one kept before it.
    ~Keeper() {
        while (!m_kept.empty())
            m_kept.pop_back();
    }

    // `value`, moved to where it lives as long as this Keeper.
    template <class T>
    requires(!std::is_lvalue_reference_v<T>) T& keep(T&& value) {
        auto kept = std::make_unique<Kept<T>>(std::move(value));
        T& out = kept->value;
        m_kept.push_back(std::move(kept));
        return out;
    }

  private:
    struct Any {
        virtual ~Any() = default;
    };
    template <class T> struct Kept : Any {
        explicit Kept(T&& v) : value(std::move(v)) {}
        T value;
    };
    std::vector<std::unique_ptr<Any>> m_kept;
};

} // namespace okr::util
