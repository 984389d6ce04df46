#pragma once
// The building blocks of JSON output (SPEC §9): a streaming writer and the fields every report
// writes the same way (stable key names, ISO dates, null for missing numbers). Each report
// writes its own document in its module (`status_json` in `status`, `tree_json` in `tree`, ...).

#include "okr/core/date.hpp"
#include "okr/core/scoring.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okr::report {

// Receives finished output as it is produced (and clears what it took), so that a large
// document need not be held in memory whole. Empty: keep everything in the string.
using Spill = std::function<void(std::string& text)>;

// A small streaming JSON writer that inserts commas, indents and escapes strings.
class JsonWriter {
  public:
    explicit JsonWriter(std::string& out, Spill spill = {})
        : m_out(out), m_spill(std::move(spill)) {}
    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    void key(std::string_view k);
    void value(std::string_view s);
    void value(const char* s) { value(std::string_view(s)); }
    void value(double d);
    void value(bool b);
    void value(std::optional<double> d);
    void null();
    template <class T> void field(std::string_view k, const T& v) {
        key(k);
        value(v);
    }
    // A writer of further elements of the array this one has open, into `out` (with no spill):
    // what it writes, handed to append_elements, reads as if written here. So the parts of a
    // long array can be written on several cores.
    JsonWriter element_writer(std::string& out) const;
    // Adds elements written by an element_writer of this writer (spilled, or moved here).
    void append_elements(std::string& elements);

  private:
    void separate();
    // A newline and the indent of the open containers, after a comma when `comma`.
    void newline(bool comma);
    void write_string(std::string_view s);
    std::string& m_out;
    Spill m_spill;
    std::vector<bool> m_first; // per open container: nothing written yet
    bool m_after_key = false;
};

// One JSON document: an object filled by `body(JsonWriter&)`, ending in a newline; with
// `spill`, whatever was not yet spilled.
template <class Body> std::string json_document(const Spill& spill, Body body) {
    std::string out;
    JsonWriter w(out, spill);
    w.begin_object();
    body(w);
    w.end_object();
    out += '\n';
    return out;
}

// Fields every report writes the same way (SPEC §9): an ISO date or null; an array of strings;
// a string, or null when empty; a status or band word, or null for none.
void date_field(JsonWriter& w, std::string_view key, std::optional<Date> d);
void string_array(JsonWriter& w, std::string_view key, const std::vector<std::string>& items);
void optional_text(JsonWriter& w, std::string_view key, const std::string& s);
void status_field(JsonWriter& w, Status s);
void band_field(JsonWriter& w, Band b);

// `key`: an array of `count` items, item i written by `write_one(w, i)`; a long array is
// written in parts on every core, so `write_one` must read only its item.
void array_field(JsonWriter& w, std::string_view key, std::size_t count,
                 const std::function<void(JsonWriter&, std::size_t)>& write_one);
// The same over a vector: `write_one(w, item)`.
template <class Items, class Write>
void array_of(JsonWriter& w, std::string_view key, const Items& items, Write write_one) {
    array_field(w, key, items.size(),
                [&](JsonWriter& inner, std::size_t i) { write_one(inner, items[i]); });
}

} // namespace okr::report
