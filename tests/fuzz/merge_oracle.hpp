#pragma once
// The merge oracle (issue 25): random three-way edits of a goal file, made the way people make
// them (check-ins appended by the edit engine, on one date from both sides too; check-ins
// corrected, annotated and deleted; titles changed; ids renamed; comments added; one-line
// arrays; CRLF), and the checks every result of `okr merge` must pass:
// - no line that either side added or changed is lost: it is in the result, or inside a conflict;
// - a result without conflicts loads, and its check-ins are the union the rules give;
// - where `git merge-file` is clean and no check-in line is involved, the result equals its.
// Used by the property test (tests/unit/io/merge_property_tests.cpp, seeded) and by the fuzz
// target fuzz_merge.cpp (the fuzzer's bytes make the choices). Runs git, as okr merge does.

#include "okr/io/edit.hpp"
#include "okr/io/git.hpp"
#include "okr/io/merge.hpp"
#include "okr/io/parse.hpp"
#include "okr/io/safe_write.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace okr::test {

// Where the choices come from: the fuzzer's bytes (zeros once they are used up), or a seed.
class Choices {
  public:
    explicit Choices(std::string_view bytes) : m_bytes(bytes) {}
    explicit Choices(std::uint32_t seed) : m_random(std::mt19937(seed)) {}

    // A number in [0, n).
    std::size_t below(std::size_t n) {
        if (n <= 1) return 0;
        if (m_random) return (*m_random)() % n;
        unsigned v = m_at < m_bytes.size() ? static_cast<unsigned char>(m_bytes[m_at++]) : 0;
        return v % n;
    }
    bool chance(std::size_t one_in) { return below(one_in) == 0; }

  private:
    std::string_view m_bytes;
    std::size_t m_at = 0;
    std::optional<std::mt19937> m_random;
};

struct ThreeWay {
    std::string base, ours, theirs;
};

namespace oracle {

inline std::string date_of(int day) { // days from 2026-10-01, within October and November
    day = std::clamp(day, 0, 60);
    return day < 31 ? fmt::format("2026-10-{:02}", day + 1)
                    : fmt::format("2026-11-{:02}", day - 30);
}

inline std::string make_base(Choices& c) {
    std::string t = "# Team goals\ntitle = \"Team\"\ncycle = \"2026-Q4\"\n";
    const std::size_t objectives = 1 + c.below(2);
    for (std::size_t o = 0; o < objectives; ++o) {
        t += fmt::format("\n[[objective]]\nid = \"o{}\"\ntitle = \"Objective {}\"\n", o, o);
        const std::size_t krs = 1 + c.below(3);
        for (std::size_t k = 0; k < krs; ++k) {
            t += fmt::format("\n  [[objective.kr]]\n  id = \"k{}\"\n  title = \"Key result {}\"\n"
                             "  target = 100\n",
                             k, k);
            const std::size_t n = 1 + c.below(3);
            if (c.chance(3)) t += fmt::format("  current = {}\n", n * 10);
            if (c.chance(3)) { // a one-line array
                t += "  checkins = [ ";
                for (std::size_t i = 0; i < n; ++i)
                    t += fmt::format("{{ date = {}, value = {} }}{}", date_of(int(i) * 7),
                                     (i + 1) * 10, i + 1 < n ? ", " : " ]\n");
            } else {
                t += "  checkins = [\n";
                for (std::size_t i = 0; i < n; ++i)
                    t += fmt::format("    {{ date = {}, value = {} }},\n", date_of(int(i) * 7),
                                     (i + 1) * 10);
                t += "  ]\n";
            }
        }
    }
    if (c.chance(2))
        t += "\n[[kpi]]\nid = \"q\"\ntitle = \"Quality\"\nmin = 90\ncheckins = [\n"
             "  { date = 2026-10-01, value = 91 },\n]\n";
    return t;
}

// The items of a goal file that take check-ins, as the edit engine names them.
inline std::vector<io::ItemId> checkin_items(const std::string& text) {
    std::vector<io::ItemId> out;
    const io::ParsedFile p = io::parse_goal_file(text, "okr.toml");
    for (const Objective& o : p.file.objectives)
        for (const KeyResult& kr : o.krs)
            out.push_back(io::ItemId::of_kr(o.id, kr.id));
    for (const Kpi& k : p.file.kpis)
        out.push_back(io::ItemId::of_kpi(k.id));
    return out;
}

// The lines of `text` that hold a check-in (`{ date = ...`), as offsets of their starts.
inline std::vector<std::size_t> checkin_lines(const std::string& text) {
    std::vector<std::size_t> out;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t nl = text.find('\n', at);
        const std::size_t end = nl == std::string::npos ? text.size() : nl;
        const std::string_view line(text.data() + at, end - at);
        const std::size_t first = line.find_first_not_of(' ');
        if (first != std::string_view::npos && line.substr(first).starts_with("{ date ="))
            out.push_back(at);
        at = end + 1;
    }
    return out;
}

