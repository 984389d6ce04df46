#include "okr/io/merge.hpp"

#include "okr/io/toml_text.hpp"
#include "parse_tree.hpp"
#include "toml_layout.hpp"

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <toml++/toml.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace okr::io {
namespace {

// A layout the goal merge does not handle; the whole file is then merged as text.
struct Unsupported {
    std::string why;
};

// One version of the file: the layout questions of the edit engine, and a few of its own.
class Doc : public Layout {
  public:
    explicit Doc(std::string_view text) : Layout(text) {}

    std::size_t begin(const toml::node& n) const { return begin_of(n); }
    std::size_t end(const toml::node& n) const { return end_of(n); }
    std::size_t key_begin(const toml::key& k) const { return offset(k.source().begin); }
    std::string_view slice(std::size_t b, std::size_t e) const { return text().substr(b, e - b); }

    // True when from `off` to the end of its line there are only blanks, an optional comma
    // (when `comma`) and an optional comment.
    bool rest_is_trivia(std::size_t off, bool comma) const {
        const std::string_view t = text();
        std::size_t i = off;
        while (i < t.size() && (t[i] == ' ' || t[i] == '\t'))
            ++i;
        if (comma && i < t.size() && t[i] == ',') ++i;
        while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r'))
            ++i;
        return i == t.size() || t[i] == '\n' || t[i] == '#';
    }
};

bool is_header_table(const Doc& doc, const toml::node& n) {
    const std::size_t b = doc.begin(n);
    return n.is_table() && b < doc.text().size() && doc.text()[b] == '[';
}

// The end of a table's own `key = value` lines (dotted keys looked into), not its sub-tables.
std::size_t own_end(const Doc& doc, const toml::table& t) {
    std::size_t end = doc.begin(t); // a header table ends at its header; the root at the file's end
    for (auto&& [key, value] : t) {
        const Placement p = placement(doc, key, value);
        if (p == Placement::value)
            end = std::max(end, doc.end(value));
        else if (p == Placement::dotted)
            end = std::max(end, own_end(doc, *value.as_table()));
    }
    return end;
}

// Deep equality of two values, either of which may be missing; integers and floats of the same
// number are equal.
bool same(const toml::node* a, const toml::node* b) {
    if (!a || !b) return a == b;
    if (a->is_number() && b->is_number())
        return a->value<double>().value_or(0) == b->value<double>().value_or(0);
    if (a->type() != b->type()) return false;
    if (const auto* t = a->as_table()) {
        const auto* u = b->as_table();
        if (t->size() != u->size()) return false;
        for (auto&& [key, value] : *t)
            if (!same(&value, u->get(key.str()))) return false;
        return true;
    }
    if (const auto* x = a->as_array()) {
        const auto* y = b->as_array();
        if (x->size() != y->size()) return false;
        for (std::size_t i = 0; i < x->size(); ++i)
            if (!same(x->get(i), y->get(i))) return false;
        return true;
    }
    if (a->is_string()) return a->as_string()->get() == b->as_string()->get();
    if (a->is_boolean()) return a->as_boolean()->get() == b->as_boolean()->get();
    if (a->is_date()) return a->as_date()->get() == b->as_date()->get();
    if (a->is_time()) return a->as_time()->get() == b->as_time()->get();
    if (a->is_date_time()) return a->as_date_time()->get() == b->as_date_time()->get();
    return false;
}

// A text that identifies a check-in by its content, to find the same one in each version.
void append_identity(const toml::node& n, std::string& out) {
    if (const auto* t = n.as_table()) {
        out += '{';
        for (auto&& [key, value] : *t) { // toml++ keeps keys sorted
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
    } else if (const auto* d = n.as_date()) {
        fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}", d->get().year, d->get().month,
                       d->get().day);
    } else {
        std::ostringstream os;
        n.visit([&](const auto& v) { os << v; });
        out += os.str();
    }
}

std::string identity(const toml::node& n) {
    std::string out;
    append_identity(n, out);
    return out;
}

toml::date date_of(const toml::node& checkin) {
    if (const auto* t = checkin.as_table())
        if (auto d = t->get_as<toml::date>("date")) return d->get();
    return {};
}

struct Splice {
    std::size_t offset = 0;
    std::size_t length = 0;
    std::string text;
};

// Lines of OURS that become a conflict: OURS' version (with the merged changes) against the
// version with THEIRS' values for the conflicting keys.
struct Region {
    std::size_t begin = 0, end = 0;
    std::vector<Splice> theirs;     // applied on THEIRS' side of the markers only
    bool removed_in_theirs = false; // THEIRS' side is empty
};

std::string apply(std::string_view text, std::size_t from, std::size_t to,
                  std::vector<const Splice*> splices) {
    std::stable_sort(splices.begin(), splices.end(), [](const Splice* a, const Splice* b) {
        if (a->offset != b->offset) return a->offset < b->offset;
        return a->length == 0 && b->length != 0;
    });
    std::string out;
    std::size_t at = from;
    for (const Splice* s : splices) {
        if (s->offset < at) continue; // cannot happen: splices never overlap
        out.append(text.substr(at, s->offset - at));
        out += s->text;
        at = s->offset + s->length;
    }
    if (at < to) out.append(text.substr(at, to - at));
    return out;
}

std::string conflict_text(const MergeLabels& labels, std::string ours_side, std::string theirs_side,
                          const std::string& eol) {
    if (!ours_side.empty() && ours_side.back() != '\n') ours_side += eol;
    if (!theirs_side.empty() && theirs_side.back() != '\n') theirs_side += eol;
    const std::size_t n = labels.marker_size;
    return fmt::format("{} {}{}{}{}{}{}{} {}{}", std::string(n, '<'), labels.ours, eol, ours_side,
                       std::string(n, '='), eol, theirs_side, std::string(n, '>'), labels.theirs,
                       eol);
}

// OURS' text with the splices applied and each region between conflict markers.
std::string assemble(std::string_view text, const std::string& eol,
                     const std::vector<Splice>& splices, const std::vector<Region>& regions,
                     std::size_t insert_conflicts, const MergeLabels& labels,
                     std::size_t& conflicts) {
    std::vector<const Splice*> outside;
    std::vector<std::vector<const Splice*>> inside(regions.size());
    for (const Splice& s : splices) {
        bool in = false;
        for (std::size_t r = 0; r < regions.size() && !in; ++r) {
            const Region& region = regions[r];
            if (s.offset >= region.begin && s.offset + s.length <= region.end &&
                !(s.length == 0 && (s.offset == region.begin || s.offset == region.end))) {
                inside[r].push_back(&s);
                in = true;
            }
        }
        if (!in) outside.push_back(&s);
    }
    std::vector<Splice> blocks;
    for (std::size_t r = 0; r < regions.size(); ++r) {
        const Region& region = regions[r];
        std::string ours_side = apply(text, region.begin, region.end, inside[r]);
        std::vector<const Splice*> theirs_splices = inside[r];
        for (const Splice& s : region.theirs)
            theirs_splices.push_back(&s);
        std::string theirs_side = region.removed_in_theirs
                                      ? std::string()
                                      : apply(text, region.begin, region.end, theirs_splices);
        blocks.push_back({region.begin, region.end - region.begin,
                          conflict_text(labels, ours_side, theirs_side, eol)});
    }
    for (const Splice& b : blocks)
        outside.push_back(&b);
    conflicts = regions.size() + insert_conflicts;
    return apply(text, 0, text.size(), outside);
}

// An item's lines in a version: from its header to its last value, then blank lines.
std::pair<std::size_t, std::size_t> block(const Doc& doc, const toml::table& item,
                                          bool with_blanks) {
    const std::size_t b = doc.line_start(doc.begin(item));
    std::size_t e = doc.next_line(extent_end(doc, item));
    if (with_blanks)
        while (e < doc.text().size() && doc.blank_line(e))
            e = doc.next_line(e);
    return {b, e};
}

// The text of a new item at line start `at` of OURS, as its own paragraph.
std::string paragraph(const Doc& ours, std::size_t at, std::string body) {
    const std::string_view text = ours.text();
    const std::string& eol = ours.eol();
    if (body.empty() || body.back() != '\n') body += eol;
    std::string out;
    if (at == text.size() && !text.empty() && text.back() != '\n') out += eol;
    if (at > 0 && !ours.blank_line(ours.line_start(at - 1))) out += eol;
    out += body;
    if (at < text.size() && !ours.blank_line(at)) out += eol;
    return out;
}

// An item removed in OURS and edited in THEIRS, between conflict markers.
std::string removed_here_edited_there(const MergeLabels& labels, std::string body,
                                      const std::string& eol) {
    return conflict_text(labels, {}, std::move(body), eol);
}

// The line start `at`, moved up over the comment lines right above it (a first objective goes
// before the first KPI and the comments that belong to it).
std::size_t comments_above(const Doc& ours, std::size_t at) {
    while (at > 0) {
        const std::size_t prev = ours.line_start(at - 1);
        std::size_t i = prev;
        while (i < at && (ours.text()[i] == ' ' || ours.text()[i] == '\t'))
            ++i;
        if (i < at && ours.text()[i] == '#')
            at = prev;
        else
            break;
    }
    return at;
}

// Where the items of one array (objectives, KRs of an objective, KPIs) go when none precedes.
struct ItemsPlace {
    std::size_t first_default = 0; // where a first item goes when OURS has none of these
    bool objective = false;        // an objective's own region excludes its KRs
};

class Merger {
  public:
    Merger(const Doc* base, const Doc& ours, const Doc& theirs, const toml::table* base_root,
           const toml::table& ours_root, const toml::table& theirs_root)
        : m_b(base), m_o(ours), m_t(theirs), m_base_root(base_root), m_ours_root(ours_root),
          m_theirs_root(theirs_root) {}

    void run() { merge_table(m_base_root, m_ours_root, &m_theirs_root, std::nullopt); }

    std::string result(const MergeLabels& labels, std::size_t& conflicts) const {
        return assemble(m_o.text(), m_o.eol(), m_splices, m_regions, m_insert_conflicts, labels,
                        conflicts);
    }

    // What the merge changes in OURS, its offsets moved by `by`, for a merge of one part of it.
    void move_changes(std::size_t by, std::vector<Splice>& splices, std::vector<Region>& regions,
                      std::size_t& insert_conflicts) {
        for (Splice& s : m_splices) {
            s.offset += by;
            splices.push_back(std::move(s));
        }
        for (Region& r : m_regions) {
            r.begin += by;
            r.end += by;
            for (Splice& s : r.theirs)
                s.offset += by;
            regions.push_back(std::move(r));
        }
        insert_conflicts += m_insert_conflicts;
        m_splices.clear();
        m_regions.clear();
        m_insert_conflicts = 0;
    }

  private:
    // The region that conflicts inside `scope` get: the scope itself (an item), else the lines
    // of the key.
    std::size_t region_for(std::size_t begin, std::size_t end) {
        for (std::size_t i = 0; i < m_regions.size(); ++i)
            if (m_regions[i].begin == begin && m_regions[i].end == end) return i;
        m_regions.push_back({begin, end, {}});
        return m_regions.size() - 1;
    }

    struct Scope {
        std::size_t begin = 0, end = 0;
    };

    // The lines of `key = value` in OURS.
    Scope key_lines(const toml::key& key, const toml::node& value) const {
        return {m_o.line_start(m_o.key_begin(key)), m_o.next_line(extent_end(m_o, value))};
    }

    // A splice that makes OURS' key take THEIRS' value (or drops it, or adds it).
    Splice take_theirs(const toml::table& ours_table, std::string_view name,
                       const toml::key* ours_key, const toml::node* ours_value,
                       const toml::table& theirs_table, const toml::key* theirs_key,
                       const toml::node* theirs_value) const {
        if (ours_value && theirs_value) {
            if (placement(m_o, *ours_key, *ours_value) != Placement::value ||
                placement(m_t, *theirs_key, *theirs_value) != Placement::value)
                throw Unsupported{fmt::format("`{}` is written as a table", name)};
            const std::size_t b = m_o.begin(*ours_value), e = m_o.end(*ours_value);
            return {b, e - b,
                    std::string(m_t.slice(m_t.begin(*theirs_value), m_t.end(*theirs_value)))};
        }
        if (ours_value) { // removed in THEIRS
            const std::size_t k = m_o.key_begin(*ours_key);
            if (placement(m_o, *ours_key, *ours_value) != Placement::value || !m_o.starts_line(k) ||
                !m_o.rest_is_trivia(m_o.end(*ours_value), false))
                throw Unsupported{fmt::format("`{}` is not on a line of its own", name)};
            const std::size_t b = m_o.line_start(k), e = m_o.next_line(m_o.end(*ours_value));
            return {b, e - b, {}};
        }
        // Added in THEIRS: its lines, after the key that precedes it there, else after OURS'
        // last own key.
        const std::size_t tk = m_t.key_begin(*theirs_key);
        if (placement(m_t, *theirs_key, *theirs_value) != Placement::value ||
            !m_t.starts_line(tk) || !m_t.rest_is_trivia(m_t.end(*theirs_value), false) ||
            (!is_header_table(m_o, ours_table) && &ours_table != &m_ours_root))
            throw Unsupported{fmt::format("cannot add `{}` to this layout", name)};
        std::string line(m_t.slice(m_t.line_start(tk), m_t.next_line(m_t.end(*theirs_value))));
        if (line.empty() || line.back() != '\n') line += m_o.eol();
        // THEIRS' key just before this one, if OURS has it as a line.
        const toml::key* before = nullptr;
        std::size_t before_at = 0;
        for (auto&& [k, v] : theirs_table) {
            if (placement(m_t, k, v) != Placement::value) continue;
            const std::size_t at = m_t.key_begin(k);
            if (at < tk && at >= before_at && ours_table.get(k.str())) {
                before = &k;
                before_at = at;
            }
        }
        std::size_t at = std::string_view::npos;
        if (before) {
            for (auto&& [k, v] : ours_table)
                if (k.str() == before->str() && placement(m_o, k, v) == Placement::value)
                    at = m_o.next_line(m_o.end(v));
        }
        if (at == std::string_view::npos) {
            at = &ours_table == &m_ours_root && own_keys(ours_table) == 0
                     ? 0
                     : m_o.next_line(own_end(m_o, ours_table));
        }
        if (at == m_o.text().size() && !m_o.text().empty() && m_o.text().back() != '\n')
            line = m_o.eol() + line;
        return {at, 0, std::move(line)};
    }

    std::size_t own_keys(const toml::table& t) const {
        std::size_t n = 0;
        for (auto&& [k, v] : t)
            if (placement(m_o, k, v) == Placement::value) ++n;
        return n;
    }

    void merge_table(const toml::table* b, const toml::table& o, const toml::table* t,
                     std::optional<Scope> scope) {
        // Every key of OURS and THEIRS; `current` after `checkins`, since it may follow them.
        std::vector<std::string> keys;
        std::set<std::string> seen;
        for (auto&& [k, v] : o)
            if (seen.insert(std::string(k.str())).second) keys.emplace_back(k.str());
        if (t)
            for (auto&& [k, v] : *t)
                if (seen.insert(std::string(k.str())).second) keys.emplace_back(k.str());
        std::stable_partition(keys.begin(), keys.end(),
                              [](const std::string& k) { return k != "current"; });
        std::optional<std::vector<const toml::node*>> merged_checkins;
        const toml::table empty;
        const toml::table& theirs = t ? *t : empty;
        for (const std::string& name : keys) {
            const toml::node* bv = b ? b->get(name) : nullptr;
            const toml::node* ov = o.get(name);
            const toml::node* tv = theirs.get(name);
            if (same(ov, tv)) continue;
            const toml::key* ok = ov ? &o.find(name)->first : nullptr;
            const toml::key* tk = tv ? &theirs.find(name)->first : nullptr;
            const bool base_fits = !bv || bv->type() == (ov ? ov->type() : tv->type());
            if (ov && tv && ov->is_table() && tv->is_table() && base_fits) {
                merge_table(bv ? bv->as_table() : nullptr, *ov->as_table(), tv->as_table(), scope);
                continue;
            }
            if (ov && tv && ov->is_array() && tv->is_array() && base_fits && name == "checkins") {
                merged_checkins = merge_checkins(*ok, bv ? bv->as_array() : nullptr,
                                                 *ov->as_array(), *tv->as_array());
                continue;
            }
            // Items: a missing array is an empty one (the last KPI removed on one side).
            if ((name == "objective" || name == "kpi" || name == "kr") && (!ov || ov->is_array()) &&
                (!tv || tv->is_array()) && (!bv || bv->is_array())) {
                static const toml::array k_none;
                merge_items(name, bv ? bv->as_array() : nullptr, ov ? *ov->as_array() : k_none,
                            tv ? *tv->as_array() : k_none, o);
                continue;
            }
            if (same(bv, ov)) {
                m_splices.push_back(take_theirs(o, name, ok, ov, theirs, tk, tv));
                continue;
            }
            if (same(bv, tv)) continue;
            // Both sides moved `current`: the latest merged check-in says which one is right.
            if (name == "current" && ov && tv && merged_checkins && !merged_checkins->empty()) {
                const toml::node* latest = merged_checkins->front();
                for (const toml::node* c : *merged_checkins)
                    if (!(date_of(*c) < date_of(*latest))) latest = c;
                const toml::node* value = latest->as_table()->get("value");
                if (same(value, ov)) continue;
                if (same(value, tv)) {
                    m_splices.push_back(take_theirs(o, name, ok, ov, theirs, tk, tv));
                    continue;
                }
            }
            if (ov && tv && (ov->is_table() || tv->is_table()))
                throw Unsupported{fmt::format("`{}` changed both ways as a table", name)};
            Scope where = scope ? *scope : ov ? key_lines(*ok, *ov) : Scope{};
            if (!scope && !ov) // added both ways outside any item: next to the nearest line
                throw Unsupported{fmt::format("`{}` added both ways", name)};
            const std::size_t r = region_for(where.begin, where.end);
            m_regions[r].theirs.push_back(take_theirs(o, name, ok, ov, theirs, tk, tv));
        }
    }

    static std::string id_of(const toml::node& n) {
        if (const auto* t = n.as_table())
            if (auto id = t->get_as<std::string>("id")) return id->get();
        throw Unsupported{"an item without an id"};
    }

    void merge_items(const std::string& name, const toml::array* b, const toml::array& o,
                     const toml::array& t, const toml::table& parent) {
        std::map<std::string, const toml::table*> base_items, ours_items, theirs_items;
        auto index = [&](const toml::array* arr, const Doc& doc,
                         std::map<std::string, const toml::table*>& out) {
            if (!arr) return;
            for (const toml::node& n : *arr) {
                if (!is_header_table(doc, n))
                    throw Unsupported{fmt::format("`{}` items written inline", name)};
                out[id_of(n)] = n.as_table();
            }
        };
        index(b, *m_b, base_items);
        index(&o, m_o, ours_items);
        index(&t, m_t, theirs_items);
        const bool objective = name == "objective";
        auto find = [](const std::map<std::string, const toml::table*>& m, const std::string& id) {
            auto it = m.find(id);
            return it == m.end() ? nullptr : it->second;
        };
        for (const toml::node& n : o) {
            const std::string id = id_of(n);
            const toml::table& oi = *n.as_table();
            const toml::table* bi = find(base_items, id);
            const toml::table* ti = find(theirs_items, id);
            if (ti) {
                if (same(&oi, ti)) continue;
                const std::size_t begin = m_o.line_start(m_o.begin(oi));
                const std::size_t end =
                    m_o.next_line(objective ? own_end(m_o, oi) : extent_end(m_o, oi));
                merge_table(bi, oi, ti, Scope{begin, end});
            } else if (bi) { // removed in THEIRS
                if (same(bi, &oi)) {
                    auto [bb, be] = block(m_o, oi, true);
                    m_splices.push_back({bb, be - bb, {}});
                } else {
                    auto [bb, be] = block(m_o, oi, false);
                    m_regions[region_for(bb, be)].removed_in_theirs = true;
                }
            }
        }
        // Items of THEIRS that OURS lacks: added there, or removed here.
        std::size_t anchor = std::string_view::npos;
        for (const toml::node& n : t) {
            const std::string id = id_of(n);
            const toml::table& ti = *n.as_table();
            if (const toml::table* oi = find(ours_items, id)) {
                anchor = block(m_o, *oi, true).second;
                continue;
            }
            const toml::table* bi = find(base_items, id);
            if (bi && same(bi, &ti)) continue; // removed in OURS, unchanged in THEIRS
            if (anchor == std::string_view::npos) anchor = first_place(name, o, parent);
            auto [tb, te] = block(m_t, ti, false);
            std::string body(m_t.slice(tb, te));
            if (bi) { // removed in OURS, edited in THEIRS
                body = removed_here_edited_there(m_labels, std::move(body), m_o.eol());
                ++m_insert_conflicts;
            }
            m_splices.push_back({anchor, 0, paragraph(m_o, anchor, std::move(body))});
        }
    }

    // Where the first of `name` items goes in OURS: before OURS' first one, else (KRs) after the
    // objective's own keys, (objectives) before the first KPI, else at the end.
    std::size_t first_place(const std::string& name, const toml::array& o,
                            const toml::table& parent) const {
        if (!o.empty()) return block(m_o, *o.front().as_table(), false).first;
        if (name == "kr") return block(m_o, parent, true).second;
        if (name == "objective") {
            const auto* kpis = m_ours_root.get_as<toml::array>("kpi");
            if (kpis && !kpis->empty() && is_header_table(m_o, kpis->front()))
                return comments_above(m_o, m_o.line_start(m_o.begin(kpis->front())));
        }
        return m_o.text().size();
    }

    // Check-ins of both sides, each once, in date order, one per line; returns the merged list.
    std::vector<const toml::node*> merge_checkins(const toml::key& key, const toml::array* b,
                                                  const toml::array& o, const toml::array& t) {
        if (placement(m_o, key, o) != Placement::value)
            throw Unsupported{"check-ins written as [[...checkins]] tables"};
        auto inline_entries = [](const Doc& doc, const toml::array& arr) {
            for (const toml::node& n : arr)
                if (!n.is_table() || doc.text()[doc.begin(n)] != '{')
                    throw Unsupported{"a check-in that is not an inline table"};
        };
        inline_entries(m_o, o);
        inline_entries(m_t, t);
        std::unordered_set<std::string> base_ids, ours_ids, theirs_ids;
        if (b)
            for (const toml::node& n : *b)
                base_ids.insert(identity(n));
        for (const toml::node& n : o)
            ours_ids.insert(identity(n));
        for (const toml::node& n : t)
            theirs_ids.insert(identity(n));
        struct Entry {
            const toml::node* node;
            bool ours;
            std::size_t index; // in OURS' array
        };
        std::vector<Entry> merged;
        bool removed_any = false;
        for (std::size_t i = 0; i < o.size(); ++i) {
            const std::string id = identity(*o.get(i));
            if (base_ids.count(id) && !theirs_ids.count(id)) {
                removed_any = true;
                continue;
            }
            merged.push_back({o.get(i), true, i});
        }
        std::unordered_set<std::string> added_ids;
        bool added_any = false;
        for (const toml::node& n : t) {
            const std::string id = identity(n);
            if (base_ids.count(id) || ours_ids.count(id) || !added_ids.insert(id).second) continue;
            merged.push_back({&n, false, 0});
            added_any = true;
        }
        std::vector<const toml::node*> nodes;
        if (!added_any && !removed_any) {
            for (const Entry& e : merged)
                nodes.push_back(e.node);
            return nodes;
        }
        bool ours_sorted = true;
        for (std::size_t i = 1; i < o.size(); ++i)
            if (date_of(*o.get(i)) < date_of(*o.get(i - 1))) ours_sorted = false;
        std::stable_sort(merged.begin(), merged.end(), [](const Entry& x, const Entry& y) {
            return date_of(*x.node) < date_of(*y.node);
        });
        for (const Entry& e : merged)
            nodes.push_back(e.node);

        const std::size_t open = m_o.begin(o);
        const std::size_t close = m_o.end(o) - 1; // the `]`
        const std::string key_indent = m_o.indentation(m_o.key_begin(key));
        auto entry_text = [&](const Entry& e) {
            const Doc& doc = e.ours ? m_o : m_t;
            return std::string(doc.slice(doc.begin(*e.node), doc.end(*e.node)));
        };
        // The comma after OURS' entry i, if any, else its end.
        auto after_entry = [&](std::size_t i) {
            std::size_t at = m_o.end(*o.get(i));
            while (at < close && (m_o.text()[at] == ' ' || m_o.text()[at] == '\t'))
                ++at;
            return at;
        };
        bool one_per_line = ours_sorted && m_o.starts_line(close) && m_o.line_start(close) > open;
        for (std::size_t i = 0; i < o.size() && one_per_line; ++i)
            one_per_line = m_o.starts_line(m_o.begin(*o.get(i))) &&
                           m_o.rest_is_trivia(m_o.end(*o.get(i)), true);
        const bool last_has_comma = !o.empty() && after_entry(o.size() - 1) < close &&
                                    m_o.text()[after_entry(o.size() - 1)] == ',';
        if (one_per_line && !o.empty() && !last_has_comma) {
            // Appending after, or removing, an entry without a comma needs more than lines.
            const bool last_kept = std::any_of(merged.begin(), merged.end(), [&](const Entry& e) {
                return e.ours && e.index == o.size() - 1;
            });
            const bool something_after = !merged.empty() && !merged.back().ours;
            if (!last_kept || something_after) one_per_line = false;
        }
        const std::string& eol = m_o.eol();
        if (one_per_line) {
            const std::string indent =
                o.empty() ? key_indent + "  " : m_o.indentation(m_o.begin(*o.get(0)));
            for (std::size_t i = 0; i < o.size(); ++i) {
                const std::string id = identity(*o.get(i));
                if (base_ids.count(id) && !theirs_ids.count(id)) {
                    const std::size_t lb = m_o.line_start(m_o.begin(*o.get(i)));
                    const std::size_t le = m_o.next_line(m_o.end(*o.get(i)));
                    m_splices.push_back({lb, le - lb, {}});
                }
            }
            // Each new entry goes before the next entry of OURS, else after OURS' last one.
            const std::size_t tail =
                o.empty() ? m_o.line_start(close) : m_o.next_line(m_o.end(*o.get(o.size() - 1)));
            for (std::size_t k = 0; k < merged.size(); ++k) {
                if (merged[k].ours) continue;
                std::size_t at = tail;
                for (std::size_t j = k + 1; j < merged.size(); ++j)
                    if (merged[j].ours) {
                        at = m_o.line_start(m_o.begin(*merged[j].node));
                        break;
                    }
                m_splices.push_back({at, 0, indent + entry_text(merged[k]) + "," + eol});
            }
            return nodes;
        }
        // Rewrite the array, one entry per line.
        const std::string indent = !o.empty() && m_o.starts_line(m_o.begin(*o.get(0)))
                                       ? m_o.indentation(m_o.begin(*o.get(0)))
                                       : key_indent + "  ";
        std::string text = "[" + eol;
        for (const Entry& e : merged)
            text += indent + entry_text(e) + "," + eol;
        text += key_indent + "]";
        m_splices.push_back({open, close + 1 - open, std::move(text)});
        return nodes;
    }

  public:
    MergeLabels m_labels;

  private:
    const Doc* m_b;
    const Doc& m_o;
    const Doc& m_t;
    const toml::table* m_base_root;
    const toml::table& m_ours_root;
    const toml::table& m_theirs_root;
    std::vector<Splice> m_splices;
    std::vector<Region> m_regions;
    std::size_t m_insert_conflicts = 0;
};

// A version parsed as TOML and checked as a goal file; `problem` says why it is not one.
struct Version {
    std::unique_ptr<Doc> doc;
    toml::table root;
    std::string problem;
};

void read_version(Version& v, std::string_view text, const std::string& path,
                  std::string_view name) {
    v.doc = std::make_unique<Doc>(text);
    if (const std::optional<TomlHazard> hazard = toml_hazard(text)) {
        v.problem = fmt::format("{} is not a valid goal file: {}:{}: {}", name, hazard->pos.line,
                                hazard->pos.column, hazard->message);
        return;
    }
    try {
        v.root = toml::parse(text, std::string_view(path));
    } catch (const toml::parse_error& e) {
        v.problem = fmt::format("{} is not valid TOML: {}", name, e.description());
        return;
    }
    ParsedFile parsed = read_goal_table(v.root, path);
    for (const Diagnostic& d : parsed.diagnostics)
        if (d.level == Level::error) {
            v.problem = fmt::format("{} is not a valid goal file: {}:{}: {}", name, d.pos.line,
                                    d.pos.column, d.message);
            return;
        }
}

// The merge by blocks: the same merge, done on the items that differ only. Each version is cut
// into its top and its items (split_items); each distinct block text is parsed once, alone, and
// validated as a part of its version. A block is valid TOML alone, ends with a newline and holds
// one `[[objective]]` or `[[kpi]]` item, and the top defines neither key: then the whole text is
// valid TOML with the same tables (every later header only adds an item or reopens a table of
// the block's own item), and a valid goal file when each item is valid under its file's top and
// the ids are unique. The goal merge runs on the top and on each item whose versions differ; the
// result is checked the same way, parsing only the blocks it does not share with a version.

using Kind = TextBlock::Kind;

// One distinct text of a block, in any version, parsed alone.
struct Part {
    std::string_view text;
    Kind kind = Kind::top;
    bool parsed = false; // valid TOML of its kind's shape, with a valid id for an item
    bool top_valid = false;
    toml::table root;
    const toml::table* item = nullptr;
    std::string id;
    std::unique_ptr<Doc> doc;
    // The tops this item is validated under (part numbers), and whether it is valid under each.
    std::vector<std::pair<std::size_t, bool>> under;
};

const char* name_of(Kind kind) {
    return kind == Kind::objective ? "objective" : "kpi";
}

// Runs `work(i)` for i in [0, count) on up to as many threads as the machine has cores.
template <class Work> void for_each_parallel(std::size_t count, const Work& work) {
    const std::size_t threads =
        std::min<std::size_t>({count, std::max(1U, std::thread::hardware_concurrency()), 8});
    std::atomic<std::size_t> next{0};
    auto run = [&] {
        for (std::size_t i = next++; i < count; i = next++)
            work(i);
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t)
        pool.emplace_back(run);
    run();
    for (std::thread& t : pool)
        t.join();
}

class Parts {
  public:
    explicit Parts(const std::string& path) : m_path(path) {}

    std::size_t add(std::string_view text, Kind kind) {
        auto& index = kind == Kind::top ? m_tops : m_items;
        auto [it, fresh] = index.try_emplace(text, m_parts.size());
        if (fresh) {
            m_parts.push_back(std::make_unique<Part>());
            m_parts.back()->text = text;
            m_parts.back()->kind = kind;
        }
        return it->second;
    }

    // Asks for item `item` to be validated under top `top`.
    void validate(std::size_t item, std::size_t top) {
        auto& under = m_parts[item]->under;
        for (const auto& u : under)
            if (u.first == top) return;
        under.emplace_back(top, false);
        m_pending.push_back(item);
    }

    // Parses what is new and validates what was asked, several parts at once.
    void settle() {
        for (auto& p : m_parts)
            if (p->kind == Kind::top && !p->parsed && !p->top_valid) read_top(*p);
        std::sort(m_pending.begin(), m_pending.end());
        m_pending.erase(std::unique(m_pending.begin(), m_pending.end()), m_pending.end());
        for_each_parallel(m_pending.size(),
                          [&](std::size_t i) { read_item(*m_parts[m_pending[i]]); });
        m_pending.clear();
    }

    Part& operator[](std::size_t i) { return *m_parts[i]; }

    bool valid_under(std::size_t item, std::size_t top) const {
        const Part& p = *m_parts[item];
        if (!p.parsed || !m_parts[top]->top_valid) return false;
        for (const auto& u : p.under)
            if (u.first == top) return u.second;
        return false;
    }

  private:
    bool parse(Part& p) const {
        if (toml_hazard(p.text)) return false;
        try {
            p.root = toml::parse(p.text); // no path: no node shares one (diagnostics come later)
        } catch (const toml::parse_error&) {
            return false;
        }
        return true;
    }

    void read_top(Part& p) {
        p.parsed = true; // tried
        if (!parse(p) || p.root.get("objective") || p.root.get("kpi")) return;
        const ParsedFile parsed = read_goal_table(p.root, m_path);
        p.top_valid = std::none_of(parsed.diagnostics.begin(), parsed.diagnostics.end(),
                                   [](const Diagnostic& d) { return d.level == Level::error; });
    }

    // Runs on a worker thread: touches only `p`, and reads the tops.
    void read_item(Part& p) const {
        try {
            if (!p.parsed && !p.item) {
                if (!parse(p) || p.root.size() != 1) return;
                const auto* arr = p.root.get_as<toml::array>(name_of(p.kind));
                if (!arr || arr->size() != 1 || !arr->front().is_table()) return;
                const auto* id = arr->front().as_table()->get_as<std::string>("id");
                if (!id || !is_valid_id(id->get())) return;
                p.item = arr->front().as_table();
                p.id = id->get();
                p.parsed = true;
            }
            if (!p.parsed) return;
            for (auto& [top, valid] : p.under) {
                const Part& t = *m_parts[top];
                if (valid || !t.top_valid) continue;
                const Diagnostics d = read_goal_items(t.root, p.root, m_path);
                valid = std::none_of(d.begin(), d.end(),
                                     [](const Diagnostic& x) { return x.level == Level::error; });
            }
        } catch (const std::exception&) {
            p.parsed = false;
        }
    }

    const std::string& m_path;
    std::vector<std::unique_ptr<Part>> m_parts;
    std::unordered_map<std::string_view, std::size_t> m_tops, m_items;
    std::vector<std::size_t> m_pending;
};

// One version cut into blocks, each a part.
struct Blocks {
    struct Item {
        std::size_t part = 0;
        std::size_t begin = 0; // in the version's text
    };
    std::size_t top = 0;
    std::vector<Item> items[2]; // objectives, KPIs, in the order of the text
    std::unordered_map<std::string_view, std::size_t> by_id[2];

    static std::size_t slot(Kind kind) { return kind == Kind::objective ? 0 : 1; }

    const Item* find(Kind kind, std::string_view id) const {
        auto it = by_id[slot(kind)].find(id);
        return it == by_id[slot(kind)].end() ? nullptr : &items[slot(kind)][it->second];
    }
};

bool cut(std::string_view text, const std::optional<std::vector<TextBlock>>& blocks, Parts& parts,
         Blocks& out) {
    if (!blocks) return false;
    out.top = parts.add(text.substr(0, blocks->front().end), Kind::top);
    for (std::size_t i = 1; i < blocks->size(); ++i) {
        const TextBlock& b = (*blocks)[i];
        const std::size_t part = parts.add(text.substr(b.begin, b.end - b.begin), b.kind);
        out.items[Blocks::slot(b.kind)].push_back({part, b.begin});
        parts.validate(part, out.top);
    }
    return true;
}

// After Parts::settle: whether the version is a valid goal file, and its items by id.
bool index_ids(Parts& parts, Blocks& blocks) {
    for (std::size_t s = 0; s < 2; ++s)
        for (std::size_t i = 0; i < blocks.items[s].size(); ++i) {
            const std::size_t part = blocks.items[s][i].part;
            if (!parts.valid_under(part, blocks.top)) return false;
            if (!blocks.by_id[s].emplace(parts[part].id, i).second) return false; // a duplicate
        }
    return parts[blocks.top].top_valid;
}

Doc& doc_of(Part& p) {
    if (!p.doc) p.doc = std::make_unique<Doc>(p.text);
    return *p.doc;
}

std::optional<GoalMerge> merge_by_blocks(std::string_view base, std::string_view ours,
                                         std::string_view theirs, const std::string& path,
                                         const MergeLabels& labels) {
    GoalMerge out;
    Parts parts(path);
    Blocks b, o, t;
    const std::string_view texts[] = {base, ours, theirs};
    std::optional<std::vector<TextBlock>> split[3];
    for_each_parallel(3, [&](std::size_t i) { split[i] = split_items(texts[i]); });
    if (!cut(base, split[0], parts, b) || !cut(ours, split[1], parts, o) ||
        !cut(theirs, split[2], parts, t))
        return std::nullopt;
    parts.settle();
    if (!index_ids(parts, b) || !index_ids(parts, o) || !index_ids(parts, t)) return std::nullopt;

    const Doc full(ours);
    std::vector<Splice> splices;
    std::vector<Region> regions;
    std::size_t insert_conflicts = 0;
    const Doc empty_doc("");
    const toml::table empty_root;
    // The goal merges of blocks (absent in BASE or THEIRS: nullptr), each moved to its offset in
    // OURS; they are independent, and run at once after the loop below.
    struct Task {
        Part* base;
        Part* ours;
        Part* theirs;
        std::size_t at;
        std::size_t splices_at; // its splices go here, among the others, as a merge in turn would
        std::vector<Splice> splices;
        std::vector<Region> regions;
        std::size_t insert_conflicts = 0;
        bool unsupported = false;
    };
    std::vector<Task> tasks;
    auto merge_block = [&](Part* bp, Part& op, Part* tp, std::size_t at) {
        for (Part* p : {bp, &op, tp})
            if (p) doc_of(*p);
        if (op.doc->eol() != full.eol()) throw Unsupported{"mixed line ends"};
        tasks.push_back({bp, &op, tp, at, splices.size(), {}, {}, 0, false});
    };
    try {
        if (parts[o.top].text != parts[t.top].text)
            merge_block(&parts[b.top], parts[o.top], &parts[t.top], 0);
        // As merge_items does it for each array, KPIs first (toml++ sorts keys).
        for (Kind kind : {Kind::kpi, Kind::objective}) {
            const std::size_t s = Blocks::slot(kind);
            for (const Blocks::Item& oi : o.items[s]) {
                Part& op = parts[oi.part];
                const Blocks::Item* ti = t.find(kind, op.id);
                const Blocks::Item* bi = b.find(kind, op.id);
                Part* bp = bi ? &parts[bi->part] : nullptr;
                if (ti) {
                    Part& tp = parts[ti->part];
                    if (&tp == &op || same(op.item, tp.item)) continue;
                    merge_block(bp, op, &tp, oi.begin);
                } else if (bp) { // removed in THEIRS
                    const bool unchanged = same(bp->item, op.item);
                    auto [from, to] = block(doc_of(op), *op.item, unchanged);
                    if (unchanged)
                        splices.push_back({oi.begin + from, to - from, {}});
                    else
                        regions.push_back({oi.begin + from, oi.begin + to, {}, true});
                }
            }
            // Items of THEIRS that OURS lacks: added there, or removed here.
            // After the last item of THEIRS before it that OURS has (found when needed).
            std::size_t anchor = std::string_view::npos;
            const Blocks::Item* after = nullptr;
            for (const Blocks::Item& ti : t.items[s]) {
                Part& tp = parts[ti.part];
                if (const Blocks::Item* oi = o.find(kind, tp.id)) {
                    after = oi;
                    continue;
                }
                const Blocks::Item* bi = b.find(kind, tp.id);
                if (bi && same(parts[bi->part].item, tp.item)) continue;
                if (after) {
                    Part& op = parts[after->part];
                    anchor = after->begin + block(doc_of(op), *op.item, true).second;
                    after = nullptr;
                } else if (anchor == std::string_view::npos) {
                    if (!o.items[s].empty())
                        anchor = o.items[s].front().begin;
                    else if (kind == Kind::objective && !o.items[1].empty())
                        anchor = comments_above(full, o.items[1].front().begin);
                    else
                        anchor = ours.size();
                }
                const Doc& td = doc_of(tp);
                auto [from, to] = block(td, *tp.item, false);
                std::string body(td.slice(from, to));
                if (bi) {
                    body = removed_here_edited_there(labels, std::move(body), full.eol());
                    ++insert_conflicts;
                }
                splices.push_back({anchor, 0, paragraph(full, anchor, std::move(body))});
            }
        }
    } catch (const Unsupported&) {
        return std::nullopt;
    }
    for_each_parallel(tasks.size(), [&](std::size_t i) {
        Task& task = tasks[i];
        try {
            Merger merger(task.base ? task.base->doc.get() : &empty_doc, *task.ours->doc,
                          task.theirs ? *task.theirs->doc : empty_doc,
                          task.base ? &task.base->root : &empty_root, task.ours->root,
                          task.theirs ? task.theirs->root : empty_root);
            merger.m_labels = labels;
            merger.run();
            merger.move_changes(task.at, task.splices, task.regions, task.insert_conflicts);
        } catch (const Unsupported&) {
            task.unsupported = true;
        }
    });
    // In order: two inserts at one offset keep the order they were made in.
    std::vector<Splice> ordered;
    std::size_t next = 0;
    for (Task& task : tasks) {
        if (task.unsupported) return std::nullopt;
        for (; next < task.splices_at; ++next)
            ordered.push_back(std::move(splices[next]));
        std::move(task.splices.begin(), task.splices.end(), std::back_inserter(ordered));
        std::move(task.regions.begin(), task.regions.end(), std::back_inserter(regions));
        insert_conflicts += task.insert_conflicts;
    }
    for (; next < splices.size(); ++next)
        ordered.push_back(std::move(splices[next]));
    splices = std::move(ordered);
    out.text =
        assemble(ours, full.eol(), splices, regions, insert_conflicts, labels, out.conflicts);
    if (out.conflicts == 0) {
        Blocks r;
        if (!cut(out.text, split_items(out.text), parts, r)) return std::nullopt;
        parts.settle();
        if (!index_ids(parts, r) || first_conflict_marker(out.text)) return std::nullopt;
    }
    out.merged = true;
    out.method = MergeMethod::by_blocks;
    return out;
}

} // namespace

