#include "okr/io/merge.hpp"

#include "okr/io/parse.hpp"
#include "okr/util/heap.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fmt/format.h>
#include <iterator>
#include <optional>
#include <sstream>
#include <toml++/toml.h>
#include <unordered_map>
#include <unordered_set>

namespace okr::io {
namespace {

// ---- Lines ----------------------------------------------------------------------------------

// Calls `f(start, line)` for each line of `text` with its end (the last may have none).
template <class F> void for_each_line(std::string_view text, F&& f) {
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t nl = text.find('\n', at);
        const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
        f(at, text.substr(at, end - at));
        at = end;
    }
}

// A text in pieces that each end with a line end (the last may not): a merge's result read by the
// load check before it is put together, so that it is never held twice.
class Pieces {
  public:
    explicit Pieces(std::vector<std::string_view> parts) : m_parts(std::move(parts)) {
        m_starts.reserve(m_parts.size());
        for (std::string_view p : m_parts) {
            m_starts.push_back(m_size);
            m_size += p.size();
        }
    }
    std::size_t size() const { return m_size; }
    std::size_t line_ends() const {
        std::size_t n = 0;
        for (std::string_view p : m_parts)
            n += static_cast<std::size_t>(std::count(p.begin(), p.end(), '\n'));
        return n;
    }
    // Calls `f(start, line)` for each line, `start` counted from the text's start.
    template <class F> void for_each_line(F&& f) const {
        for (std::size_t i = 0; i < m_parts.size(); ++i)
            okr::io::for_each_line(m_parts[i], [&](std::size_t at, std::string_view line) {
                f(m_starts[i] + at, line);
            });
    }
    // The line that starts at `start`, with its end.
    std::string_view line_at(std::size_t start) const {
        const std::size_t i = part_of(start);
        const std::string_view rest = m_parts[i].substr(start - m_starts[i]);
        const std::size_t nl = rest.find('\n');
        return nl == std::string_view::npos ? rest : rest.substr(0, nl + 1);
    }
    // Appends the text from `from` to `to` to `out`.
    void append(std::string& out, std::size_t from, std::size_t to) const {
        for (std::size_t i = from < m_size ? part_of(from) : m_parts.size();
             i < m_parts.size() && m_starts[i] < to; ++i) {
            const std::size_t a = std::max(from, m_starts[i]) - m_starts[i];
            const std::size_t b = std::min(to, m_starts[i] + m_parts[i].size()) - m_starts[i];
            out.append(m_parts[i].substr(a, b - a));
        }
    }
    // The text as one view when it is in one piece (no copy), else nullopt.
    std::optional<std::string_view> single() const {
        if (m_parts.size() > 1) return std::nullopt;
        return m_parts.empty() ? std::string_view() : m_parts.front();
    }
    std::string joined() const {
        std::string out;
        out.reserve(m_size);
        for (std::string_view p : m_parts)
            out += p;
        return out;
    }

  private:
    std::size_t part_of(std::size_t at) const {
        return static_cast<std::size_t>(std::upper_bound(m_starts.begin(), m_starts.end(), at) -
                                        m_starts.begin()) -
               1;
    }
    std::vector<std::string_view> m_parts;
    std::vector<std::size_t> m_starts;
    std::size_t m_size = 0;
};

// A line without its line end (`\n` or `\r\n`).
std::string_view content_of(std::string_view line) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool is_blank(std::string_view line) {
    return trim(content_of(line)).empty();
}

// The longest run of one conflict-marker character (`<`, `|`, `=`, `>`) that starts a line of
// any of the texts: markers of one more character cannot be mistaken for content.
std::size_t longest_marker_run(std::initializer_list<std::string_view> texts) {
    std::size_t longest = 0;
    for (std::string_view text : texts)
        for (std::size_t at = 0; at < text.size();) {
            const char c = text[at];
            if (c == '<' || c == '|' || c == '=' || c == '>') {
                std::size_t n = 1;
                while (at + n < text.size() && text[at + n] == c)
                    ++n;
                longest = std::max(longest, n);
            }
            const std::size_t nl = text.find('\n', at);
            if (nl == std::string_view::npos) break;
            at = nl + 1;
        }
    return longest;
}

// ---- The line merge, parsed ------------------------------------------------------------------

// A run of the line merge: text every side agrees on, or a conflict with each side's lines.
struct Segment {
    bool conflict = false;
    std::string_view clean;      // !conflict: the lines, as one run of the line merge's text
    std::size_t clean_lines = 0; // how many
    std::vector<std::string_view> ours, base, theirs;
};

// True when `line` is a marker of `c` repeated exactly `size` times, then a space or the end.
bool is_marker(std::string_view line, char c, std::size_t size) {
    const std::string_view s = content_of(line);
    if (s.size() < size) return false;
    for (std::size_t i = 0; i < size; ++i)
        if (s[i] != c) return false;
    return s.size() == size || s[size] == ' ';
}

std::optional<std::vector<Segment>> parse_line_merge(std::string_view merged, std::size_t size) {
    std::vector<Segment> out;
    enum { clean, ours, base, theirs } state = clean;
    for_each_line(merged, [&](std::size_t at, std::string_view line) {
        switch (state) {
        case clean:
            if (is_marker(line, '<', size)) {
                out.push_back({true, {}, 0, {}, {}, {}});
                state = ours;
            } else {
                if (out.empty() || out.back().conflict)
                    out.push_back({false, merged.substr(at, 0), 0, {}, {}, {}});
                Segment& seg = out.back();
                seg.clean = std::string_view(seg.clean.data(), seg.clean.size() + line.size());
                ++seg.clean_lines;
            }
            break;
        case ours:
            if (is_marker(line, '|', size))
                state = base;
            else
                out.back().ours.push_back(line);
            break;
        case base:
            if (is_marker(line, '=', size))
                state = theirs;
            else
                out.back().base.push_back(line);
            break;
        case theirs:
            if (is_marker(line, '>', size))
                state = clean;
            else
                out.back().theirs.push_back(line);
            break;
        }
    });
    if (state != clean) return std::nullopt;
    return out;
}

// ---- Records: check-in lines and key lines ---------------------------------------------------

// A text that identifies a TOML value by its content, to find the same value in each version:
// keys in order (toml++ keeps them sorted), numbers by value (2 and 2.0 are the same).
void append_identity(const toml::node& n, std::string& out) {
    if (const auto* t = n.as_table()) {
        out += '{';
        for (auto&& [key, value] : *t) {
            out += key.str();
            out += '=';
            append_identity(value, out);
            out += ';';
        }
        out += '}';
    } else if (n.is_number()) {
        fmt::format_to(std::back_inserter(out), "{}", n.value<double>().value_or(0));
    } else if (const auto* s = n.as_string()) {
        out += '"';
        out += s->get();
        out += '"';
    } else if (const auto* a = n.as_array()) {
        out += '[';
        for (const toml::node& v : *a) {
            append_identity(v, out);
            out += ',';
        }
        out += ']';
    } else {
        std::ostringstream os;
        n.visit([&](const auto& v) { os << v; });
        out += os.str();
    }
}

enum class RecordKind { checkin, key };

// One line of a conflict read as a record: a check-in (`{ date = D, ... },`) or a plain
// `key = value` line. `id` is what matches it across versions (the date; the key), `content`
// all of it.
struct Record {
    std::string_view line;   // as written, with its line end (empty: an entry of a one-line array)
    std::string_view indent; // a check-in line's indentation
    std::string_view body;   // the inline table (check-in) or the whole line (key)
    std::string_view after;  // what follows the inline table and its comma (a comment)
    bool comma = false;      // a check-in line ends its entry with a comma
    std::string id;
    std::string content; // as written (without the comma and blanks around): what a side changed
    std::string meaning; // as TOML reads it: the same check-in or value written two ways
};

// Where the TOML value starting at `text[0]` ends: brackets and braces followed, strings
// skipped. npos when it does not end on this line.
std::size_t value_end(std::string_view text) {
    int depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"' || c == '\'') {
            for (++i; i < text.size() && text[i] != c; ++i)
                if (c == '"' && text[i] == '\\') ++i;
            if (i >= text.size()) return std::string_view::npos;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) return i + 1;
        }
    }
    return std::string_view::npos;
}