inline void replace_line(std::string& text, std::size_t at, const std::string& line) {
    const std::size_t nl = text.find('\n', at);
    text.replace(at, (nl == std::string::npos ? text.size() : nl + 1) - at, line);
}

// One edit on `text`, as a person or okr would make it; the text is unchanged when the edit does
// not apply.
inline void edit(std::string& text, Choices& c, int side) {
    const std::vector<io::ItemId> items = checkin_items(text);
    if (items.empty()) return;
    const io::ItemId& item = items[c.below(items.size())];
    const std::vector<std::size_t> lines = checkin_lines(text);
    switch (c.below(7)) {
    case 0:
    case 1: { // a check-in, on a date both sides may pick
        Checkin ci;
        ci.date = *Date::parse_iso(date_of(21 + int(c.below(4)) * 7));
        ci.value = double(c.below(5) * 10 + side);
        if (c.chance(3)) ci.note = side == 1 ? "ours" : "theirs";
        if (Result<io::Edit> e = io::append_checkin(text, "okr.toml", item, ci)) text = e->text;
        break;
    }
    case 2: // a check-in corrected
        if (!lines.empty()) {
            const std::size_t at = lines[c.below(lines.size())];
            const std::size_t v = text.find("value = ", at);
            const std::size_t nl = text.find('\n', at);
            if (v < nl) text.insert(v + 8, std::to_string(side));
        }
        break;
    case 3: // a check-in annotated
        if (!lines.empty()) {
            const std::size_t at = lines[c.below(lines.size())];
            const std::size_t close = text.find(" }", at);
            if (close < text.find('\n', at) &&
                text.substr(at, close - at).find("note") == std::string::npos)
                text.insert(close, fmt::format(", note = \"side {}\"", side));
        }
        break;
    case 4: // a check-in deleted
        if (!lines.empty()) replace_line(text, lines[c.below(lines.size())], "");
        break;
    case 5: { // a title changed, or an id renamed
        const bool rename = item.kind == io::ItemKind::kr && c.chance(2);
        const io::Value value = rename ? io::Value(fmt::format("{}-{}", item.id, side))
                                       : io::Value(fmt::format("Title of side {}", side));
        if (Result<io::Edit> e =
                io::set_key(text, "okr.toml", item, rename ? "id" : "title", value))
            text = e->text;
        break;
    }
    default: { // a comment, at the end of a line or on one of its own before a header
        const std::size_t at = text.find(c.chance(2) ? "  target = 100\n" : "\n[[");
        if (at == std::string::npos) break;
        if (text[at] == '\n')
            text.insert(at + 1, fmt::format("# comment of side {}\n", side));
        else
            text.insert(at + 14, fmt::format(" # side {}", side));
    }
    }
}

inline std::string crlf(const std::string& s) {
    std::string out;
    for (char ch : s) {
        if (ch == '\n') out += '\r';
        out += ch;
    }
    return out;
}

} // namespace oracle

