#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/filters.hpp"
#include "okr/cli/write.hpp"
#include "okr/core/lint.hpp"
#include "okr/report/text.hpp"

#include "okr/report/table.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <iostream>
#include <map>

namespace okr::cli {

namespace {

struct CheckinOptions {
    std::string owner;
    std::string tag;
    std::string ref;
    std::string value;
    std::string date;
    std::string confidence;
    std::string note;
    bool dry_run = false;
    bool force = false;
};

std::string with_unit(double value, const std::string& unit) {
    const std::string number = report::format_number(value);
    if (unit.empty()) return number;
    if (unit == "%") return number + "%";
    return number + " " + report::escape_control(unit);
}

// One line on the item after the check-in: value, progress and status, or KPI health.
// `written`: the check-in just written, when the line should name it (into a closed objective).
std::string summary(const LoadedGoals& goals, const WriteTarget& target,
                    const Checkin* written = nullptr) {
    const WorkspaceIndex& index = *goals.index;
    const GoalFile& file = index.workspace().files[target.file];
    if (target.item.kind == io::ItemKind::kpi) {
        for (std::size_t k = 0; k < file.kpis.size(); ++k) {
            if (file.kpis[k].id != target.item.id) continue;
            const KpiEval& ev = goals.evaluation.at(KpiRef{target.file, k});
            return fmt::format("{}: {}, health {}{}\n", report::escape_control(target.ref),
                               ev.value ? with_unit(*ev.value, file.kpis[k].unit) : "-",
                               to_string(ev.health), ev.stale ? ", stale" : "");
        }
        return {};
    }
    for (std::size_t o = 0; o < file.objectives.size(); ++o) {
        if (file.objectives[o].id != target.item.objective) continue;
        for (std::size_t r = 0; r < file.objectives[o].krs.size(); ++r) {
            const KeyResult& kr = file.objectives[o].krs[r];
            if (kr.id != target.item.id) continue;
            const KrEval& ev = goals.evaluation.at(KrRef{target.file, o, r});
            const std::string value =
                kr.type == KrType::milestone
                    ? (ev.current >= 1 ? "done" : "not done")
                    : fmt::format("{} / {}", report::format_number(ev.current),
                                  with_unit(kr.target, kr.unit));
            // A closed objective's grade is frozen (SPEC §10): the check-in is history, and
            // its progress says nothing about the grade.
            if (const Objective& obj = file.objectives[o]; obj.closed && ev.score) {
                std::string said = value;
                if (written && written->recorded) {
                    const std::string given = kr.type != KrType::milestone
                                                  ? with_unit(written->value, kr.unit)
                                              : written->value >= 1 ? "done"
                                                                    : "not done";
                    said = given + " recorded as history, after the close";
                }
                return fmt::format("{}: {}; the grade stays {}, frozen on {} (okr set {} score S "
                                   "--force regrades it)\n",
                                   report::escape_control(target.ref), said,
                                   report::format_score(*ev.score), obj.closed->iso(),
                                   report::escape_control(target.ref));
            }
            return fmt::format("{}: {}, progress {}, {}\n", report::escape_control(target.ref),
                               value, report::format_percent(ev.progress),
                               ev.status == Status::none ? "-" : to_string(ev.status));
        }
    }
    return {};
}

// One question of the weekly walk: a KR of the selected cycles, or a KPI that is due.
struct WalkItem {
    WriteTarget target;
    std::string title;
    std::string unit;
    bool milestone = false;
    bool kpi = false;
    std::string context;   // current value, target and pace, or bounds and health
    std::string last_note; // the latest note, with its date
    std::optional<double> last_confidence;
    std::string before;       // what the summary line said before the walk
    std::optional<Date> date; // the answer's date when the KR's cycle has ended: its last day
    const Cycle* ended = nullptr;
};

// What the walk asks about: active KRs (not following a KPI) of the selected objectives, then
// KPIs whose period has passed since their last check-in (or that have none).
std::vector<WalkItem> walk_items(const LoadedGoals& goals, const report::Selection& sel) {
    const WorkspaceIndex& index = *goals.index;
    const Evaluation& ev = goals.evaluation;
    std::vector<WalkItem> items;
    auto last_note = [](const std::vector<Checkin>& checkins, Date as_of) {
        const Checkin* best = nullptr;
        for (const Checkin& c : checkins)
            if (c.date <= as_of && !c.note.empty() && (!best || c.date >= best->date)) best = &c;
        return best ? fmt::format("{} ({})", report::escape_control(best->note), best->date.iso())
                    : std::string();
    };
    const report::Report rep = report::build_report(index, ev, sel);
    for (const auto& row : rep.objectives) {
        if (row.status == Status::dropped) continue;
        for (const auto& kr_row : row.krs) {
            // Dropped KRs, KRs that follow a KPI (asked as the KPI) and finished milestones are not
            // asked.
            if (kr_row.status == Status::dropped || !kr_row.kpi_ref.empty()) continue;
            if (kr_row.type == KrType::milestone && kr_row.current >= 1) continue;
            const auto ref = index.kr(kr_row.ref, 0, false, WorkspaceIndex::Explain::no).found;
            if (!ref) continue;
            // A closed objective's grade is frozen: its KRs are not asked.
            if (index.at(ObjectiveRef{ref->file, ref->objective}).closed) continue;
            const KeyResult& kr = index.at(*ref);
            WalkItem item;
            item.target = {
                ref->file,
                io::ItemId::of_kr(index.at(ObjectiveRef{ref->file, ref->objective}).id, kr.id),
                kr_row.ref};
            item.title = kr.title;
            item.unit = kr.unit;
            item.milestone = kr.type == KrType::milestone;
            const double pace = kr.start + kr_row.expected * (kr.target - kr.start);
            item.context =
                item.milestone
                    ? fmt::format("{} · {} of the cycle gone",
                                  kr_row.current >= 1 ? "done" : "not done yet",
                                  report::format_percent(kr_row.expected))
                    : fmt::format("now {}, target {} · on pace would be {} ({} of the cycle gone)",
                                  report::format_number(kr_row.current),
                                  with_unit(kr.target, kr.unit), report::format_number(pace),
                                  report::format_percent(kr_row.expected));
            item.last_note = last_note(kr.checkins, ev.as_of);
            item.last_confidence = kr_row.confidence;
            // Grading day: a cycle that has ended takes its answers on its last day, the last
            // day a check-in counts for it (SPEC §3).
            if (const Cycle* c =
                    index.cycle(index.at(ObjectiveRef{ref->file, ref->objective}).cycle);
                c && c->end < ev.as_of) {
                item.date = c->end;
                item.ended = c;
            }
            items.push_back(std::move(item));
        }
    }
    report::Selection kpi_sel;
    kpi_sel.owner = sel.owner;
    kpi_sel.tag = sel.tag;
    for (const auto& k : report::build_kpi_rows(index, ev, kpi_sel)) {
        if (k.dropped || !k.frequency) continue;
        if (k.date && ev.as_of - *k.date < period_days(*k.frequency)) continue; // not due yet
        const auto ref = index.kpi(k.ref, 0, WorkspaceIndex::Explain::no).found;
        if (!ref) continue;
        WalkItem item;
        item.target = {ref->file, io::ItemId::of_kpi(k.id), k.ref};
        item.title = k.title;
        item.unit = k.unit;
        item.kpi = true;
        item.context = fmt::format("KPI, {} · last {} · health {}", to_string(*k.frequency),
                                   k.value ? with_unit(*k.value, k.unit) + " on " + k.date->iso()
                                           : "never measured",
                                   to_string(k.health));
        item.last_note = last_note(index.at(*ref).checkins, ev.as_of);
        items.push_back(std::move(item));
    }
    return items;
}

// Asks until `parse` accepts the answer. nullopt at end of input; "" when Enter was pressed.
template <class Parse>
std::optional<std::string> ask(const Session& session, std::istream& in, const std::string& prompt,
                               Parse parse) {
    for (;;) {
        session.print(prompt);
        std::string line;
        if (!std::getline(in, line)) return std::nullopt;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        while (!line.empty() && line.front() == ' ')
            line.erase(0, 1);
        if (line.empty()) return line;
        try {
            parse(line);
            return line;
        } catch (const CommandError& e) {
            session.print(fmt::format("  {}{}\n", report::escape_control(e.message()),
                                      e.hint.empty() ? "" : " (" + e.hint + ")"));
        }
    }
}

// The interactive weekly check-in: walks the items, writes each answer as soon as it is given
// (through the same locked, atomic path as `okr checkin REF VALUE`), ends with what changed.
ExitCode run_walk(const Session& session, const CheckinOptions& opts, std::string& out) {
    LoadedGoals& goals = session.load();
    const Date today = session.as_of();
    const report::Selection sel = session.selection(goals, {}, opts.owner, opts.tag, false);
    std::vector<WalkItem> items = walk_items(goals, sel);
    if (items.empty()) {
        out += "Nothing to check in: no active key result in this selection, and no KPI is due.\n";
        return ExitCode::ok;
    }
    session.print(fmt::format(
        "Weekly check-in, {}: {} item{}. Enter skips; Ctrl-D stops (answers so far are saved).\n",
        today.iso(), items.size(), items.size() == 1 ? "" : "s"));
    std::vector<const Cycle*> ended;
    for (const WalkItem& item : items)
        if (item.ended && std::find(ended.begin(), ended.end(), item.ended) == ended.end())
            ended.push_back(item.ended);
    for (const Cycle* c : ended)
        session.print(fmt::format("Cycle {} ended on {}: its answers are dated {}, its last day, "
                                  "so they count for its grade.\n",
                                  c->name, c->end.iso(), c->end.iso()));
    struct Change {
        std::string ref, before, after;
    };
    std::vector<Change> changes;
    std::size_t number = 0;
    for (WalkItem& item : items) {
        ++number;
        session.print(fmt::format("\n[{}/{}] {}  {}\n  {}\n", number, items.size(), item.target.ref,
                                  report::escape_control(item.title), item.context));
        if (!item.last_note.empty()) session.print("  last note: " + item.last_note + "\n");
        const std::string before = summary(goals, item.target);
        const auto value_text =
            ask(session, std::cin,
                item.milestone ? "  done? (done / no, Enter skips): " : "  value (Enter skips): ",
                [&](const std::string& text) {
                    checkin_value("value", text, item.milestone, item.target.ref, item.unit);
                });
        if (!value_text) break;
        if (value_text->empty()) continue;
        Checkin checkin;
        checkin.date = item.date.value_or(today);
        checkin.value =
            checkin_value("value", *value_text, item.milestone, item.target.ref, item.unit);
        const std::string keep =
            item.last_confidence ? report::format_percent(*item.last_confidence) : "none";
        const auto confidence =
            ask(session, std::cin, fmt::format("  confidence (Enter keeps {}): ", keep),
                [](const std::string& text) { parse_fraction_arg("confidence", text); });
        if (!confidence) break;
        if (!confidence->empty())
            checkin.confidence = parse_fraction_arg("confidence", *confidence);
        else if (item.last_confidence && !item.kpi)
            checkin.confidence = *item.last_confidence;
        const auto note = ask(session, std::cin, "  note (optional): ", [](const std::string&) {});
        if (!note) break;
        checkin.note = *note;
        const std::string path = goals.index->workspace().files[item.target.file].path;
        std::string ignored;
        const std::string text =
            write_edit(session, path, false, ignored, [&](std::string_view current) {
                return io::append_checkin(current, path, item.target.item, checkin);
            });
        warn_new_findings(session, goals, item.target.file, text);
        reload_file(goals, item.target.file, text, today);
        const std::string after = summary(goals, item.target);
        session.print("  saved: " + after);
        changes.push_back({item.target.ref, before, after});
    }
    session.print("\n");
    if (changes.empty()) {
        out += "No check-ins recorded.\n";
        return ExitCode::ok;
    }
    report::Table table({{"ITEM", report::Align::left, true, 0},
                         {"BEFORE", report::Align::left, true, 0},
                         {"AFTER", report::Align::left, true, 0}});
    auto strip = [](std::string line, const std::string& ref) {
        if (line.rfind(ref + ": ", 0) == 0) line.erase(0, ref.size() + 2);
        while (!line.empty() && line.back() == '\n')
            line.pop_back();
        return line;
    };
    for (const auto& c : changes)
        table.add_row({{report::escape_control(c.ref), report::Style::bold},
                       {report::escape_control(strip(c.before, c.ref)), report::Style::dim},
                       {report::escape_control(strip(c.after, c.ref))}});
    out += fmt::format("{} check-in{} recorded:\n", changes.size(), changes.size() == 1 ? "" : "s");
    out += table.render(session.look());
    return ExitCode::ok;
}

} // namespace

Runner setup_checkin(CommandLine& command) {
    auto opts = std::make_shared<CheckinOptions>();
    command.add_option("REF", opts->ref, "The key result (OBJ.KR, or a unique KR id) or KPI")
        ->completes(Complete::key_results_and_kpis);
    command.add_option("VALUE", opts->value, "The measured value, or `done` for a milestone")
        ->completes(Complete::nothing);
    command
        .add_option("--date", opts->date,
                    "Date of the measurement: YYYY-MM-DD, today, yesterday, -3d, -2w (default: "
                    "today, or --as-of)")
        ->type_name("DATE")
        ->completes(Complete::dates);
    command
        .add_option("--confidence", opts->confidence,
                    "How likely the target is reached: 0.7 or 70%")
        ->type_name("C")
        ->completes(Complete::nothing);
    command.add_option("--note", opts->note, "A note kept with the check-in")
        ->type_name("TEXT")
        ->completes(Complete::nothing);
    add_owner_option(command, opts->owner, "Interactive walk: only items owned by OWNER");
    add_tag_option(command, opts->tag, "Interactive walk: only objectives and KPIs with tag TAG");
    command.add_flag("--force", opts->force,
                     "Record a check-in that would not count (in the future, after its cycle, on "
                     "a dropped item or a closed objective)");
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        if (opts->ref.empty()) {
            // Without a reference: the interactive weekly walk, which needs someone to answer.
            if (!session.env().stdin_is_terminal)
                throw CommandError(ExitCode::usage,
                                   "checkin needs REF VALUE when standard input is not a terminal",
                                   "e.g. okr checkin growth.signups 1200 --confidence 70%");
            return run_walk(session, *opts, out);
        }
        if (opts->value.empty())
            throw CommandError(
                ExitCode::usage,
                fmt::format("checkin {}: expected a VALUE after the reference", opts->ref),
                fmt::format("e.g. okr checkin {} 12.5, or `done` for a milestone", opts->ref));
        // The as-of date stands for today, so that a check-in can be recorded "as of" a day.
        const Date today = session.as_of();
        LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const CheckedCheckin checked = check_checkin(
            index, {opts->ref, opts->value, opts->date, opts->confidence, opts->note}, today);
        const WriteTarget& target = checked.target;
        const Checkin& checkin = checked.checkin;
        if (!opts->force) refuse_uncounted(index, target, checkin.date, today);

        std::map<std::string, std::string> texts;
        const std::vector<Written> written =
            record_checkins(session, index, {checked}, opts->dry_run, out, &texts);
        warn_new_findings(session, goals, target.file,
                          texts[index.workspace().files[target.file].path]);
        std::string line;
        if (!opts->dry_run && !session.options().quiet) {
            const std::string path = index.workspace().files[target.file].path;
            reload_file(goals, target.file, texts[path], today);
            line = summary(goals, target, &checkin);
        }
        finish_write(session, opts->dry_run, written, line, out);
        return ExitCode::ok;
    };
}

} // namespace okr::cli