std::optional<toml::table> parse_toml(std::string_view text) {
    if (toml_hazard(text)) return std::nullopt;
    try {
        return toml::parse(text);
    } catch (const toml::parse_error&) {
        return std::nullopt;
    }
}

// A check-in's identity (its date) and content from its inline table's text; false when the
// text is not an inline table with a date.
bool read_checkin(Record& r) {
    const std::optional<toml::table> doc = parse_toml(fmt::format("x = {}", r.body));
    const toml::table* t = doc ? doc->get_as<toml::table>("x") : nullptr;
    const auto* date = t ? t->get_as<toml::date>("date") : nullptr;
    if (!date) return false;
    const toml::date& d = date->get();
    r.id = fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
    append_identity(*t, r.meaning);
    r.content = std::string(r.body);
    if (const std::string_view comment = trim(r.after); !comment.empty()) {
        r.content += ' ';
        r.content += comment;
    }
    return true;
}

std::size_t skip_blanks(std::string_view s, std::size_t i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
        ++i;
    return i;
}

// True when `rest` is blanks, then nothing or a comment.
bool only_comment(std::string_view rest) {
    rest = trim(rest);
    return rest.empty() || rest.front() == '#';
}

std::optional<Record> checkin_record(std::string_view line) {
    const std::string_view s = content_of(line);
    const std::size_t i = skip_blanks(s, 0);
    if (i == s.size() || s[i] != '{') return std::nullopt;
    const std::size_t end = value_end(s.substr(i));
    if (end == std::string_view::npos) return std::nullopt;
    Record r;
    r.line = line;
    r.indent = s.substr(0, i);
    r.body = s.substr(i, end);
    std::size_t j = skip_blanks(s, i + end);
    if (j < s.size() && s[j] == ',') {
        r.comma = true;
        ++j;
    }
    r.after = s.substr(r.comma ? j : i + end);
    if (!only_comment(r.after) || !read_checkin(r)) return std::nullopt;
    return r;
}

// A side of a conflict that is a whole `checkins` array: its first line (`checkins = [`), its
// entries, its last line (`]`); or a one-line array, whose entries have no lines of their own.
struct ArrayForm {
    std::string_view head, tail; // multi-line: with their line ends
    std::vector<Record> entries;
    bool one_line = false;
};

// `checkins = [` (then blanks or a comment), or a whole one-line array: where the `[` is.
std::optional<std::size_t> checkins_opening(std::string_view s) {
    std::size_t i = skip_blanks(s, 0);
    if (s.substr(i, 8) != "checkins") return std::nullopt;
    i = skip_blanks(s, i + 8);
    if (i >= s.size() || s[i] != '=') return std::nullopt;
    i = skip_blanks(s, i + 1);
    if (i >= s.size() || s[i] != '[') return std::nullopt;
    return i;
}

std::optional<ArrayForm> array_form(const std::vector<std::string_view>& lines) {
    if (lines.empty()) return std::nullopt;
    ArrayForm out;
    const std::string_view first = content_of(lines.front());
    const std::optional<std::size_t> open = checkins_opening(first);
    if (!open) return std::nullopt;
    if (lines.size() == 1) { // `checkins = [ {...}, {...} ]`
        out.one_line = true;
        std::size_t i = skip_blanks(first, *open + 1);
        while (i < first.size() && first[i] != ']') {
            if (first[i] != '{') return std::nullopt;
            const std::size_t end = value_end(first.substr(i));
            if (end == std::string_view::npos) return std::nullopt;
            Record r;
            r.body = first.substr(i, end);
            if (!read_checkin(r)) return std::nullopt;
            out.entries.push_back(std::move(r));
            i = skip_blanks(first, i + end);
            if (i < first.size() && first[i] == ',') i = skip_blanks(first, i + 1);
        }
        if (i >= first.size() || !only_comment(first.substr(i + 1))) return std::nullopt;
        return out;
    }
    if (!only_comment(first.substr(*open + 1))) return std::nullopt;
    const std::string_view last = trim(content_of(lines.back()));
    if (last.empty() || last.front() != ']' || !only_comment(last.substr(1))) return std::nullopt;
    out.head = lines.front();
    out.tail = lines.back();
    for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
        std::optional<Record> r = checkin_record(lines[i]);
        if (!r) return std::nullopt;
        out.entries.push_back(std::move(*r));
    }
    return out;
}