// A base and two sides edited from it.
inline ThreeWay make_three_way(Choices& c) {
    ThreeWay w;
    w.base = oracle::make_base(c);
    w.ours = w.theirs = w.base;
    for (std::size_t i = 1 + c.below(4); i > 0; --i)
        oracle::edit(w.ours, c, 1);
    for (std::size_t i = 1 + c.below(4); i > 0; --i)
        oracle::edit(w.theirs, c, 2);
    if (c.chance(5)) {
        w.base = oracle::crlf(w.base);
        w.ours = oracle::crlf(w.ours);
        w.theirs = oracle::crlf(w.theirs);
    }
    return w;
}

namespace oracle {

// A line, or a check-in entry, compared without blanks, commas and line ends around it.
inline std::string norm(std::string_view s) {
    std::string out;
    for (char ch : s)
        if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') out += ch;
    while (!out.empty() && out.back() == ',')
        out.pop_back();
    return out;
}

// The pieces of a text that a merge must not lose: its check-in entries, and its other lines.
inline std::multiset<std::string> pieces(std::string_view text) {
    std::multiset<std::string> out;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t nl = text.find('\n', at);
        if (nl == std::string_view::npos) nl = text.size();
        const std::string_view line = text.substr(at, nl - at);
        at = nl + 1;
        if (line.find("{ date =") != std::string_view::npos ||
            line.find("{date =") != std::string_view::npos) {
            for (std::size_t b = line.find('{'); b != std::string_view::npos;
                 b = line.find('{', b + 1)) {
                const std::size_t e = line.find('}', b);
                if (e == std::string_view::npos) break;
                out.insert(norm(line.substr(b, e - b + 1)));
                b = e;
            }
            continue;
        }
        const std::string n = norm(line);
        // A one-line array's head, `current` (settled by the merged check-ins) and blank lines
        // are layout; the entries are checked one by one.
        if (n.empty() || n.starts_with("current=") || n == "checkins=[" || n == "]") continue;
        out.insert(n);
    }
    return out;
}

inline bool has_checkin_change(const std::string& base, const std::string& side) {
    std::multiset<std::string> b, s;
    for (const std::string& p : pieces(base))
        if (p.starts_with("{date=")) b.insert(p);
    for (const std::string& p : pieces(side))
        if (p.starts_with("{date=")) s.insert(p);
    return b != s || base.find("current") != std::string::npos;
}

inline std::string checkin_key(const Checkin& c) {
    return fmt::format("{} {} {} {}", c.date.iso(), c.value, c.confidence.value_or(-1), c.note);
}

// Each item's check-ins (by its place: objective and KR number, or KPI number), as contents.
inline std::map<std::string, std::multiset<std::string>> checkins_by_item(const GoalFile& f) {
    std::map<std::string, std::multiset<std::string>> out;
    for (std::size_t o = 0; o < f.objectives.size(); ++o)
        for (std::size_t k = 0; k < f.objectives[o].krs.size(); ++k)
            for (const Checkin& c : f.objectives[o].krs[k].checkins)
                out[fmt::format("o{}k{}", o, k)].insert(checkin_key(c));
    for (std::size_t i = 0; i < f.kpis.size(); ++i)
        for (const Checkin& c : f.kpis[i].checkins)
            out[fmt::format("kpi{}", i)].insert(checkin_key(c));
    return out;
}

inline bool loads(const std::string& text, GoalFile* file = nullptr) {
    io::ParsedFile p = io::parse_goal_file(text, "okr.toml");
    for (const Diagnostic& d : p.diagnostics)
        if (d.level == Level::error) return false;
    if (file) *file = std::move(p.file);
    return true;
}

