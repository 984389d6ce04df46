#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/io/parse.hpp"
#include "okr/report/text.hpp"

#include <fmt/format.h>

namespace okr::cli {

namespace {

struct DropOptions {
    std::string ref;
    std::string note;
    bool force = false;
    bool dry_run = false;
};

} // namespace

Runner setup_drop(CommandLine& command) {
    auto opts = std::make_shared<DropOptions>();
    command.add_option("REF", opts->ref, "The objective, key result or KPI to drop")
        ->required()
        ->completes(Complete::references);
    command
        .add_option(
            "--note", opts->note,
            "Why it was dropped, added to its notes; the day (today, or --as-of) goes in its "
            "`dropped` key")
        ->type_name("TEXT")
        ->completes(Complete::nothing);
    command.add_flag("--force", opts->force,
                     "Drop an objective that is closed, or a key result of one (its frozen grade)");
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const WriteTarget target = resolve_target(index, opts->ref, {true, true, true});
        if (!opts->force) refuse_frozen(index, target, "dropping it");
        bool dropped = false;
        std::string notes;
        if (const KeyResult* kr = kr_of(index, target)) {
            dropped = kr->dropped;
            notes = kr->notes;
        } else if (const Kpi* kpi = kpi_of(index, target)) {
            dropped = kpi->dropped;
            notes = kpi->notes;
        } else if (const Objective* o = objective_of(index, target)) {
            dropped = o->dropped;
            notes = o->notes;
        }
        if (dropped && opts->note.empty()) {
            finish_write(session, opts->dry_run, {},
                         fmt::format("{} is already dropped; nothing to change\n",
                                     report::escape_control(target.ref)),
                         out);
            return ExitCode::ok;
        }
        // The day it was dropped is data, the `dropped` key; the notes get only the reason. An
        // item dropped already keeps its day, and its notes get the new reason.
        std::vector<std::pair<std::string, io::Value>> values;
        if (!dropped) {
            values.emplace_back("status", std::string("dropped"));
            values.emplace_back("dropped", session.as_of());
        }
        const std::string path = index.workspace().files[target.file].path;
        std::string new_notes;
        const std::string written =
            write_edit(session, path, opts->dry_run, out, [&](std::string_view text) {
                std::string now(text);
                for (const auto& [key, value] : values) {
                    Result<io::Edit> edit = io::set_key(now, path, target.item, key, value);
                    if (!edit.ok()) return edit;
                    now = std::move(edit->text);
                }
                if (!opts->note.empty()) {
                    // The notes as they are in the current text, which may have changed since
                    // loading.
                    const Workspace here_ws{{io::parse_goal_file(now, path).file}};
                    const WorkspaceIndex here(here_ws);
                    WriteTarget local = target;
                    local.file = 0;
                    std::string notes_now = notes;
                    if (const KeyResult* kr = kr_of(here, local))
                        notes_now = kr->notes;
                    else if (const Kpi* kpi = kpi_of(here, local))
                        notes_now = kpi->notes;
                    else if (const Objective* o = objective_of(here, local))
                        notes_now = o->notes;
                    new_notes = notes_now.empty() ? opts->note : notes_now + " " + opts->note;
                    Result<io::Edit> edit = io::set_key(now, path, target.item, "notes", new_notes);
                    if (!edit.ok()) return edit;
                    now = std::move(edit->text);
                }
                // Several edits: the offsets of the later ones are not in the original text.
                return Result<io::Edit>(io::Edit{std::move(now), {}});
            });
        warn_new_findings(session, goals, target.file, written);
        if (!new_notes.empty()) values.emplace_back("notes", new_notes);
        Written w{"drop", path, line_of(written, path, target.item), target.ref, std::move(values)};
        finish_write(session, opts->dry_run, {w},
                     fmt::format("{}: dropped; it stays in the file and in reports, and no longer "
                                 "counts in scores\n",
                                 report::escape_control(target.ref)),
                     out);
        return ExitCode::ok;
    };
}

} // namespace okr::cli
