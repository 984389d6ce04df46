#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <set>

namespace okr::cli {

namespace {

struct CloseOptions {
    std::string cycle;
    bool carry = false;
    std::string to;
    bool dry_run = false;
};

std::string lowercase(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// What `close` does to one file.
struct FilePlan {
    std::string path;
    std::vector<std::pair<io::ItemId, double>> scores; // KR -> frozen score
    std::vector<std::string> closed;                   // objective ids
    // Carried objectives, each with its KRs.
    std::vector<std::pair<io::NewItem, std::vector<io::NewItem>>> carried;
    std::vector<std::string> score_refs, closed_refs, carried_refs;
    std::string prefix; // the file's namespace and "/", or nothing (a one-file workspace)
};

// Applies a file's plan to its current text, one edit after another; the first edit that fails
// is returned as it is (write_edits reports it and writes nothing).
Result<io::Edit> apply(const FilePlan& plan, std::string_view text, Date as_of) {
    std::string now(text);
    std::optional<Failure> failed;
    auto step = [&](Result<io::Edit> edit) {
        if (failed) return;
        if (!edit)
            failed = std::move(edit).failure();
        else
            now = std::move(edit->text);
    };
    for (const auto& [item, score] : plan.scores)
        step(io::set_key(now, plan.path, item, "score", score));
    for (const std::string& id : plan.closed)
        step(io::set_key(now, plan.path, io::ItemId::of_objective(id), "closed", as_of));
    for (const auto& [objective, krs] : plan.carried) {
        step(io::add_objective(now, plan.path, objective));
        for (const io::NewItem& kr : krs)
            step(io::add_kr(now, plan.path, objective.id, kr));
    }
    if (failed) return std::move(*failed);
    return io::Edit{std::move(now), {}};
}

} // namespace

Runner setup_close(CommandLine& command) {
    auto opts = std::make_shared<CloseOptions>();
    command.add_option("CYCLE", opts->cycle, "The cycle to close, e.g. 2026-Q4")
        ->required()
        ->completes(Complete::cycles);
    Option carry = command.add_flag(
        "--carry", opts->carry,
        "Continue each closed objective below 1.0 in the next cycle, with its unfinished KRs");
    command
        .add_option("--to", opts->to,
                    "The cycle to carry into (default: the next of the same kind, 2026-Q4 -> "
                    "2027-Q1; required for a custom cycle)")
        ->type_name("NEXT")
        ->needs(carry)
        ->completes(Complete::cycles);
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const Workspace& ws = index.workspace();
        const Date as_of = session.as_of();
        std::optional<Cycle> cycle;
        if (const Cycle* c = index.cycle(opts->cycle))
            cycle = *c;
        else
            cycle = builtin_cycle(opts->cycle);
        if (!cycle)
            throw CommandError(ExitCode::usage, fmt::format("unknown cycle \"{}\"", opts->cycle),
                               "use YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or a cycle declared under "
                               "[cycles]");
        std::string next;
        if (opts->carry) {
            if (!opts->to.empty()) {
                if (!index.cycle(opts->to) && !builtin_cycle(opts->to))
                    throw CommandError(ExitCode::usage,
                                       fmt::format("--to: unknown cycle \"{}\"", opts->to),
                                       "use YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or a cycle declared "
                                       "under [cycles]");
                next = opts->to;
            } else if (auto n = next_cycle_name(cycle->name)) {
                next = *n;
            } else {
                throw CommandError(
                    ExitCode::usage,
                    fmt::format("{} is a custom cycle: okr cannot tell which comes next",
                                cycle->name),
                    fmt::format("name it: okr close {} --carry --to NEXT", cycle->name));
            }
            if (next == cycle->name)
                throw CommandError(ExitCode::usage,
                                   fmt::format("--to {}: that is the cycle being closed", next));
        }

        // Scores are computed as of the cycle's end (or today, when closing early).
        const Date graded_at = std::min(as_of, cycle->end);
        const Evaluation ev =
            graded_at == goals.evaluation.as_of ? goals.evaluation : evaluate(index, graded_at);

        // The objectives that an earlier run carried already (into any cycle), and, for those
        // carried into NEXT, where they went: nothing is carried twice, and a parent carried
        // earlier is pointed at as one carried now is.
        std::set<std::pair<std::size_t, std::size_t>> carried_before;
        std::map<std::pair<std::size_t, std::size_t>, std::string> parent_ids; // -> id in NEXT
        for (std::size_t f = 0; f < ws.files.size(); ++f)
            for (std::size_t o = 0; o < ws.files[f].objectives.size(); ++o) {
                const Objective& x = ws.files[f].objectives[o];
                if (!x.carried_from) continue;
                auto from =
                    index.objective(x.carried_from->text, f, WorkspaceIndex::Explain::found);
                if (!from.found) continue;
                carried_before.insert({from.found->file, from.found->objective});
                if (!next.empty() && x.cycle == next)
                    parent_ids[{from.found->file, from.found->objective}] = x.id;
            }

        // What each objective of the cycle gets: frozen and closed (unless closed already), and
        // carried (with --carry, when below 1.0 with unfinished KRs and not carried before).
        struct Carry {
            std::size_t file, objective;
            io::NewItem item;
            std::vector<io::NewItem> krs;
        };
        std::vector<Carry> carries;
        std::map<std::string, std::set<std::string>> taken; // namespace -> ids, with new ones
        for (const GoalFile& file : ws.files)
            for (const Objective& x : file.objectives)
                taken[file.name_space].insert(x.id);
        std::map<std::string, FilePlan> plans; // by path: locked and written in path order
        std::size_t in_cycle = 0, frozen = 0, closed = 0, carried = 0;
        for (std::size_t f = 0; f < ws.files.size(); ++f) {
            const GoalFile& file = ws.files[f];
            for (std::size_t o = 0; o < file.objectives.size(); ++o) {
                const Objective& obj = file.objectives[o];
                if (obj.cycle != cycle->name || obj.dropped) continue;
                ++in_cycle;
                const bool closing = !obj.closed;
                const bool may_carry = opts->carry && !carried_before.contains({f, o});
                if (!closing && !may_carry) continue;
                const ObjectiveEval& oe = ev.objectives[f][o];
                std::vector<std::pair<io::ItemId, double>> scores;
                std::vector<std::string> score_refs;
                std::vector<Weighted> grades;
                std::vector<io::NewItem> unfinished;
                for (std::size_t k = 0; k < obj.krs.size(); ++k) {
                    const KeyResult& kr = obj.krs[k];
                    const KrEval& ke = oe.krs[k];
                    if (kr.dropped || !ke.score) continue;
                    // The score exactly as computed, in as many digits as it takes to read back
                    // the same number: every mean made of it is the one the reports showed
                    // before (SPEC §10: closing changes no number).
                    const double grade = *ke.score;
                    if (closing && !kr.score) {
                        scores.emplace_back(io::ItemId::of_kr(obj.id, kr.id), grade);
                        score_refs.push_back(index.ref_of(KrRef{f, o, k}));
                    }
                    grades.push_back({grade, kr.weight});
                    // Unfinished: below 1.0, with somewhere left to go from its last value.
                    if (grade >= 1 || (kr.type == KrType::metric && ke.current == kr.target))
                        continue;
                    io::NewItem item;
                    item.id = kr.id;
                    item.title = kr.title;
                    if (kr.type == KrType::milestone) {
                        item.keys.emplace_back("type", std::string("milestone"));
                    } else {
                        item.keys.emplace_back("start", ke.current);
                        item.keys.emplace_back("target", kr.target);
                    }
                    if (!kr.unit.empty()) item.keys.emplace_back("unit", kr.unit);
                    if (kr.weight != 1) item.keys.emplace_back("weight", kr.weight);
                    if (kr.kpi) item.keys.emplace_back("kpi", kr.kpi->text);
                    unfinished.push_back(std::move(item));
                }
                const auto grade = weighted_mean(grades);
                const bool carrying = may_carry && grade && *grade < 1 && !unfinished.empty();
                if (!closing && !carrying) continue;
                FilePlan& plan = plans[file.path];
                plan.path = file.path;
                const std::string own = index.ref_of(ObjectiveRef{f, o});
                plan.prefix = own.substr(0, own.size() - obj.id.size());
                if (closing) {
                    frozen += scores.size();
                    plan.scores.insert(plan.scores.end(), scores.begin(), scores.end());
                    plan.score_refs.insert(plan.score_refs.end(), score_refs.begin(),
                                           score_refs.end());
                    plan.closed.push_back(obj.id);
                    plan.closed_refs.push_back(own);
                    ++closed;
                }
                if (!carrying) continue;
                io::NewItem carried_obj;
                const std::string base = obj.id + "-" + lowercase(next);
                std::set<std::string>& ids = taken[file.name_space];
                carried_obj.id = base;
                for (int n = 2; ids.contains(carried_obj.id); ++n)
                    carried_obj.id = fmt::format("{}-{}", base, n);
                ids.insert(carried_obj.id);
                parent_ids[{f, o}] = carried_obj.id;
                carried_obj.title = obj.title;
                carries.push_back({f, o, std::move(carried_obj), std::move(unfinished)});
            }
        }
        // The keys of each carried objective, once every new id is known: a parent carried too
        // is pointed at in NEXT, so that the next cycle's tree has the closed one's shape.
        for (Carry& c : carries) {
            const GoalFile& file = ws.files[c.file];
            const Objective& obj = file.objectives[c.objective];
            io::NewItem& carried_obj = c.item;
            if (obj.owner != file.owner) carried_obj.keys.emplace_back("owner", obj.owner);
            if (obj.type == ObjectiveType::committed)
                carried_obj.keys.emplace_back("type", std::string("committed"));
            if (obj.parent) {
                std::string parent = obj.parent->text;
                const auto p = ev.objectives[c.file][c.objective].parent;
                if (auto it = p ? parent_ids.find({p->file, p->objective}) : parent_ids.end();
                    it != parent_ids.end()) {
                    const std::size_t slash = parent.find('/');
                    if (slash != std::string::npos)
                        parent = parent.substr(0, slash + 1) + it->second;
                    else if (p->file == c.file)
                        parent = it->second;
                    else
                        parent = ws.files[p->file].name_space + "/" + it->second;
                }
                carried_obj.keys.emplace_back("parent", parent);
            }
            if (!obj.kpis.empty()) {
                std::vector<std::string> kpis;
                for (const RefText& k : obj.kpis)
                    kpis.push_back(k.text);
                carried_obj.keys.emplace_back("kpis", kpis);
            }
            if (!obj.tags.empty()) carried_obj.keys.emplace_back("tags", obj.tags);
            carried_obj.keys.emplace_back("cycle", next);
            carried_obj.keys.emplace_back("carried_from", obj.id);
            FilePlan& plan = plans[file.path];
            plan.carried_refs.push_back(fmt::format(
                "{} ({} KR{})",
                index.ref_of(ObjectiveRef{c.file, c.objective}) + " -> " + carried_obj.id,
                c.krs.size(), c.krs.size() == 1 ? "" : "s"));
            plan.carried.emplace_back(std::move(carried_obj), std::move(c.krs));
            ++carried;
        }
        if (in_cycle == 0)
            throw CommandError(ExitCode::usage,
                               fmt::format("no objective is graded in {}", cycle->name),
                               "`okr status --cycle all` lists the objectives and their cycles");
        if (closed == 0 && carried == 0) {
            const std::string text =
                opts->carry
                    ? fmt::format("{} is already closed and carried: every objective has "
                                  "`closed`, and each one below 1.0 with unfinished key results "
                                  "has been carried; nothing to change\n",
                                  cycle->name)
                    : fmt::format(
                          "{} is already closed: every objective has `closed`; nothing to change\n",
                          cycle->name);
            if (opts->dry_run && session.options().format != "json" && !session.options().quiet)
                out += text;
            finish_write(session, opts->dry_run, {}, text, out);
            return ExitCode::ok;
        }

        // One write (SPEC §8): every file locked in path order, changed and verified in memory,
        // and written only when every change succeeded.
        std::vector<FileEdit> edits;
        for (const auto& entry : plans) {
            const FilePlan* plan = &entry.second;
            edits.push_back({entry.first, [plan, as_of](std::string_view current) {
                                 return apply(*plan, current, as_of);
                             }});
        }
        const std::vector<std::string> texts = write_edits(session, edits, opts->dry_run, out);

        // What was written, for --format json: each frozen score, each closed objective, each
        // carried objective and KR, with its line in the new text.
        std::vector<Written> written;
        if (session.options().format == "json") {
            std::size_t i = 0;
            for (const auto& [path, plan] : plans) {
                const std::string& text = texts[i++];
                auto ref = [&](const std::string& local) { return plan.prefix + local; };
                for (std::size_t n = 0; n < plan.scores.size(); ++n)
                    written.push_back({"close",
                                       path,
                                       line_of(text, path, plan.scores[n].first),
                                       plan.score_refs[n],
                                       {{"score", plan.scores[n].second}}});
                for (std::size_t n = 0; n < plan.closed.size(); ++n)
                    written.push_back(
                        {"close",
                         path,
                         line_of(text, path, io::ItemId::of_objective(plan.closed[n])),
                         plan.closed_refs[n],
                         {{"closed", as_of}}});
                for (const auto& [objective, krs] : plan.carried) {
                    std::vector<std::pair<std::string, io::Value>> values = {
                        {"title", objective.title}};
                    for (const auto& kv : objective.keys)
                        values.push_back(kv);
                    written.push_back({"carry", path,
                                       line_of(text, path, io::ItemId::of_objective(objective.id)),
                                       ref(objective.id), std::move(values)});
                    for (const io::NewItem& kr : krs) {
                        std::vector<std::pair<std::string, io::Value>> kr_values = {
                            {"title", kr.title}};
                        for (const auto& kv : kr.keys)
                            kr_values.push_back(kv);
                        const io::ItemId id = io::ItemId::of_kr(objective.id, kr.id);
                        written.push_back({"carry", path, line_of(text, path, id),
                                           ref(objective.id + "." + kr.id), std::move(kr_values)});
                    }
                }
            }
        }

        std::string summary =
            closed == 0
                ? fmt::format("{} was already closed: nothing to freeze\n", cycle->name)
                : fmt::format("{} {} as of {}: {} objective{} closed, {} score{} frozen{}\n",
                              opts->dry_run ? "Would close" : "Closed", cycle->name, as_of.iso(),
                              closed, closed == 1 ? "" : "s", frozen, frozen == 1 ? "" : "s",
                              graded_at < cycle->end
                                  ? fmt::format(" (graded as of {}, before the cycle's end)",
                                                graded_at.iso())
                                  : "");
        if (opts->carry)
            summary +=
                fmt::format("{} {} objective{} to {}\n", opts->dry_run ? "Would carry" : "Carried",
                            carried, carried == 1 ? "" : "s", next);
        for (const auto& [path, plan] : plans) {
            summary += fmt::format("{} {}\n", opts->dry_run ? "would change" : "changed", path);
            for (const std::string& r : plan.carried_refs)
                summary += fmt::format("  carried {}\n", r);
        }
        // A dry run shows the diff, then what it would do.
        if (opts->dry_run && session.options().format != "json" && !session.options().quiet)
            out += "\n" + summary;
        finish_write(session, opts->dry_run, written, summary, out);
        return ExitCode::ok;
    };
}

} // namespace okr::cli