GoalMerge merge_goal_files(std::string_view base, std::string_view ours, std::string_view theirs,
                           const std::string& path, const MergeLabels& labels, MergeMethod method) {
    if (method == MergeMethod::by_blocks)
        if (std::optional<GoalMerge> merged = merge_by_blocks(base, ours, theirs, path, labels))
            return std::move(*merged);
    GoalMerge out;
    Version b, o, t;
    {
        // The three versions are parsed at once.
        std::thread read_base([&] { read_version(b, base, path, "BASE"); });
        std::thread read_theirs([&] { read_version(t, theirs, path, "THEIRS"); });
        read_version(o, ours, path, "OURS");
        read_base.join();
        read_theirs.join();
    }
    for (const Version* v : {&b, &o, &t})
        if (!v->problem.empty()) {
            out.reason = v->problem;
            return out;
        }
    try {
        Merger merger(b.doc.get(), *o.doc, *t.doc, &b.root, o.root, t.root);
        merger.m_labels = labels;
        merger.run();
        out.text = merger.result(labels, out.conflicts);
    } catch (const Unsupported& u) {
        out.reason = u.why;
        return out;
    }
    if (out.conflicts == 0) {
        Version check;
        read_version(check, out.text, path, "the merged file");
        if (const std::optional<SourcePos> marker = first_conflict_marker(out.text);
            marker && check.problem.empty())
            check.problem = fmt::format("the merged file has a line that reads as a conflict "
                                        "marker at line {}",
                                        marker->line);
        if (!check.problem.empty()) {
            out.reason = check.problem;
            out.text.clear();
            return out;
        }
    }
    out.merged = true;
    return out;
}

} // namespace okr::io
