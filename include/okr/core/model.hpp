#pragma once
// The goal model: what a workspace of goal files holds, after validation (SPEC §3).

#include "okr/core/cycle.hpp"
#include "okr/core/date.hpp"
#include "okr/core/diagnostic.hpp"

#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace okr {

// Where a part of the model was written. Positions are not part of the goals: two of them always
// compare equal, so that `==` on the model compares what the files say, wherever they say it
// (write verification re-parses a changed file and compares). Compared with a plain SourcePos,
// a position compares as a place.
struct ModelPos : SourcePos {
    ModelPos() = default;
    ModelPos(SourcePos p) : SourcePos(p) {}
    bool operator==(const ModelPos&) const { return true; }
    bool operator==(const SourcePos& p) const { return static_cast<const SourcePos&>(*this) == p; }
};

// A check-in's note: its text in one allocation of its own, or none when it is empty. It takes
// 8 bytes where a std::string takes 32, and a workspace of 1,000 files holds 250,000 check-ins,
// most of them without a note (a read command without notes decodes none): issue 29, item 2.
class Note {
  public:
    Note() = default;
    Note(std::string_view text);
    Note(const std::string& text) : Note(std::string_view(text)) {}
    Note(const char* text) : Note(std::string_view(text)) {}
    Note(const Note& other) : Note(other.view()) {}
    Note(Note&& other) noexcept : m_data(std::exchange(other.m_data, nullptr)) {}
    Note& operator=(Note other) noexcept {
        std::swap(m_data, other.m_data);
        return *this;
    }
    ~Note() { delete[] m_data; }

    std::string_view view() const {
        if (!m_data) return {};
        std::size_t n;
        std::memcpy(&n, m_data, sizeof n);
        return {m_data + sizeof n, n};
    }
    operator std::string_view() const { return view(); }
    std::string str() const { return std::string(view()); }
    bool empty() const { return m_data == nullptr; }
    std::size_t size() const { return view().size(); }
    // One comparison for a note and anything that reads as text (another note, a string, a
    // literal): an exact match either way round, so that C++20's reversed candidates are never
    // ambiguous (clang's -Wambiguous-reversed-operator).
    template <class T>
    requires std::is_convertible_v<const T&, std::string_view>
    friend bool operator==(const Note& a, const T& b) { return a.view() == std::string_view(b); }

  private:
    char* m_data = nullptr; // the size, then the bytes; null when empty
};

// One dated measurement of a KR or KPI.
struct Checkin {
    Date date;
    ModelPos pos;
    double value = 0;
    std::optional<double> confidence;
    Note note;
    // The day a check-in was written into an objective that was already closed (`okr checkin`
    // writes it): a check-in recorded on or after the close is history, not the frozen cycle's.
    std::optional<Date> recorded;

    bool has_confidence() const { return confidence.has_value(); }
    bool operator==(const Checkin&) const = default;
};

// A reference as written in a file, with where it was written.
struct RefText {
    std::string text;
    ModelPos pos;
    bool operator==(const RefText&) const = default;
};

enum class KrType { metric, milestone };
enum class ObjectiveType { aspirational, committed };
enum class Frequency { daily, weekly, monthly, quarterly, yearly };

struct KeyResult {
    std::string id;
    std::string title;
    std::string unit;
    std::string owner; // empty: the objective's owner
    std::string notes;
    KrType type = KrType::metric;
    double start = 0;
    double target = 1;
    std::optional<double> current;
    std::optional<double> score; // manual grade, overrides the computed score
    double weight = 1;
    bool dropped = false;
    std::optional<Date> dropped_on; // the `dropped` key, written by `okr drop`
    std::optional<RefText> kpi;
    std::vector<Checkin> checkins; // in file order
    ModelPos pos;                  // of the KR's table
    ModelPos current_pos;
    bool operator==(const KeyResult&) const = default;
};

struct Objective {
    std::string id;
    std::string title;
    std::string owner;  // resolved: the file's owner when the key is absent
    std::string cycle;  // resolved: the file's cycle when the key is absent
    ModelPos cycle_pos; // of the objective's `cycle` value, else of the file's
    std::string notes;
    ObjectiveType type = ObjectiveType::aspirational;
    double weight = 1;
    bool dropped = false;
    std::optional<Date> dropped_on; // the `dropped` key, written by `okr drop`
    std::optional<RefText> parent;
    std::optional<Date> closed; // set by `okr close`: KR scores are frozen from then on
    ModelPos closed_pos;
    std::optional<RefText> carried_from; // the objective of an earlier cycle this one continues
    std::vector<RefText> kpis;
    std::vector<std::string> tags;
    std::vector<KeyResult> krs;
    ModelPos pos;
    bool operator==(const Objective&) const = default;
};

struct Kpi {
    std::string id;
    std::string title;
    std::string unit;
    std::string owner; // resolved: the file's owner when the key is absent
    std::string notes;
    std::optional<double> min;
    std::optional<double> max;
    std::optional<double> warn;
    std::optional<Frequency> frequency;
    // A shell command that prints the KPI's value; run only by `okr pull`, after `okr trust`.
    std::optional<std::string> source;
    ModelPos source_pos;
    bool dropped = false;
    std::optional<Date> dropped_on; // the `dropped` key, written by `okr drop`
    std::vector<std::string> tags;
    std::vector<Checkin> checkins;
    ModelPos pos;
    bool operator==(const Kpi&) const = default;
};

// A key the schema does not know; kept in the file, reported by `okr check`.
struct UnknownKey {
    std::string key;
    std::string header;     // `[[objective.krs]]` when it is a table, else empty
    std::string suggestion; // nearest known key, or empty
    ModelPos pos;
    bool operator==(const UnknownKey&) const = default;
};

// One goal file after loading.
struct GoalFile {
    std::string path; // as given or discovered, used in messages
    std::string title;
    std::string owner;
    std::string name_space;          // `namespace` key, else the file stem
    bool namespace_declared = false; // the file has a valid `namespace` key
    std::string cycle;               // the file's default cycle, may be empty
    ModelPos cycle_pos;
    std::vector<Cycle> cycles;     // declared under [cycles]
    std::vector<RefText> includes; // [workspace] include globs
    std::vector<Objective> objectives;
    std::vector<Kpi> kpis;
    std::vector<UnknownKey> unknown_keys;
    // Equal when the files say the same, positions aside (see ModelPos).
    bool operator==(const GoalFile&) const = default;
};

// All files that form one workspace, in load order (sorted by path).
struct Workspace {
    std::vector<GoalFile> files;
};

const char* to_string(KrType t);
const char* to_string(ObjectiveType t);
const char* to_string(Frequency f);
// Length of one period of a frequency, in days (1, 7, 31, 92, 366).
int period_days(Frequency f);

} // namespace okr