// `git merge-file -p` of the three texts, as git merges them without a driver; nullopt on a
// conflict.
inline std::optional<std::string> git_clean_merge(const ThreeWay& w) {
    char dir[] = "/tmp/okr-oracle-XXXXXX";
    if (!::mkdtemp(dir)) return std::nullopt;
    const std::string names[] = {std::string(dir) + "/b", std::string(dir) + "/o",
                                 std::string(dir) + "/t"};
    const std::string* texts[] = {&w.base, &w.ours, &w.theirs};
    for (int i = 0; i < 3; ++i) {
        const int fd = ::open(names[i].c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0) {
            io::write_all(fd, *texts[i]);
            ::close(fd);
        }
    }
    io::ProgramRun run = io::run_program({"git", "merge-file", "-p", "-L", "ours", "-L", "base",
                                          "-L", "theirs", names[1], names[0], names[2]},
                                         {});
    for (const std::string& n : names)
        ::unlink(n.c_str());
    ::rmdir(dir);
    if (run.status != 0) return std::nullopt;
    return std::move(run.out);
}

} // namespace oracle

// What is wrong with okr's merge of `w`; empty when every check passes.
inline std::vector<std::string> check_merge(const ThreeWay& w) {
    using namespace oracle;
    std::vector<std::string> wrong;
    Result<io::GoalMerge> merged =
        io::merge_goal_files(w.base, w.ours, w.theirs, "okr.toml", {}, io::git_merge_file);
    if (!merged) return {"the merge failed: " + merged.failure().message};
    const io::GoalMerge& m = *merged;
    // Nothing either side added or changed is lost.
    const std::multiset<std::string> base = pieces(w.base), result = pieces(m.text);
    for (const std::string* side : {&w.ours, &w.theirs})
        for (const std::string& p : pieces(*side))
            if (!base.count(p) && !result.count(p)) wrong.push_back("lost: " + p);
    if (m.conflicts.empty()) {
        // A clean result loads, with the check-ins the rules give: for each content, both sides'
        // changes to BASE's count; a new one on both sides once.
        GoalFile b, o, t, r;
        if (!loads(m.text, &r)) {
            wrong.push_back("a clean result that does not load");
        } else if (loads(w.base, &b) && loads(w.ours, &o) && loads(w.theirs, &t)) {
            auto bi = checkins_by_item(b), oi = checkins_by_item(o), ti = checkins_by_item(t),
                 ri = checkins_by_item(r);
            std::set<std::string> items;
            for (auto* m2 : {&bi, &oi, &ti, &ri})
                for (auto& [k, v] : *m2)
                    items.insert(k);
            for (const std::string& item : items) {
                std::set<std::string> contents;
                for (auto* m2 : {&bi, &oi, &ti, &ri})
                    for (const std::string& c : (*m2)[item])
                        contents.insert(c);
                for (const std::string& c : contents) {
                    const long nb = long(bi[item].count(c)), no = long(oi[item].count(c)),
                               nt = long(ti[item].count(c)), nr = long(ri[item].count(c));
                    const long want = nb == 0 ? std::max(no, nt) : std::max(0L, no + nt - nb);
                    if (nr != want)
                        wrong.push_back(
                            fmt::format("{}: check-in {} {} times, not {}", item, c, nr, want));
                }
            }
        }
    }
    // Where the merge of parts changed on one side answers, git's line merge is clean and the
    // same, check-in lines or not.
    if (std::optional<std::string> quick = io::one_sided_merge(w.base, w.ours, w.theirs)) {
        const std::optional<std::string> git = git_clean_merge(w);
        if (!git)
            wrong.push_back("the one-sided merge is clean, and git merge-file has a conflict");
        else if (*quick != *git)
            wrong.push_back("the one-sided merge differs from git merge-file's:\n" + *quick);
    }
    // Where git is clean and no check-in line is involved, the result is git's.
    if (!has_checkin_change(w.base, w.ours) && !has_checkin_change(w.base, w.theirs))
        if (std::optional<std::string> git = git_clean_merge(w)) {
            const bool whole_file =
                m.conflicts.size() == 1 && m.conflicts[0].line == 1 && !loads(*git);
            if (m.text != *git && !whole_file)
                wrong.push_back("git merge-file is clean, and okr's result differs from it");
        }
    return wrong;
}

} // namespace okr::test
