#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>

namespace okr::cli {

namespace {

struct CloseOptions {
    std::string cycle;
    bool carry = false;
    std::string to;
    bool dry_run = false;
};

// A score as okr displays it: cut to two decimals, never rounded up (SPEC §5).
double cut_score(double s) {
    return std::floor(s * 100 + 1e-9) / 100;
}

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
        std::map<std::string, FilePlan> plans; // by path: locked and written in path order
        std::size_t in_cycle = 0, frozen = 0, closed = 0, carried = 0;
        for (std::size_t f = 0; f < ws.files.size(); ++f) {
            const GoalFile& file = ws.files[f];
            for (std::size_t o = 0; o < file.objectives.size(); ++o) {
                const Objective& obj = file.objectives[o];
                if (obj.cycle != cycle->name || obj.dropped) continue;
                ++in_cycle;
                if (obj.closed) continue;
                FilePlan& plan = plans[file.path];
                plan.path = file.path;
                const ObjectiveEval& oe = ev.objectives[f][o];
                std::vector<Weighted> grades;
                std::vector<io::NewItem> unfinished;
                for (std::size_t k = 0; k < obj.krs.size(); ++k) {
                    const KeyResult& kr = obj.krs[k];
                    const KrEval& ke = oe.krs[k];
                    if (kr.dropped || !ke.score) continue;
                    double grade = *ke.score;
                    if (!kr.score) {
                        grade = cut_score(*ke.score);
                        plan.scores.emplace_back(io::ItemId::of_kr(obj.id, kr.id), grade);
                        plan.score_refs.push_back(index.ref_of(KrRef{f, o, k}));
                        ++frozen;
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
                plan.closed.push_back(obj.id);
                plan.closed_refs.push_back(index.ref_of(ObjectiveRef{f, o}));
                const std::string& own = plan.closed_refs.back();
                plan.prefix = own.substr(0, own.size() - obj.id.size());
                ++closed;
                const auto grade = weighted_mean(grades);
                if (!opts->carry || !grade || *grade >= 1 || unfinished.empty()) continue;
                io::NewItem carried_obj;
                const std::string base = obj.id + "-" + lowercase(next);
                carried_obj.id = base;
                for (int n = 2;
                     std::any_of(file.objectives.begin(), file.objectives.end(),
                                 [&](const Objective& x) { return x.id == carried_obj.id; });
                     ++n)
                    carried_obj.id = fmt::format("{}-{}", base, n);
                carried_obj.title = obj.title;
                if (obj.owner != file.owner) carried_obj.keys.emplace_back("owner", obj.owner);
                if (obj.type == ObjectiveType::committed)
                    carried_obj.keys.emplace_back("type", std::string("committed"));
                if (obj.parent) carried_obj.keys.emplace_back("parent", obj.parent->text);
                if (!obj.kpis.empty()) {
                    std::vector<std::string> kpis;
                    for (const RefText& k : obj.kpis)
                        kpis.push_back(k.text);
                    carried_obj.keys.emplace_back("kpis", kpis);
                }
                if (!obj.tags.empty()) carried_obj.keys.emplace_back("tags", obj.tags);
                carried_obj.keys.emplace_back("cycle", next);
                carried_obj.keys.emplace_back("carried_from", obj.id);
                plan.carried_refs.push_back(fmt::format(
                    "{} ({} KR{})", index.ref_of(ObjectiveRef{f, o}) + " -> " + carried_obj.id,
                    unfinished.size(), unfinished.size() == 1 ? "" : "s"));
                plan.carried.emplace_back(std::move(carried_obj), std::move(unfinished));
                ++carried;
            }
        }
        if (in_cycle == 0)
            throw CommandError(ExitCode::usage,
                               fmt::format("no objective is graded in {}", cycle->name),
                               "`okr status --cycle all` lists the objectives and their cycles");
        if (closed == 0) {
            const std::string text = fmt::format(
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

        std::string summary = fmt::format(
            "{} {} as of {}: {} objective{} closed, {} score{} frozen{}\n",
            opts->dry_run ? "Would close" : "Closed", cycle->name, as_of.iso(), closed,
            closed == 1 ? "" : "s", frozen, frozen == 1 ? "" : "s",
            graded_at < cycle->end
                ? fmt::format(" (graded as of {}, before the cycle's end)", graded_at.iso())
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