std::optional<Record> key_record(std::string_view line) {
    const std::string_view s = trim(content_of(line));
    if (s.empty() || s.front() == '[' || s.front() == '#' || s.front() == '{') return std::nullopt;
    const std::size_t eq = s.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::optional<toml::table> doc = parse_toml(s);
    if (!doc || doc->size() != 1) return std::nullopt;
    Record r;
    r.line = line;
    r.body = content_of(line);
    r.id = std::string(trim(s.substr(0, eq)));
    r.content = std::string(s);
    r.meaning = r.id + '=';
    append_identity(*doc, r.meaning);
    return r;
}

std::optional<std::vector<Record>> records(const std::vector<std::string_view>& lines,
                                           RecordKind kind) {
    std::vector<Record> out;
    out.reserve(lines.size());
    for (std::string_view line : lines) {
        std::optional<Record> r =
            kind == RecordKind::checkin ? checkin_record(line) : key_record(line);
        if (!r) return std::nullopt;
        out.push_back(std::move(*r));
    }
    return out;
}

// What became of each BASE record on one side: the side's record it is (unchanged or
// changed), or none (deleted).
struct Matching {
    std::vector<std::optional<std::size_t>> of_base; // side index per base record
    std::vector<bool> from_base;                     // per side record: matched to a base one
};

// Matches BASE's records on a side: first by content (unchanged), then a base record left over
// to the one side record left over with its id (changed). nullopt when that is ambiguous.
std::optional<Matching> match(const std::vector<Record>& base, const std::vector<Record>& side) {
    Matching m;
    m.of_base.assign(base.size(), std::nullopt);
    m.from_base.assign(side.size(), false);
    // Per content, the side records that have it in order, and how many are taken: a base
    // record takes the earliest one not taken yet (linear however many lines are alike).
    struct Alike {
        std::vector<std::size_t> at;
        std::size_t taken = 0;
    };
    std::unordered_map<std::string_view, Alike> by_content;
    by_content.reserve(side.size());
    for (std::size_t i = 0; i < side.size(); ++i)
        by_content[side[i].content].at.push_back(i);
    for (std::size_t b = 0; b < base.size(); ++b) {
        auto it = by_content.find(base[b].content);
        if (it == by_content.end() || it->second.taken == it->second.at.size()) continue;
        const std::size_t s = it->second.at[it->second.taken++];
        m.of_base[b] = s;
        m.from_base[s] = true;
    }
    std::unordered_map<std::string_view, std::vector<std::size_t>> left_base, left_side;
    for (std::size_t b = 0; b < base.size(); ++b)
        if (!m.of_base[b]) left_base[base[b].id].push_back(b);
    for (std::size_t s = 0; s < side.size(); ++s)
        if (!m.from_base[s]) left_side[side[s].id].push_back(s);
    for (auto& [id, bs] : left_base) {
        auto it = left_side.find(id);
        if (it == left_side.end()) continue; // deleted
        if (bs.size() != 1 || it->second.size() != 1) return std::nullopt;
        m.of_base[bs.front()] = it->second.front();
        m.from_base[it->second.front()] = true;
    }
    return m;
}

// One line of a resolved conflict, or a conflict of one record.
struct Entry {
    std::string id; // the record's id (a check-in's date orders the entries)
    const Record* line = nullptr;
    bool conflict = false;
    const Record* ours = nullptr;   // conflict: ours' line, or nullptr (deleted there)
    const Record* theirs = nullptr; // conflict: theirs' line, or nullptr (deleted there)
    std::string what;               // conflict: what each side did

    static Entry kept(const Record& r) { return {r.id, &r, false, nullptr, nullptr, {}}; }
};

// `current` changed both ways: ours' line is written, and the merged check-ins decide later.
struct PendingCurrent {
    std::size_t line = 0; // of ours' line (in the lines of a resolution, then of the text)
    std::string ours, theirs;
};

struct Resolution {
    std::vector<std::string> lines;     // the text, conflicts as markers
    std::vector<std::size_t> conflicts; // the line (index in `lines`) of each conflict's start
    std::vector<std::string> whats;     // what each side did, per conflict
    std::vector<std::string> notes;
    std::vector<PendingCurrent> currents;
};

struct Context {
    const MergeLabels& labels;
    std::string eol;
};

// A record's line as the merge writes it: a key line as it was; a check-in line with its comma
// (or without, for an array's last entry), indented by `indent` where a layout gives one.
std::string line_text(const Record& r, bool comma, const std::string& eol, RecordKind kind,
                      const std::string_view* indent) {
    if (kind == RecordKind::key || (r.comma == comma && !indent && !r.line.empty()))
        return std::string(content_of(r.line)) + eol;
    std::string out(indent ? *indent : r.indent);
    out += r.body;
    if (comma) out += ',';
    out += r.after;
    return out + eol;
}

void add_conflict(Resolution& out, const Context& cx, std::vector<std::string> ours,
                  std::vector<std::string> theirs, std::string what) {
    out.conflicts.push_back(out.lines.size());
    out.whats.push_back(std::move(what));
    const std::size_t n = cx.labels.marker_size;
    out.lines.push_back(fmt::format("{} {}{}", std::string(n, '<'), cx.labels.ours, cx.eol));
    for (std::string& l : ours)
        out.lines.push_back(std::move(l));
    out.lines.push_back(std::string(n, '=') + cx.eol);
    for (std::string& l : theirs)
        out.lines.push_back(std::move(l));
    out.lines.push_back(fmt::format("{} {}{}", std::string(n, '>'), cx.labels.theirs, cx.eol));
}

