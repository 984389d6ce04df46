#include "okr/cli/write.hpp"
#include "okr/cli/command_line.hpp"

#include "okr/core/lint.hpp"
#include "okr/io/parse.hpp"
#include "okr/io/safe_write.hpp"
#include "okr/report/json.hpp"
#include "okr/report/terminal.hpp"
#include "okr/report/text.hpp"
#include "okr/util/diff.hpp"
#include "okr/util/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <map>
#include <set>
#include <span>
#include <tuple>

namespace okr::cli {
namespace {

std::string kinds_name(RefKinds k) {
    std::vector<std::string> names;
    if (k.objective) names.emplace_back("objective");
    if (k.kr) names.emplace_back("key result");
    if (k.kpi) names.emplace_back("KPI");
    if (names.size() == 1) return names[0];
    if (names.size() == 2) return names[0] + " or " + names[1];
    return names[0] + ", " + names[1] + " or " + names[2];
}

void add_unique(std::vector<std::string>& to, const std::vector<std::string>& from) {
    for (const std::string& s : from)
        if (std::find(to.begin(), to.end(), s) == to.end()) to.push_back(s);
}

// Latin-1 letters with accents, U+00C0 to U+00FF, as the ASCII letter ids use ('.' = none).
constexpr std::string_view k_latin1_ascii =
    "aaaaaaaceeeeiiiidnooooo.ouuuuy.saaaaaaaceeeeiiiidnooooo.ouuuuy.y";

// Words of a title for an id, lowercase ASCII; accented Latin letters lose their accents and
// other characters separate words.
std::vector<std::string> id_words(std::string_view title) {
    std::vector<std::string> words(1);
    for (std::size_t i = 0; i < title.size();) {
        const util::Decoded d = util::decode_utf8(title, i);
        i += d.length;
        const char32_t c = d.valid ? d.code_point : 0;
        char out = 0;
        if (c < 0x80 && std::isalnum(static_cast<int>(c))) {
            out = static_cast<char>(std::tolower(static_cast<int>(c)));
        } else if (c >= 0xC0 && c <= 0xFF) {
            out = k_latin1_ascii[c - 0xC0];
            if (out == '.') out = 0;
        }
        if (out) {
            words.back() += out;
        } else if (c != U'\'') { // "Sam's" is one word
            if (!words.back().empty()) words.emplace_back();
        }
    }
    if (words.back().empty()) words.pop_back();
    return words;
}

bool is_stop_word(std::string_view w) {
    static constexpr std::string_view k_stop[] = {
        "a",    "an",   "the",  "of",  "to", "for",  "and", "or",    "in", "on",  "at", "by",
        "with", "from", "into", "our", "my", "your", "its", "their", "is", "are", "be"};
    return std::find(std::begin(k_stop), std::end(k_stop), w) != std::end(k_stop);
}

} // namespace

void add_dry_run_flag(CommandLine& command, bool& dry_run) {
    command.add_flag("--dry-run", dry_run,
                     "Print the unified diff of the change and write nothing");
}

namespace {

// The items of the allowed kinds that `ref` names, the candidates of an ambiguous reference
// (with their kinds) and, with Explain::yes, suggestions for an unknown one.
void lookup(const WorkspaceIndex& index, std::string_view ref, RefKinds kinds,
            WorkspaceIndex::Explain explain, std::vector<WriteTarget>& found,
            std::vector<std::pair<std::string, const char*>>& candidates,
            std::vector<std::string>& suggestions) {
    if (kinds.objective) {
        auto r = index.objective(ref, 0, explain);
        if (r.found) {
            const Objective& o = index.at(*r.found);
            found.push_back(
                {r.found->file, io::ItemId::of_objective(o.id), index.ref_of(*r.found)});
            candidates.emplace_back(found.back().ref, "objective");
        }
        for (const auto& c : r.candidates)
            candidates.emplace_back(c, "objective");
        add_unique(suggestions, r.suggestions);
    }
    if (kinds.kr) {
        auto r = index.kr(ref, 0, true, explain);
        if (r.found) {
            const Objective& o = index.at(ObjectiveRef{r.found->file, r.found->objective});
            found.push_back({r.found->file, io::ItemId::of_kr(o.id, index.at(*r.found).id),
                             index.ref_of(*r.found)});
            candidates.emplace_back(found.back().ref, "key result");
        }
        for (const auto& c : r.candidates)
            candidates.emplace_back(c, "key result");
        add_unique(suggestions, r.suggestions);
    }
    if (kinds.kpi) {
        auto r = index.kpi(ref, 0, explain);
        if (r.found) {
            found.push_back(
                {r.found->file, io::ItemId::of_kpi(index.at(*r.found).id), index.ref_of(*r.found)});
            candidates.emplace_back(found.back().ref, "KPI");
        }
        for (const auto& c : r.candidates)
            candidates.emplace_back(c, "KPI");
        add_unique(suggestions, r.suggestions);
    }
}

} // namespace

WriteTarget resolve_target(const WorkspaceIndex& index, std::string_view ref, RefKinds kinds) {
    std::vector<WriteTarget> found;
    std::vector<std::pair<std::string, const char*>> candidates; // reference, kind
    std::vector<std::string> suggestions;
    // The common case without suggestions, which cost a pass over every name (import checks
    // thousands of rows); the failures again with them.
    lookup(index, ref, kinds, WorkspaceIndex::Explain::no, found, candidates, suggestions);
    if (found.size() == 1 && candidates.size() == 1) return found.front();
    found.clear();
    candidates.clear();
    lookup(index, ref, kinds, WorkspaceIndex::Explain::yes, found, candidates, suggestions);
    if (found.size() == 1 && candidates.size() == 1) return found.front();
    if (!candidates.empty()) {
        // Name the kinds only when they differ: `eco (objective), growth/eco (KPI)`.
        const bool mixed = std::any_of(candidates.begin(), candidates.end(), [&](const auto& c) {
            return std::string_view(c.second) != candidates.front().second;
        });
        std::vector<std::string> all;
        for (const auto& [r, kind] : candidates)
            add_unique(all, {mixed ? fmt::format("{} ({})", r, kind) : r});
        throw CommandError(
            ExitCode::usage, describe_failure(kinds_name(kinds), ref, all, {}),
            "name it in full, with its namespace: NS/OBJECTIVE, NS/OBJECTIVE.KR or NS/KPI");
    }
    if (suggestions.size() > 3) suggestions.resize(3);
    throw CommandError(ExitCode::usage, describe_failure(kinds_name(kinds), ref, {}, suggestions),
                       suggestions.empty() ? "`okr status` and `okr kpi` list the references" : "");
}

const Objective* objective_of(const WorkspaceIndex& index, const WriteTarget& target) {
    for (const Objective& o : index.workspace().files[target.file].objectives)
        if (o.id == target.item.objective) return &o;
    return nullptr;
}

const KeyResult* kr_of(const WorkspaceIndex& index, const WriteTarget& target) {
    const Objective* o = objective_of(index, target);
    if (!o || target.item.kind != io::ItemKind::kr) return nullptr;
    for (const KeyResult& kr : o->krs)
        if (kr.id == target.item.id) return &kr;
    return nullptr;
}

const Kpi* kpi_of(const WorkspaceIndex& index, const WriteTarget& target) {
    if (target.item.kind != io::ItemKind::kpi) return nullptr;
    for (const Kpi& k : index.workspace().files[target.file].kpis)
        if (k.id == target.item.id) return &k;
    return nullptr;
}

std::string write_edit(const Session& session, const std::string& path, bool dry_run,
                       std::string& out,
                       const std::function<Result<io::Edit>(std::string_view text)>& edit) {
    return write_edits(session, {{path, edit}}, dry_run, out).front();
}

std::vector<std::string> write_edits(const Session& session, const std::vector<FileEdit>& edits,
                                     bool dry_run, std::string& out) {
    std::vector<std::size_t> order(edits.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return edits[a].path < edits[b].path; });
    // Readers take no lock, and neither does a dry run: it writes nothing. Each path is
    // resolved once and read through a descriptor under its lock (taken in path order, so two
    // writers cannot deadlock): a change saved since the workspace was loaded is kept.
    std::vector<std::optional<io::LockedFile>> files(edits.size());
    std::vector<std::string> before(edits.size()), after(edits.size());
    for (std::size_t i : order) {
        auto opened = io::LockedFile::open(edits[i].path, lock_timeout(session.env()), !dry_run);
        if (!opened) throw command_error(opened.failure());
        files[i].emplace(std::move(opened).value());
        Result<io::Edit> result = edits[i].edit(files[i]->text());
        if (!result) throw command_error(result.failure(), "; nothing was written");
        before[i] = files[i]->text();
        after[i] = std::move(result->text);
    }
    if (dry_run) {
        for (std::size_t i : order)
            out += report::escape_lines(util::unified_diff(before[i], after[i], edits[i].path));
        return after;
    }
    // Every changed file at once, all or nothing (SPEC §8).
    std::vector<io::LockedFile*> changed;
    std::vector<std::string_view> texts;
    for (std::size_t i : order)
        if (after[i] != before[i]) {
            changed.push_back(&*files[i]);
            texts.push_back(after[i]);
        }
    if (Result<void> replaced = io::LockedFile::replace_together(changed, texts); !replaced)
        throw command_error(replaced.failure());
    return after;
}

