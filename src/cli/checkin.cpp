#include "okr/cli/commands.hpp"
#include "okr/cli/write.hpp"
#include "okr/report/text.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace okr::cli {

namespace {

struct CheckinOptions {
    std::string ref;
    std::string value;
    std::string date;
    std::string confidence;
    std::string note;
    bool dry_run = false;
};

std::string with_unit(double value, const std::string& unit) {
    const std::string number = report::format_number(value);
    if (unit.empty()) return number;
    if (unit == "%") return number + "%";
    return number + " " + report::escape_control(unit);
}

// The value a check-in records: a number, or `done` (1) for a milestone.
double checkin_value(const std::string& text, bool milestone, const std::string& ref) {
    if (milestone) {
        if (text == "done" || text == "1") return 1;
        if (text == "0" || text == "not-done") return 0;
        throw CommandError(ExitCode::usage,
                           fmt::format("VALUE: {} is a milestone, found \"{}\"", ref, text),
                           fmt::format("write `okr checkin {} done` when it is done (0 when it is not)", ref));
    }
    if (text == "done")
        throw CommandError(ExitCode::usage, fmt::format("VALUE: `done` is for milestones, and {} is a metric", ref),
                           "give the measured value, e.g. okr checkin " + ref + " 12.5");
    return parse_number_arg("VALUE", text);
}

// One line on the item after the check-in: value, progress and status, or KPI health.
std::string summary(const LoadedGoals& goals, const WriteTarget& target) {
    const WorkspaceIndex& index = *goals.index;
    const GoalFile& file = index.workspace().files[target.file];
    if (target.item.kind == io::ItemKind::kpi) {
        for (std::size_t k = 0; k < file.kpis.size(); ++k) {
            if (file.kpis[k].id != target.item.id) continue;
            const KpiEval& ev = goals.evaluation.at(KpiRef{target.file, k});
            return fmt::format("{}: {}, health {}{}\n", target.ref,
                               ev.value ? with_unit(*ev.value, file.kpis[k].unit) : "-", to_string(ev.health),
                               ev.stale ? ", stale" : "");
        }
        return {};
    }
    for (std::size_t o = 0; o < file.objectives.size(); ++o) {
        if (file.objectives[o].id != target.item.objective) continue;
        for (std::size_t r = 0; r < file.objectives[o].krs.size(); ++r) {
            const KeyResult& kr = file.objectives[o].krs[r];
            if (kr.id != target.item.id) continue;
            const KrEval& ev = goals.evaluation.at(KrRef{target.file, o, r});
            const std::string value = kr.type == KrType::milestone
                                          ? (ev.current >= 1 ? "done" : "not done")
                                          : fmt::format("{} / {}", report::format_number(ev.current),
                                                        with_unit(kr.target, kr.unit));
            return fmt::format("{}: {}, progress {}, {}\n", target.ref, value, report::format_percent(ev.progress),
                               ev.status == Status::none ? "-" : to_string(ev.status));
        }
    }
    return {};
}

} // namespace

Runner setup_checkin(CLI::App& command) {
    auto opts = std::make_shared<CheckinOptions>();
    command.add_option("REF", opts->ref, "The key result (OBJ.KR, or a unique KR id) or KPI");
    command.add_option("VALUE", opts->value, "The measured value, or `done` for a milestone");
    command.add_option("--date", opts->date, "Date of the measurement: YYYY-MM-DD, today, yesterday, -3d, -2w (default: today, or --as-of)")
        ->type_name("DATE");
    command.add_option("--confidence", opts->confidence, "How likely the target is reached: 0.7 or 70%")
        ->type_name("C");
    command.add_option("--note", opts->note, "A note kept with the check-in")->type_name("TEXT");
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        if (opts->ref.empty())
            throw CommandError(ExitCode::usage, "checkin needs a reference and a value",
                               "e.g. okr checkin growth.signups 1200 --confidence 70%");
        if (opts->value.empty())
            throw CommandError(ExitCode::usage, fmt::format("checkin {}: expected a VALUE after the reference", opts->ref),
                               fmt::format("e.g. okr checkin {} 12.5, or `done` for a milestone", opts->ref));
        // The as-of date stands for today, so that a check-in can be recorded "as of" a day.
        const Date today = session.as_of();
        Checkin checkin;
        checkin.date = opts->date.empty() ? today : parse_date_arg("--date", opts->date, today);
        if (!opts->confidence.empty()) checkin.confidence = parse_fraction_arg("--confidence", opts->confidence);
        checkin.note = opts->note;

        LoadedGoals goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        // An objective named here: say where its check-ins go instead.
        if (auto o = index.objective(opts->ref, 0); o.found && !index.kr(opts->ref, 0, true).found &&
                                                    !index.kpi(opts->ref, 0).found) {
            std::vector<std::string> krs;
            for (std::size_t r = 0; r < index.at(*o.found).krs.size(); ++r)
                krs.push_back(index.ref_of(KrRef{o.found->file, o.found->objective, r}));
            throw CommandError(ExitCode::usage,
                               fmt::format("{} is an objective; check-ins go to its key results", opts->ref),
                               krs.empty() ? "add one with `okr add kr " + opts->ref + " TITLE --target N`"
                                           : fmt::format("one of: {}", fmt::join(krs, ", ")));
        }
        const WriteTarget target = resolve_target(index, opts->ref, {false, true, true});
        if (const KeyResult* kr = kr_of(index, target)) {
            if (kr->kpi)
                throw CommandError(ExitCode::usage,
                                   fmt::format("{} takes its value from KPI `{}`; check in on the KPI instead",
                                               target.ref, kr->kpi->text),
                                   fmt::format("okr checkin {} {}", kr->kpi->text, opts->value));
            checkin.value = checkin_value(opts->value, kr->type == KrType::milestone, target.ref);
        } else {
            checkin.value = checkin_value(opts->value, false, target.ref);
        }

        const std::string path = index.workspace().files[target.file].path;
        const std::string text = write_edit(path, opts->dry_run, out, [&](std::string_view current) {
            return io::append_checkin(current, path, target.item, checkin);
        });
        if (opts->dry_run || session.options().quiet) return ExitCode::ok;
        reload_file(goals, target.file, text, std::max(session.as_of(), checkin.date));
        out += summary(goals, target);
        return ExitCode::ok;
    };
}

} // namespace okr::cli