// A conflict whose three sides are all records of `kind`, merged record by record; nullopt
// when they are not, or the matching is ambiguous.
// The records of a conflict's three sides merged record by record; nullopt when the matching
// is ambiguous. `indent`, `last_comma`: the layout of check-in lines in an array being rewritten.
std::optional<Resolution> merge_records(const std::vector<Record>* b, const std::vector<Record>* o,
                                        const std::vector<Record>* t, RecordKind kind,
                                        const Context& cx, const std::string_view* indent,
                                        bool last_comma) {
    if (kind == RecordKind::key) { // a key twice in one side is not for matching by key
        for (const auto* side : {b, o, t}) {
            std::vector<std::string_view> ids;
            for (const Record& r : *side)
                ids.push_back(r.id);
            std::sort(ids.begin(), ids.end());
            if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) return std::nullopt;
        }
    }
    const auto mo = match(*b, *o);
    const auto mt = match(*b, *t);
    if (!mo || !mt) return std::nullopt;
    const std::string& lo = cx.labels.ours;
    const std::string& lt = cx.labels.theirs;
    const char* noun = kind == RecordKind::checkin ? "check-in of" : "key";
    // Ours' records in ours' order, each as the merge has it; then the base records ours deleted
    // that theirs changed (a conflict); then theirs' new records.
    std::vector<Entry> entries;
    std::vector<std::optional<std::size_t>> base_of_ours(o->size());
    for (std::size_t i = 0; i < b->size(); ++i)
        if (mo->of_base[i]) base_of_ours[*mo->of_base[i]] = i;
    for (std::size_t i = 0; i < o->size(); ++i) {
        const Record& orec = (*o)[i];
        if (!base_of_ours[i]) { // new in ours
            entries.push_back(Entry::kept(orec));
            continue;
        }
        const std::size_t bi = *base_of_ours[i];
        const bool ours_same = (*b)[bi].content == orec.content;
        const std::optional<std::size_t> ti = mt->of_base[bi];
        const Record* trec = ti ? &(*t)[*ti] : nullptr;
        const bool theirs_same = trec && trec->content == (*b)[bi].content;
        if (theirs_same || (trec && trec->content == orec.content)) {
            entries.push_back(Entry::kept(orec));
        } else if (ours_same) {
            if (trec)
                entries.push_back(Entry::kept(*trec)); // changed in theirs; else deleted there
        } else if (!trec) {
            entries.push_back(
                {orec.id, nullptr, true, &orec, nullptr,
                 fmt::format("{} {}: changed on {}, deleted on {}", noun, orec.id, lo, lt)});
        } else {
            entries.push_back({orec.id, nullptr, true, &orec, trec,
                               fmt::format("{} {}: changed both ways, differently on {} and {}",
                                           noun, orec.id, lo, lt)});
            // Both sides checked in to a KR with `current`: the merged check-ins decide.
            if (kind == RecordKind::key && orec.id == "current") entries.back().conflict = false;
        }
    }
    for (std::size_t bi = 0; bi < b->size(); ++bi) {
        if (mo->of_base[bi] || !mt->of_base[bi]) continue; // kept by ours, or deleted both ways
        const Record& trec = (*t)[*mt->of_base[bi]];
        if (trec.content == (*b)[bi].content) continue; // deleted in ours, unchanged in theirs
        entries.push_back(
            {trec.id, nullptr, true, nullptr, &trec,
             fmt::format("{} {}: deleted on {}, changed on {}", noun, trec.id, lo, lt)});
    }
    // Theirs' new records, but those ours added too (by meaning: the same check-in twice is
    // one check-in).
    std::unordered_set<std::string_view> ours_new;
    for (std::size_t i = 0; i < o->size(); ++i)
        if (!mo->from_base[i]) ours_new.insert((*o)[i].meaning);
    for (std::size_t i = 0; i < t->size(); ++i)
        if (!mt->from_base[i] && !ours_new.contains((*t)[i].meaning))
            entries.push_back(Entry::kept((*t)[i]));
    if (kind == RecordKind::checkin)
        std::stable_sort(entries.begin(), entries.end(),
                         [](const Entry& x, const Entry& y) { return x.id < y.id; });

    Resolution out;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        const bool comma = i + 1 < entries.size() ? true : last_comma;
        if (!e.conflict && !e.line) { // `current`, changed both ways
            out.currents.push_back({out.lines.size(),
                                    line_text(*e.ours, comma, cx.eol, kind, indent),
                                    line_text(*e.theirs, comma, cx.eol, kind, indent)});
            out.lines.push_back(out.currents.back().ours);
            continue;
        }
        if (!e.conflict) {
            out.lines.push_back(line_text(*e.line, comma, cx.eol, kind, indent));
            continue;
        }
        std::vector<std::string> ours_side, theirs_side;
        if (e.ours) ours_side.push_back(line_text(*e.ours, comma, cx.eol, kind, indent));
        if (e.theirs) theirs_side.push_back(line_text(*e.theirs, comma, cx.eol, kind, indent));
        add_conflict(out, cx, std::move(ours_side), std::move(theirs_side), e.what);
    }
    if (kind == RecordKind::checkin) {
        // Two new values on one date are both kept; say so (okr check warns too).
        for (std::size_t i = 1; i < entries.size(); ++i) {
            const Entry& x = entries[i - 1];
            const Entry& y = entries[i];
            if (!x.conflict && !y.conflict && x.id == y.id && x.line->meaning != y.line->meaning)
                out.notes.push_back(fmt::format(
                    "two check-ins of {} with different values were kept, one from each side: "
                    "`okr check` warns until one is removed",
                    x.id));
        }
    }
    return out;
}

// A conflict whose three sides are all lines of records of `kind`.
std::optional<Resolution> resolve_lines(const Segment& seg, RecordKind kind, const Context& cx) {
    const auto b = records(seg.base, kind);
    const auto o = records(seg.ours, kind);
    const auto t = records(seg.theirs, kind);
    if (!b || !o || !t) return std::nullopt;
    // A check-in line keeps or gets its comma, but the last keeps what ours' last line had.
    const bool last_comma = o->empty() ? (t->empty() || t->back().comma) : o->back().comma;
    return merge_records(&*b, &*o, &*t, kind, cx, nullptr, last_comma);
}