std::vector<Written> record_checkins(const Session& session, const WorkspaceIndex& index,
                                     const std::vector<CheckedCheckin>& checkins, bool dry_run,
                                     std::string& out,
                                     std::map<std::string, std::string>* new_texts) {
    std::map<std::string, std::vector<std::pair<io::ItemId, Checkin>>> by_path;
    std::vector<Written> written;
    for (const CheckedCheckin& c : checkins) {
        const std::string& path = index.workspace().files[c.target.file].path;
        by_path[path].emplace_back(c.target.item, c.checkin);
        written.push_back({"checkin", path, 0, c.target.ref, checkin_values(c.checkin)});
    }
    std::vector<FileEdit> edits;
    for (const auto& entry : by_path) {
        const std::string path = entry.first;
        const auto* list = &entry.second;
        edits.push_back({path, [path, list](std::string_view current) {
                             return io::append_checkins(current, path, *list);
                         }});
    }
    const std::vector<std::string> texts = write_edits(session, edits, dry_run, out);
    if (new_texts)
        for (std::size_t f = 0; f < edits.size(); ++f)
            (*new_texts)[edits[f].path] = texts[f];
    if (session.options().format != "json") return written;
    // Where each new check-in landed: the appended ones are the last of their item's check-ins.
    for (std::size_t f = 0; f < edits.size(); ++f) {
        const GoalFile file = io::parse_goal_file(texts[f], edits[f].path).file;
        std::map<std::pair<std::string, std::string>, std::size_t> taken; // item -> used
        auto checkins_of = [&](const io::ItemId& item) -> const std::vector<Checkin>* {
            if (item.kind == io::ItemKind::kpi) {
                for (const Kpi& k : file.kpis)
                    if (k.id == item.id) return &k.checkins;
                return nullptr;
            }
            for (const Objective& o : file.objectives)
                if (o.id == item.objective)
                    for (const KeyResult& kr : o.krs)
                        if (kr.id == item.id) return &kr.checkins;
            return nullptr;
        };
        const auto& list = by_path[edits[f].path];
        std::map<std::pair<std::string, std::string>, std::size_t> appended;
        for (const auto& entry : list)
            ++appended[{entry.first.objective, entry.first.id}];
        std::vector<std::uint32_t> lines;
        for (const auto& entry : list) {
            const auto key = std::make_pair(entry.first.objective, entry.first.id);
            const std::vector<Checkin>* all = checkins_of(entry.first);
            const std::size_t n = taken[key]++;
            std::uint32_t line = 0;
            if (all && all->size() >= appended[key])
                line = (*all)[all->size() - appended[key] + n].pos.line;
            lines.push_back(line);
        }
        std::size_t next = 0;
        for (Written& w : written)
            if (w.path == edits[f].path) w.line = lines[next++];
    }
    return written;
}

