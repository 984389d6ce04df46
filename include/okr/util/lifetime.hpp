#pragma once
// Values kept until the process exits, and never destroyed. okr runs one command and exits; a
// loaded workspace of a thousand files is half a million objects, and freeing them one by one
// costs more than a warm command's own work. The read commands hand their loaded goals over
// here. Every kept value stays reachable from one global list, so leak checkers (LeakSanitizer,
// valgrind) count it as still in use, not as a leak.

#include <mutex>
#include <type_traits>
#include <utility>

namespace okr::util {

namespace detail {

struct Kept {
    Kept* next = nullptr;
};

template <class T> struct KeptValue : Kept {
    explicit KeptValue(T&& v) : value(std::move(v)) {}
    T value;
};

inline Kept* g_kept = nullptr; // the list of kept values
inline std::mutex g_kept_mutex;

} // namespace detail

// `value`, moved to where it lives until the process exits.
template <class T>
requires(!std::is_lvalue_reference_v<T>) T& keep_until_exit(T&& value) {
    auto* node = new detail::KeptValue<T>(std::move(value));
    const std::lock_guard lock(detail::g_kept_mutex);
    node->next = detail::g_kept;
    detail::g_kept = node;
    return node->value;
}

} // namespace okr::util