// A conflict whose three sides are each a whole `checkins` array (one side's first append made
// a one-line array one check-in per line): merged entry by entry, in the layout of ours' array
// where it has one entry per line, else of theirs'.
std::optional<Resolution> resolve_arrays(const Segment& seg, const Context& cx) {
    const auto b = array_form(seg.base);
    const auto o = array_form(seg.ours);
    const auto t = array_form(seg.theirs);
    if (!b || !o || !t) return std::nullopt;
    const ArrayForm* layout = !o->one_line ? &*o : !t->one_line ? &*t : nullptr;
    if (!layout || layout->entries.empty()) return std::nullopt;
    const std::string_view indent = layout->entries.front().indent;
    std::optional<Resolution> r =
        merge_records(&b->entries, &o->entries, &t->entries, RecordKind::checkin, cx, &indent,
                      layout->entries.back().comma);
    if (!r) return std::nullopt;
    r->lines.insert(r->lines.begin(), std::string(content_of(layout->head)) + cx.eol);
    for (std::size_t& at : r->conflicts)
        ++at;
    r->lines.push_back(std::string(content_of(layout->tail)) + cx.eol);
    return r;
}

// A conflict where both sides added whole items (a `[[...]]` header first) at one place, and
// BASE had nothing there but blank lines: both are kept, ours first.
std::optional<Resolution> resolve_new_items(const Segment& seg, const Context& cx) {
    if (!std::all_of(seg.base.begin(), seg.base.end(), is_blank)) return std::nullopt;
    auto starts_item = [](const std::vector<std::string_view>& lines) {
        for (std::string_view line : lines) {
            const std::string_view s = trim(content_of(line));
            if (s.empty() || s.front() == '#') continue;
            return s.starts_with("[[");
        }
        return false;
    };
    if (!starts_item(seg.ours) || !starts_item(seg.theirs)) return std::nullopt;
    Resolution out;
    for (std::string_view l : seg.ours)
        out.lines.emplace_back(l);
    if (!out.lines.empty() && out.lines.back().back() != '\n') out.lines.back() += cx.eol;
    if (!is_blank(seg.ours.back()) && !is_blank(seg.theirs.front())) out.lines.push_back(cx.eol);
    for (std::string_view l : seg.theirs)
        out.lines.emplace_back(l);
    return out;
}

// ---- Merges of parts changed on one side --------------------------------------------------

// True when `line` has an ASCII letter or digit: git's merge joins conflicts across lines
// without one, so such lines are no anchors.
bool has_alnum(std::string_view line) {
    return std::any_of(line.begin(), line.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    });
}

// The parts of one_sided_merge's result, in order; nullopt where it has none.
std::optional<std::vector<std::string_view>>
one_sided_parts(std::string_view base, std::string_view ours, std::string_view theirs) {
    const std::string_view texts[3] = {base, ours, theirs};
    // Lines of the smallest text that could be anchors: how often each text has them, where.
    struct Seen {
        std::size_t count[3] = {0, 0, 0};
        std::size_t at[3] = {0, 0, 0};
    };
    const int least = static_cast<int>(std::min_element(std::begin(texts), std::end(texts),
                                                        [](std::string_view a, std::string_view b) {
                                                            return a.size() < b.size();
                                                        }) -
                                       std::begin(texts));
    std::unordered_map<std::string_view, Seen> seen;
    seen.reserve(
        static_cast<std::size_t>(std::count(texts[least].begin(), texts[least].end(), '\n')));
    for_each_line(texts[least], [&](std::size_t at, std::string_view line) {
        if (line.back() != '\n' || !has_alnum(line)) return;
        Seen& s = seen[line];
        if (s.count[least]++ == 0) s.at[least] = at;
    });
    for (int t = 0; t < 3; ++t) {
        if (t == least) continue;
        for_each_line(texts[t], [&](std::size_t at, std::string_view line) {
            const auto it = seen.find(line);
            if (it == seen.end()) return;
            if (it->second.count[t]++ == 0) it->second.at[t] = at;
        });
    }
    // Anchors: lines once in each text, taken in BASE's order while they keep the order on
    // both sides too.
    std::vector<const Seen*> candidates;
    for (const auto& [line, s] : seen)
        if (s.count[0] == 1 && s.count[1] == 1 && s.count[2] == 1) candidates.push_back(&s);
    std::sort(candidates.begin(), candidates.end(),
              [](const Seen* a, const Seen* b) { return a->at[0] < b->at[0]; });
    std::vector<std::array<std::size_t, 3>> cuts; // where each part after an anchor starts
    std::array<std::size_t, 3> last = {0, 0, 0};
    bool any = false;
    for (const Seen* s : candidates) {
        if (any && (s->at[1] < last[1] || s->at[2] < last[2])) continue;
        const std::size_t size = texts[0].find('\n', s->at[0]) + 1 - s->at[0];
        cuts.push_back({s->at[0], s->at[1], s->at[2]});
        last = {s->at[0] + size, s->at[1] + size, s->at[2] + size};
        cuts.push_back(last);
        any = true;
    }
    cuts.push_back({base.size(), ours.size(), theirs.size()});
    // Each part between anchors: the same on all sides, changed on one side, or changed alike
    // on both, takes that text; changed on both sides differently, the line merge decides.
    std::vector<std::string_view> parts;
    parts.reserve(cuts.size());
    std::array<std::size_t, 3> from = {0, 0, 0};
    for (const std::array<std::size_t, 3>& to : cuts) {
        const std::string_view b = base.substr(from[0], to[0] - from[0]),
                               o = ours.substr(from[1], to[1] - from[1]),
                               t = theirs.substr(from[2], to[2] - from[2]);
        if (o == b || o == t)
            parts.push_back(t);
        else if (t == b)
            parts.push_back(o);
        else
            return std::nullopt;
        from = to;
    }
    return parts;
}

} // namespace

std::optional<std::string> one_sided_merge(std::string_view base, std::string_view ours,
                                           std::string_view theirs) {
    std::optional<std::vector<std::string_view>> parts = one_sided_parts(base, ours, theirs);
    if (!parts) return std::nullopt;
    return Pieces(std::move(*parts)).joined();
}