std::vector<std::pair<std::string, io::Value>> checkin_values(const Checkin& checkin) {
    std::vector<std::pair<std::string, io::Value>> values = {{"date", checkin.date},
                                                             {"value", checkin.value}};
    if (checkin.has_confidence()) values.emplace_back("confidence", *checkin.confidence);
    if (checkin.recorded) values.emplace_back("recorded", *checkin.recorded);
    if (!checkin.note.empty()) values.emplace_back("note", checkin.note.str());
    return values;
}

std::uint32_t line_of(std::string_view text, const std::string& path, const io::ItemId& item,
                      std::string_view key) {
    return io::item_line(text, path, item, key);
}

void finish_write(const Session& session, bool dry_run, const std::vector<Written>& written,
                  const std::string& text, std::string& out) {
    if (session.options().format != "json") {
        if (!dry_run && !session.options().quiet) out += text;
        return;
    }
    std::string doc;
    report::JsonWriter w(doc);
    w.begin_object();
    w.field("schema_version", 1.0);
    w.field("dry_run", dry_run);
    w.key("written");
    w.begin_array();
    std::vector<std::string> files;
    for (const Written& item : written) {
        if (std::find(files.begin(), files.end(), item.path) == files.end())
            files.push_back(item.path);
        w.begin_object();
        w.field("action", item.action);
        w.field("file", item.path);
        w.key("line");
        if (item.line > 0)
            w.value(static_cast<double>(item.line));
        else
            w.null();
        w.key("ref");
        if (item.ref.empty())
            w.null();
        else
            w.value(item.ref);
        w.key("values");
        w.begin_object();
        for (const auto& [key, value] : item.values) {
            w.key(key);
            if (const double* d = std::get_if<double>(&value))
                w.value(*d);
            else if (const std::string* s = std::get_if<std::string>(&value))
                w.value(*s);
            else if (const Date* day = std::get_if<Date>(&value))
                w.value(day->iso());
            else if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
                w.begin_array();
                for (const std::string& e : *list)
                    w.value(e);
                w.end_array();
            }
        }
        w.end_object();
        w.end_object();
    }
    w.end_array();
    w.key("files");
    w.begin_array();
    for (const std::string& f : files)
        w.value(f);
    w.end_array();
    if (dry_run) w.field("diff", out);
    w.end_object();
    doc += '\n';
    out = std::move(doc);
}

