#pragma once
// One result type for every failure below the CLI: a value, or a `Failure` that says what went
// wrong in the user's words, with a kind the CLI maps to an exit code (SPEC §6). Marked
// [[nodiscard]], so that no failure is dropped by forgetting to look.

#include "okr/core/diagnostic.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace okr {

struct Failure {
    enum class Kind {
        io,               // reading or writing a file failed (`error_number` says why)
        not_found,        // a file, a workspace or an item is not there (any more)
        read_only,        // the file may not be written
        exists,           // something is already where a new file was to be created
        lock_held,        // another running process holds the file's lock
        lock_stale,       // the lock's process is gone; its lock file stays until removed
        changed,          // the file was replaced while okr held it; nothing was written
        unsupported,      // the file is laid out in a way okr cannot change safely
        file_invalid,     // the text is not valid input (a goal file, an import file) to begin with
        would_be_invalid, // a change would make the file invalid (`diagnostics` say why)
        unverified,       // a change did not read back as intended (a bug in okr)
    };
    Kind kind = Kind::io;
    std::string message; // names the file or item, and where there is one, the errno text
    std::string hint;
    Diagnostics diagnostics; // the positioned errors of a goal file, where there are some
    int error_number = 0;    // errno of the system call that failed; 0 when none did
    SourcePos pos;           // where in the input the failure is, when it is about one place

    // Adds a clause to the hint ("; "-separated), e.g. what was written before the failure.
    void add_to_hint(std::string_view clause) {
        if (!hint.empty()) hint += "; ";
        hint += clause;
    }
};

// A failure of `kind` that says what went wrong and how to fix it; the other fields are set
// where they apply.
inline Failure make_failure(Failure::Kind kind, std::string message, std::string hint = {}) {
    Failure failure;
    failure.kind = kind;
    failure.message = std::move(message);
    failure.hint = std::move(hint);
    return failure;
}

// A value of type T, or the Failure that prevented it.
template <class T> class [[nodiscard]] Result {
  public:
    Result(T value) : m_value(std::in_place_index<0>, std::move(value)) {}
    Result(Failure failure) : m_value(std::in_place_index<1>, std::move(failure)) {}

    bool ok() const { return m_value.index() == 0; }
    explicit operator bool() const { return ok(); }

    // The value; only when ok().
    T& value() & { return std::get<0>(m_value); }
    const T& value() const& { return std::get<0>(m_value); }
    T&& value() && { return std::get<0>(std::move(m_value)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    // The failure; only when !ok().
    Failure& failure() & { return std::get<1>(m_value); }
    const Failure& failure() const& { return std::get<1>(m_value); }
    Failure&& failure() && { return std::get<1>(std::move(m_value)); }

  private:
    std::variant<T, Failure> m_value;
};

// Success with nothing to return, or the Failure.
template <> class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Failure failure) : m_failure(std::move(failure)) {}

    bool ok() const { return !m_failure.has_value(); }
    explicit operator bool() const { return ok(); }

    Failure& failure() & { return *m_failure; }
    const Failure& failure() const& { return *m_failure; }
    Failure&& failure() && { return std::move(*m_failure); }

  private:
    std::optional<Failure> m_failure;
};

} // namespace okr