namespace {

// ---- Putting it together ---------------------------------------------------------------------

struct Assembled {
    std::string text;
    std::vector<std::pair<std::size_t, std::string>> conflicts; // line index, what
    std::vector<std::string> notes;
    std::vector<PendingCurrent> currents;
};

// The lines common to the start and to the end of both sides go outside the markers, as git's
// default ("zealous") merge writes them.
void add_text_conflict(Resolution& out, const Segment& seg, const Context& cx) {
    std::size_t head = 0;
    while (head < seg.ours.size() && head < seg.theirs.size() && seg.ours[head] == seg.theirs[head])
        ++head;
    std::size_t tail = 0;
    while (tail < seg.ours.size() - head && tail < seg.theirs.size() - head &&
           seg.ours[seg.ours.size() - 1 - tail] == seg.theirs[seg.theirs.size() - 1 - tail])
        ++tail;
    for (std::size_t i = 0; i < head; ++i)
        out.lines.emplace_back(seg.ours[i]);
    std::vector<std::string> o(seg.ours.begin() + static_cast<std::ptrdiff_t>(head),
                               seg.ours.end() - static_cast<std::ptrdiff_t>(tail));
    std::vector<std::string> t(seg.theirs.begin() + static_cast<std::ptrdiff_t>(head),
                               seg.theirs.end() - static_cast<std::ptrdiff_t>(tail));
    for (auto* side : {&o, &t})
        if (!side->empty() && side->back().back() != '\n') side->back() += cx.eol;
    const bool deleted_ours = o.empty(), deleted_theirs = t.empty();
    add_conflict(out, cx, std::move(o), std::move(t),
                 deleted_ours
                     ? fmt::format("deleted on {}, changed on {}", cx.labels.ours, cx.labels.theirs)
                 : deleted_theirs
                     ? fmt::format("changed on {}, deleted on {}", cx.labels.ours, cx.labels.theirs)
                     : fmt::format("changed both ways, differently on {} and {}", cx.labels.ours,
                                   cx.labels.theirs));
    for (std::size_t i = seg.ours.size() - tail; i < seg.ours.size(); ++i)
        out.lines.emplace_back(seg.ours[i]);
}

Assembled assemble(const std::vector<Segment>& segments, const Context& cx, bool resolve) {
    Assembled out;
    std::size_t line = 0;
    for (const Segment& seg : segments) {
        if (!seg.conflict) {
            out.text += seg.clean;
            line += seg.clean_lines;
            continue;
        }
        std::optional<Resolution> r;
        if (resolve) r = resolve_lines(seg, RecordKind::checkin, cx);
        if (resolve && !r) r = resolve_arrays(seg, cx);
        if (resolve && !r) r = resolve_lines(seg, RecordKind::key, cx);
        if (resolve && !r) r = resolve_new_items(seg, cx);
        if (!r) {
            r.emplace();
            add_text_conflict(*r, seg, cx);
        }
        for (std::size_t i = 0; i < r->conflicts.size(); ++i)
            out.conflicts.emplace_back(line + r->conflicts[i], r->whats[i]);
        for (std::string& n : r->notes)
            out.notes.push_back(std::move(n));
        for (PendingCurrent& c : r->currents) {
            c.line += line;
            out.currents.push_back(std::move(c));
        }
        for (const std::string& l : r->lines)
            out.text += l;
        line += r->lines.size();
    }
    return out;
}

// ---- The load check, a window of check-ins at a time ---------------------------------------

std::optional<Diagnostic> whole_file_error(std::string_view text, const std::string& path) {
    ParsedFile parsed = parse_goal_file(text, path);
    for (Diagnostic& d : parsed.diagnostics)
        if (d.level == Level::error) return std::move(d);
    return std::nullopt;
}

// The same for a text in pieces, put together only when it is in more than one.
std::optional<Diagnostic> whole_text_error(const Pieces& text, const std::string& path) {
    if (const std::optional<std::string_view> one = text.single())
        return whole_file_error(*one, path);
    return whole_file_error(text.joined(), path);
}

enum class In { value, basic, literal }; // outside multi-line strings, or in a """ or a ''' one

// Follows one line (without its end) through strings, comments and brackets; false when a
// one-line string does not close on it or a bracket closes that was not open (the read of the
// whole file says what is wrong).
bool scan_line(std::string_view s, In& in, int& depth) {
    for (std::size_t i = 0; i < s.size();) {
        const char c = s[i];
        if (in != In::value) {
            const char quote = in == In::basic ? '"' : '\'';
            if (in == In::basic && c == '\\') {
                i += 2;
            } else if (c == quote) { // a run of 3 to 5 quotes closes the string
                std::size_t q = 0;
                while (i + q < s.size() && s[i + q] == quote)
                    ++q;
                if (q > 5) return false;
                if (q >= 3) in = In::value;
                i += q;
            } else {
                ++i;
            }
        } else if (c == '#') {
            return true;
        } else if (c == '"' || c == '\'') {
            if (s.substr(i, 3) == std::string_view(c == '"' ? R"(""")" : "'''")) {
                in = c == '"' ? In::basic : In::literal;
                i += 3;
                continue;
            }
            for (++i; i < s.size() && s[i] != c; ++i)
                if (c == '"' && s[i] == '\\') ++i;
            if (i >= s.size()) return false;
            ++i;
        } else {
            if (c == '[' || c == '{') ++depth;
            if ((c == ']' || c == '}') && --depth < 0) return false;
            ++i;
        }
    }
    return true;
}

// A line that is one check-in and its comma, as okr writes them: an inline table on the line,
// no multi-line string in it, then `,` and nothing but a comment. Leaving it out of an array
// leaves the array as valid as it was.
bool one_checkin_line(std::string_view s) {
    const std::size_t i = skip_blanks(s, 0);
    if (i == s.size() || s[i] != '{') return false;
    if (s.find(R"(""")") != std::string_view::npos || s.find("'''") != std::string_view::npos)
        return false;
    const std::size_t end = value_end(s.substr(i));
    if (end == std::string_view::npos) return false;
    const std::size_t j = skip_blanks(s, i + end);
    return j < s.size() && s[j] == ',' && only_comment(s.substr(j + 1));
}

// Where the lines that are one check-in each inside a multi-line `checkins = [` array start, in
// order; nullopt when the text is not read to its end (the read of the whole file says why).
std::optional<std::vector<std::uint32_t>> checkin_lines(const Pieces& text) {
    std::vector<std::uint32_t> out;
    out.reserve(text.line_ends());
    In in = In::value;
    int depth = 0;
    bool in_checkins = false; // in an array opened by a `checkins = [` line at the top
    bool read = true;
    text.for_each_line([&](std::size_t at, std::string_view whole) {
        if (!read) return;
        const bool ended = whole.back() == '\n';
        const std::string_view line = content_of(whole);
        if (in == In::value && depth == 0) {
            const std::optional<std::size_t> open = checkins_opening(line);
            if (open && only_comment(line.substr(*open + 1))) {
                in_checkins = true;
                depth = 1;
                return;
            }
        } else if (in == In::value && depth == 1 && in_checkins && ended &&
                   one_checkin_line(line)) {
            out.push_back(static_cast<std::uint32_t>(at));
            return;
        }
        if (!scan_line(line, in, depth)) read = false;
        if (depth == 0) in_checkins = false;
    });
    if (!read) return std::nullopt;
    return out;
}

// The first error of `text` read `window` of its check-in lines (`lines`, from checkin_lines)
// at a time; the whole file at once when they fit in one window.
std::optional<Diagnostic> error_in_windows(const Pieces& text, const std::string& path,
                                           const std::vector<std::uint32_t>& lines,
                                           std::size_t window) {
    if (lines.size() <= window) return whole_text_error(text, path);
    // Each read holds the file's other lines, the window's check-ins, and a blank line for each
    // check-in left out.
    std::string part;
    std::optional<Diagnostic> first;
    for (std::size_t from = 0; from < lines.size(); from += window) {
        part.clear();
        std::size_t at = 0;
        for (std::size_t k = 0; k < lines.size(); ++k) {
            if (k == from) {
                k = std::min(from + window, lines.size()) - 1;
                continue;
            }
            const std::size_t start = lines[k];
            const std::string_view line = text.line_at(start); // every such line has its end
            text.append(part, at, start);
            part += line.size() > 1 && line[line.size() - 2] == '\r' ? "\r\n" : "\n";
            at = start + line.size();
        }
        text.append(part, at, text.size());
        std::optional<Diagnostic> found = whole_file_error(part, path);
        if (found && (!first || found->pos < first->pos)) first = std::move(found);
    }
    return first;
}

} // namespace

namespace {

// The first error of `text`, read `window` check-ins at a time (npos: the default window).
std::optional<Diagnostic> first_error(const Pieces& text, const std::string& path,
                                      std::size_t window) {
    // Check-in lines are kept as 32-bit offsets: a larger file is read whole.
    if (text.size() > UINT32_MAX) return whole_text_error(text, path);
    const std::optional<std::vector<std::uint32_t>> lines = checkin_lines(text);
    if (!lines) return whole_text_error(text, path);
    if (window == std::string::npos) {
        const std::size_t all = text.line_ends();
        const std::size_t others = all - std::min(all, lines->size());
        // A window no smaller than the rest of the file, and at most 32 reads: linear in the file.
        constexpr std::size_t k_least = 8192, k_reads = 32;
        window = std::max({k_least, others, (lines->size() + k_reads - 1) / k_reads});
    }
    return error_in_windows(text, path, *lines, window);
}

} // namespace

std::optional<Diagnostic> first_load_error(std::string_view text, const std::string& path,
                                           std::size_t window) {
    if (window == std::string::npos) return whole_file_error(text, path);
    return first_error(Pieces({text}), path, window);
}

std::optional<Diagnostic> first_load_error(std::string_view text, const std::string& path) {
    return first_error(Pieces({text}), path, std::string::npos);
}

namespace {

std::string whole_file_conflict(std::string_view ours, std::string_view theirs, const Context& cx) {
    const std::size_t n = cx.labels.marker_size;
    std::string out = fmt::format("{} {}{}", std::string(n, '<'), cx.labels.ours, cx.eol);
    out += ours;
    if (!ours.empty() && ours.back() != '\n') out += cx.eol;
    out += std::string(n, '=') + cx.eol;
    out += theirs;
    if (!theirs.empty() && theirs.back() != '\n') out += cx.eol;
    out += fmt::format("{} {}{}", std::string(n, '>'), cx.labels.theirs, cx.eol);
    return out;
}

// `current = V` of a line, if it is one.
std::optional<double> current_of(std::string_view line) {
    const std::optional<toml::table> doc = parse_toml(trim(content_of(line)));
    if (!doc) return std::nullopt;
    return doc->get("current") ? doc->get("current")->value<double>() : std::nullopt;
}

// Settles each `current` that both sides changed: the one that equals its KR's latest merged
// check-in (ties: the later line) is kept; where neither does, or the text does not load, that
// line is a conflict.
void settle_currents(Assembled& a, const std::string& path, const Context& cx) {
    if (a.currents.empty()) return;
    // The latest check-in's value of each pending line's KR, read from `text` with each
    // conflict resolved to one side (`side`: 0 ours, 1 theirs; the markers dropped).
    auto latest_with = [&](int side) {
        std::string text;
        std::vector<std::size_t> line_of(a.currents.size()); // 1-based, in `text`
        enum { plain, ours, theirs } state = plain;
        const std::size_t n = cx.labels.marker_size;
        std::size_t index = 0, kept = 0, next = 0;
        for_each_line(a.text, [&](std::size_t, std::string_view l) {
            if (state == plain && is_marker(l, '<', n)) {
                state = ours;
            } else if (state == ours && is_marker(l, '=', n)) {
                state = theirs;
            } else if (state == theirs && is_marker(l, '>', n)) {
                state = plain;
            } else if (state == plain || (state == ours) == (side == 0)) {
                text += l;
                ++kept;
                if (next < a.currents.size() && a.currents[next].line == index)
                    line_of[next++] = kept;
            }
            ++index;
        });
        std::vector<std::optional<double>> latest(a.currents.size());
        const ParsedFile parsed = parse_goal_file(text, path);
        for (const Objective& o : parsed.file.objectives)
            for (const KeyResult& kr : o.krs) {
                const Checkin* last = nullptr;
                for (const Checkin& c : kr.checkins)
                    if (!last || c.date >= last->date) last = &c;
                for (std::size_t i = 0; i < a.currents.size(); ++i)
                    if (last && kr.current_pos.line == line_of[i]) latest[i] = last->value;
            }
        return latest;
    };
    // With conflicts elsewhere, a value settles only when either resolution gives it.
    std::vector<std::optional<double>> latest = latest_with(0);
    if (!a.conflicts.empty()) {
        const std::vector<std::optional<double>> other = latest_with(1);
        for (std::size_t i = 0; i < latest.size(); ++i)
            if (latest[i] != other[i]) latest[i] = std::nullopt;
    }
    std::vector<std::string> lines;
    for_each_line(a.text, [&](std::size_t, std::string_view l) { lines.emplace_back(l); });
    Resolution fixed;                    // the text again, each pending line settled
    std::vector<std::size_t> conflicted; // lines of `a.text` that became conflicts
    std::size_t next = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (next < a.currents.size() && a.currents[next].line == i) {
            const PendingCurrent& c = a.currents[next];
            const std::optional<double> v = latest[next++];
            if (v && current_of(c.ours) == v) {
                fixed.lines.push_back(c.ours);
            } else if (v && current_of(c.theirs) == v) {
                fixed.lines.push_back(c.theirs);
            } else {
                add_conflict(fixed, cx, {c.ours}, {c.theirs},
                             fmt::format("key current: changed both ways, differently on {} and "
                                         "{}, and neither is the latest check-in's value",
                                         cx.labels.ours, cx.labels.theirs));
                conflicted.push_back(i);
            }
            continue;
        }
        fixed.lines.push_back(std::move(lines[i]));
    }
    // The conflicts already there move down by the marker lines of those made above them.
    for (auto& [line, what] : a.conflicts)
        line += 4 * static_cast<std::size_t>(
                        std::lower_bound(conflicted.begin(), conflicted.end(), line) -
                        conflicted.begin());
    for (std::size_t i = 0; i < fixed.conflicts.size(); ++i)
        a.conflicts.emplace_back(fixed.conflicts[i], std::move(fixed.whats[i]));
    std::sort(a.conflicts.begin(), a.conflicts.end());
    a.text.clear();
    for (const std::string& l : fixed.lines)
        a.text += l;
    a.currents.clear();
}

} // namespace

Result<GoalMerge> merge_goal_files(std::string_view base, std::string_view ours,
                                   std::string_view theirs, const std::string& path,
                                   const MergeLabels& labels, const LineMerge& line_merge) {
    const Context cx{labels, ours.find("\r\n") != std::string_view::npos ? "\r\n" : "\n"};
    const std::size_t size = std::max<std::size_t>(7, longest_marker_run({base, ours, theirs}) + 1);
    // The whole file in conflict: what a merge that does not load becomes, when no smaller
    // conflict is left to show.
    auto whole_file = [&](Assembled& a, const Diagnostic& error) {
        a.text = whole_file_conflict(ours, theirs, cx);
        a.conflicts = {{0, fmt::format("the whole file: the merge of {} and {} does not load "
                                       "as a goal file",
                                       labels.ours, labels.theirs)}};
        a.notes = {fmt::format("the merged lines do not make a valid goal file (line {}: {}), "
                               "so the whole file is in conflict",
                               error.pos.line, error.message)};
    };
    GoalMerge out;
    Assembled a;
    if (std::optional<std::vector<std::string_view>> parts = one_sided_parts(base, ours, theirs)) {
        // Each part changed on one side only: that is the line merge, with no line diff. The
        // load check reads the parts, and the text is put together once it loads: a large array
        // grown on one side is held in memory once beside the inputs.
        const Pieces pieces(std::move(*parts));
        if (std::optional<Diagnostic> error = first_error(pieces, path, std::string::npos)) {
            whole_file(a, *error);
        } else {
            util::give_back_freed_memory(); // the load check's, before the result is made
            a.text = pieces.joined();
        }
    } else {
        Result<std::string> merged = line_merge(base, ours, theirs, size);
        if (!merged) return std::move(merged).failure();
        std::optional<std::vector<Segment>> segments = parse_line_merge(*merged, size);
        if (!segments)
            return make_failure(
                Failure::Kind::unverified,
                fmt::format("{}: the line merge's output has an unfinished conflict", path),
                "this is a bug in okr; merge the file by hand");
        const bool lines_clean = std::none_of(segments->begin(), segments->end(),
                                              [](const Segment& seg) { return seg.conflict; });
        if (lines_clean) { // the line merge's text as it is: no second copy of a large file
            segments.reset();
            a.text = std::move(*merged);
        } else {
            a = assemble(*segments, cx, true);
            settle_currents(a, path, cx);
        }
        std::optional<Diagnostic> error;
        if (a.conflicts.empty() && (error = first_load_error(a.text, path))) {
            // The goal resolutions made a file okr cannot load, or the lines did: the line
            // merge's own conflicts, else the whole file in conflict. Never a clean file that
            // does not load.
            Assembled plain;
            if (!lines_clean) plain = assemble(*segments, cx, false);
            if (!plain.conflicts.empty()) {
                a = std::move(plain);
                a.notes.push_back("resolving the conflicts by goals made a file okr cannot load, "
                                  "so they are left as the line merge wrote them");
            } else {
                whole_file(a, *error);
            }
        }
    }
    out.text = std::move(a.text);
    out.notes = std::move(a.notes);
    if (!a.conflicts.empty()) {
        std::vector<std::size_t> wanted;
        for (const auto& c : a.conflicts)
            wanted.push_back(c.first);
        std::vector<std::string> items = item_names_at(out.text, wanted);
        for (std::size_t i = 0; i < a.conflicts.size(); ++i)
            out.conflicts.push_back(
                {a.conflicts[i].first + 1, std::move(items[i]), std::move(a.conflicts[i].second)});
    }
    return out;
}

} // namespace okr::io