namespace {

// Where an objective's `closed` is, as a positioned error with its source line: the reason a
// write is refused.
std::string closed_here(const WorkspaceIndex& index, std::size_t file, const Objective& obj) {
    const std::string& path = index.workspace().files[file].path;
    const Diagnostic d{path,
                       obj.closed_pos,
                       Level::error,
                       fmt::format("objective \"{}\" is closed ({}): its grade is frozen", obj.id,
                                   obj.closed->iso()),
                       {},
                       {}};
    return report::diagnostics_text({d}, report::Look{}, source_lines());
}

} // namespace

void refuse_uncounted(const WorkspaceIndex& index, const WriteTarget& target, Date date,
                      Date as_of) {
    const std::string force = "--force records it anyway";
    if (date > as_of)
        throw CommandError(
            ExitCode::usage,
            fmt::format("check-in dated {} is in the future (as of {}); nothing was written",
                        date.iso(), as_of.iso()),
            fmt::format("date it today or earlier with --date, or set --as-of; {}", force));
    if (const KeyResult* kr = kr_of(index, target)) {
        const Objective* obj = objective_of(index, target);
        const Cycle* cycle = obj ? index.cycle(obj->cycle) : nullptr;
        if (cycle && date > cycle->end)
            throw CommandError(
                ExitCode::usage,
                fmt::format("check-in dated {} is after the end of cycle {} ({}): it would not "
                            "count for {}; nothing was written",
                            date.iso(), cycle->name, cycle->end.iso(), target.ref),
                fmt::format("to grade {}, date it --date {}; {}", cycle->name, cycle->end.iso(),
                            force));
        // Closed: its grade is frozen from that day on (SPEC §10); a check-in backdated to that
        // day or before is history, as `okr check` counts.
        if (obj && obj->closed && date > *obj->closed)
            throw CommandError(
                ExitCode::usage,
                fmt::format("{}: its objective \"{}\" was closed on {}, so a check-in dated {} "
                            "would not change its frozen grade; nothing was written",
                            target.ref, obj->id, obj->closed->iso(), date.iso()),
                fmt::format("reopen the objective by removing `closed` (okr edit), or date it "
                            "--date {} or earlier; {}",
                            obj->closed->iso(), force),
                closed_here(index, target.file, *obj));
        // Dropped: from the day it was dropped, as `okr check` counts (a check-in backdated to
        // before that day is history, and counts as it did).
        const std::optional<Date> dropped_on = kr->dropped ? drop_date(*kr)
                                               : obj       ? drop_date(*obj)
                                                           : std::nullopt;
        if ((kr->dropped || (obj && obj->dropped)) && (!dropped_on || date >= *dropped_on))
            throw CommandError(
                ExitCode::usage,
                fmt::format("{} is dropped{}: a check-in would not count; nothing was written",
                            target.ref, kr->dropped ? "" : " with its objective"),
                fmt::format("make it count again with `okr set {} status active`; {}",
                            kr->dropped ? target.ref : obj->id, force));
    } else if (const Kpi* kpi = kpi_of(index, target);
               kpi && kpi->dropped && (!drop_date(*kpi) || date >= *drop_date(*kpi))) {
        throw CommandError(
            ExitCode::usage,
            fmt::format("KPI {} is dropped: a check-in would not count; nothing was written",
                        target.ref),
            fmt::format("make it count again with `okr set {} status active`; {}", target.ref,
                        force));
    }
}

void refuse_frozen(const WorkspaceIndex& index, const WriteTarget& target, std::string_view change,
                   const schema::Key* key) {
    const Objective* obj = objective_of(index, target);
    if (!obj || !obj->closed) return;
    if (key && !key->traits.grade) return;
    throw CommandError(
        ExitCode::usage,
        fmt::format("{}: {} objective \"{}\" was closed on {}; {} would change a grade it "
                    "froze; nothing was written",
                    target.ref, target.item.kind == io::ItemKind::objective ? "the" : "its",
                    obj->id, obj->closed->iso(), change),
        "reopen the objective by removing `closed` (okr edit); --force changes it anyway",
        closed_here(index, target.file, *obj));
}

Diagnostics new_findings(const LoadedGoals& goals, std::size_t file, std::string_view text,
                         Date as_of) {
    const Workspace& before_ws = goals.index->workspace();
    const std::string& path = before_ws.files[file].path;
    io::ParsedFile parsed = io::parse_goal_file(text, path);
    if (has_errors(parsed.diagnostics)) return {};
    Workspace after_ws = before_ws;
    after_ws.files[file] = std::move(parsed.file);
    const WorkspaceIndex after_index(after_ws);
    Diagnostics before = lint(*goals.index, evaluate(*goals.index, as_of));
    Diagnostics after = lint(after_index, evaluate(after_index, as_of));
    // A finding is the same before and after when its file, rule and message are: lines move
    // when a write adds some. Each one before cancels one after, so a second copy is new.
    std::multiset<std::tuple<std::string, std::string, std::string>> old;
    for (const Diagnostic& d : before)
        old.insert({d.path, d.rule, d.message});
    Diagnostics out;
    for (Diagnostic& d : after) {
        auto it = old.find({d.path, d.rule, d.message});
        if (it != old.end())
            old.erase(it);
        else
            out.push_back(std::move(d));
    }
    return out;
}

void warn_new_findings(const Session& session, const LoadedGoals& goals, std::size_t file,
                       const std::string& text,
                       const std::function<bool(const Diagnostic&)>& premature) {
    if (session.options().quiet) return;
    Diagnostics found = new_findings(goals, file, text, session.as_of());
    if (premature) std::erase_if(found, premature);
    if (found.empty()) return;
    const std::string path = goals.index->workspace().files[file].path;
    report::Look plain = session.look();
    plain.color = false;
    auto fallback = source_lines();
    session.print_stderr(report::diagnostics_text(
        found, plain, [&](const std::string& p, std::uint32_t n) -> std::optional<std::string> {
            if (p != path) return fallback(p, n);
            std::size_t at = 0;
            for (std::uint32_t i = 1; i < n; ++i) {
                at = text.find('\n', at);
                if (at == std::string::npos) return std::nullopt;
                ++at;
            }
            std::string line = text.substr(at, text.find('\n', at) - at);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return line;
        }));
}

void reload_file(LoadedGoals& goals, std::size_t file, std::string_view text, Date as_of) {
    io::ParsedFile parsed = io::parse_goal_file(text, goals.loaded.workspace.files[file].path);
    goals.loaded.workspace.files[file] = std::move(parsed.file);
    goals.index = std::make_unique<WorkspaceIndex>(goals.loaded.workspace);
    goals.evaluation = evaluate(*goals.index, as_of);
}

double parse_number_arg(std::string_view what, std::string_view text) {
    return parse_quantity_arg(what, text, std::nullopt);
}

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

} // namespace

double parse_quantity_arg(std::string_view what, std::string_view text,
                          std::optional<std::string_view> unit) {
    // `_` separates digits (1_200), as in TOML: only between two digits.
    std::string digits;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool between = i > 0 && i + 1 < text.size() &&
                             std::isdigit(static_cast<unsigned char>(text[i - 1])) &&
                             std::isdigit(static_cast<unsigned char>(text[i + 1]));
        if (text[i] == '_' && between) continue;
        digits += text[i];
    }
    std::string_view number = trimmed(digits);
    if (!number.empty() && number.front() == '+') number.remove_prefix(1);
    double value = 0;
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    const bool parsed =
        !number.empty() && ec == std::errc{} && std::isfinite(value) && ptr != number.data();
    const std::string_view suffix =
        parsed ? trimmed(number.substr(static_cast<std::size_t>(ptr - number.data())))
               : std::string_view();
    const std::string shown = parsed ? io::toml_number(value) : std::string();
    // The item's own unit may follow the number: `58 bpm`, `2.7s`, `70%`.
    if (parsed &&
        (suffix.empty() || (unit && !unit->empty() && lower(suffix) == lower(trimmed(*unit))))) {
        if (io::is_number_in_range(value)) return value;
        throw CommandError(ExitCode::usage, fmt::format("{}: {} is out of range", what, text),
                           "okr takes numbers from -1e15 to 1e15, and none closer to 0 than "
                           "2.2e-308 (okr-format(5))");
    }
    if (parsed && suffix.find_first_of("0123456789") == std::string_view::npos &&
        suffix.find(',') == std::string_view::npos) {
        if (unit && !unit->empty())
            throw CommandError(
                ExitCode::usage,
                fmt::format("{}: expected a number in {}, found \"{}\"", what, *unit, text),
                fmt::format("write {} or {}{}{}", shown, shown, *unit == "%" ? "" : " ", *unit));
        std::string hint = fmt::format("write the number alone: {}", shown);
        if (suffix == "%") hint = fmt::format("write it without the `%`: {}", shown);
        throw CommandError(ExitCode::usage,
                           fmt::format("{}: expected a number{}, found \"{}\"", what,
                                       unit ? " (this item has no unit)" : "", text),
                           hint);
    }
    std::string hint = "write digits, with a `.` for decimals: 12.5, -3, 1200";
    if (text.find(',') != std::string_view::npos)
        hint = "write it without thousands separators, or with `_`, and a `.` for decimals: "
               "1200.5 or 1_200.5";
    throw CommandError(
        ExitCode::usage,
        fmt::format("{}: expected a number, found \"{}\"", what, report::escape_control(text)),
        hint);
}

double parse_measure_arg(std::string_view what, std::string_view text, std::string_view unit) {
    auto blank = [](char c) { return c == ' ' || c == '\t'; };
    while (!text.empty() && blank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && blank(text.back()))
        text.remove_suffix(1);
    // The number: sign, digits (with `_` between digits), point, exponent; the rest is a unit.
    std::size_t end = 0;
    auto digit = [&](std::size_t i) {
        return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
    };
    if (end < text.size() && (text[end] == '+' || text[end] == '-')) ++end;
    std::string number(text.substr(0, end));
    for (; end < text.size(); ++end) {
        const char c = text[end];
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
            number += c;
        } else if (c == '_' && end > 0 && digit(end - 1) && digit(end + 1)) {
            continue;
        } else if ((c == 'e' || c == 'E') && !number.empty() &&
                   (digit(end + 1) ||
                    (end + 2 < text.size() && (text[end + 1] == '+' || text[end + 1] == '-') &&
                     digit(end + 2)))) {
            number += c;
            if (!digit(end + 1)) number += text[++end];
        } else {
            break;
        }
    }
    std::string_view rest = text.substr(end);
    while (!rest.empty() && blank(rest.front()))
        rest.remove_prefix(1);
    if (rest.empty() || number.empty() || number == "+" || number == "-")
        return parse_number_arg(what, rest.empty() ? std::string_view(number) : text);
    if (!unit.empty() && rest == unit) return parse_number_arg(what, number);
    const auto first = static_cast<unsigned char>(rest.front());
    if (unit.empty() || (!std::isalpha(first) && first != '%' && first < 0x80))
        return parse_number_arg(what, text);
    // A suffix that is not the item's unit: say which unit the item has.
    const std::string value_text = number.front() == '+' ? number.substr(1) : number;
    throw CommandError(
        ExitCode::usage, fmt::format("{}: expected a value in {}, found \"{}\"", what, unit, text),
        fmt::format("write {} or {}{}{}", value_text, value_text, unit == "%" ? "" : " ", unit));
}

double checkin_value(std::string_view what, const std::string& text, bool milestone,
                     const std::string& ref, std::string_view unit) {
    if (milestone) {
        if (text == "done" || text == "1" || text == "yes") return 1;
        if (text == "0" || text == "no" || text == "not-done") return 0;
        throw CommandError(
            ExitCode::usage, fmt::format("{}: {} is a milestone, found \"{}\"", what, ref, text),
            fmt::format("write `okr checkin {} done` when it is done (0 when it is not)", ref));
    }
    if (text == "done")
        throw CommandError(
            ExitCode::usage,
            fmt::format("{}: `done` is for milestones, and {} is a metric", what, ref),
            "give the measured value, e.g. okr checkin " + ref + " 12.5");
    return parse_measure_arg(what, text, unit);
}

CheckedCheckin check_checkin(const WorkspaceIndex& index, const CheckinRequest& request, Date today,
                             const CheckinFields& fields) {
    CheckedCheckin result;
    Checkin& checkin = result.checkin;
    checkin.date = request.date.empty() ? today : parse_date_arg(fields.date, request.date, today);
    if (!request.confidence.empty())
        checkin.confidence = parse_fraction_arg(fields.confidence, request.confidence);
    checkin.note = request.note;

    // An objective named here: say where its check-ins go instead.
    using Explain = WorkspaceIndex::Explain;
    if (auto o = index.objective(request.ref, 0, Explain::found);
        o.found && !index.kr(request.ref, 0, true, Explain::found).found &&
        !index.kpi(request.ref, 0, Explain::found).found) {
        std::vector<std::string> krs;
        for (std::size_t r = 0; r < index.at(*o.found).krs.size(); ++r)
            krs.push_back(index.ref_of(KrRef{o.found->file, o.found->objective, r}));
        throw CommandError(
            ExitCode::usage,
            fmt::format("{} is an objective; check-ins go to its key results", request.ref),
            krs.empty() ? "add one with `okr add kr " + request.ref + " TITLE --target N`"
                        : fmt::format("one of: {}", fmt::join(krs, ", ")));
    }
    result.target = resolve_target(index, request.ref, {false, true, true});
    const WriteTarget& target = result.target;
    if (const KeyResult* kr = kr_of(index, target)) {
        if (kr->kpi)
            throw CommandError(
                ExitCode::usage,
                fmt::format("{} takes its value from KPI `{}`; check in on the KPI instead",
                            target.ref, kr->kpi->text),
                fmt::format("okr checkin {} {}", kr->kpi->text, request.value));
        checkin.value = checkin_value(fields.value, request.value, kr->type == KrType::milestone,
                                      target.ref, kr->unit);
        // Into a closed objective, a check-in dated on or before the close is history:
        // `recorded` keeps it out of the frozen cycle's progress (SPEC §10); one dated after the
        // close never counts anyway.
        if (const Objective* obj = objective_of(index, target);
            obj && obj->closed && today >= *obj->closed && checkin.date <= *obj->closed)
            checkin.recorded = today;
    } else {
        const Kpi* kpi = kpi_of(index, target);
        checkin.value =
            checkin_value(fields.value, request.value, false, target.ref, kpi ? kpi->unit : "");
    }
    return result;
}

double parse_fraction_arg(std::string_view what, std::string_view text) {
    const bool percent = !text.empty() && text.back() == '%';
    const std::string_view number = percent ? text.substr(0, text.size() - 1) : text;
    double value = 0;
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    const bool parsed = !number.empty() && ec == std::errc{} &&
                        ptr == number.data() + number.size() && std::isfinite(value);
    if (parsed && percent) value /= 100;
    if (parsed && value >= 0 && value <= 1) return value;
    std::string hint = "write a fraction from 0 to 1 (0.7) or a percentage (70%)";
    if (parsed && !percent && value >= 2 && value <= 100)
        hint = fmt::format("write {} or {}%", io::toml_number(value / 100), text);
    throw CommandError(
        ExitCode::usage,
        parsed ? fmt::format("{}: must be between 0 and 1 (or 0% and 100%), found {}", what, text)
               : fmt::format("{}: expected a fraction like 0.7 or 70%, found \"{}\"", what, text),
        hint);
}

std::string make_id(std::string_view title, std::string_view fallback,
                    const std::function<bool(const std::string&)>& taken) {
    constexpr std::size_t k_max_words = 3, k_max_length = 24;
    std::string base;
    std::size_t used = 0;
    for (const std::string& w : id_words(title)) {
        if (is_stop_word(w)) continue;
        if (used == k_max_words) break;
        if (!base.empty() && base.size() + 1 + w.size() > k_max_length) break;
        base += (base.empty() ? "" : "-") + w.substr(0, k_max_length);
        ++used;
    }
    if (base.empty()) base = fallback;
    if (!taken(base)) return base;
    for (int n = 2;; ++n) {
        std::string id = fmt::format("{}-{}", base, n);
        if (!taken(id)) return id;
    }
}

std::chrono::milliseconds lock_timeout(const Environment& env) {
    if (env.lock_timeout) {
        const char* v = env.lock_timeout->c_str();
        char* end = nullptr;
        const double seconds = std::strtod(v, &end);
        if (end != v && *end == '\0' && seconds >= 0 && seconds < 3600)
            return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    }
    return io::k_default_lock_timeout;
}

} // namespace okr::cli
