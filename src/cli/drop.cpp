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
            "Why it was dropped; its notes record the date (today, or --as-of) with or without it")
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
        const std::string path = index.workspace().files[target.file].path;
        std::string new_notes;
        const std::string written =
            write_edit(session, path, opts->dry_run, out, [&](std::string_view text) {
                Result<io::Edit> edit =
                    io::set_key(text, path, target.item, "status", std::string("dropped"));
                // The notes keep the day it was dropped, even without --note: `okr check` flags the
                // check-ins recorded from then on.
                if (!edit.ok()) return edit;
                // The notes as they are in the current text, which may have changed since loading.
                const Workspace now{{io::parse_goal_file(text, path).file}};
                const WorkspaceIndex here(now);
                std::string notes_now = notes;
                WriteTarget local = target;
                local.file = 0;
                if (const KeyResult* kr = kr_of(here, local))
                    notes_now = kr->notes;
                else if (const Kpi* kpi = kpi_of(here, local))
                    notes_now = kpi->notes;
                else if (const Objective* o = objective_of(here, local))
                    notes_now = o->notes;
                const std::string note =
                    opts->note.empty()
                        ? fmt::format("{}{}Dropped {}.", notes_now, notes_now.empty() ? "" : " ",
                                      session.as_of().iso())
                        : fmt::format("{}{}Dropped {}: {}", notes_now, notes_now.empty() ? "" : " ",
                                      session.as_of().iso(), opts->note);
                new_notes = note;
                Result<io::Edit> with_note =
                    io::set_key(edit->text, path, target.item, "notes", note);
                if (with_note)
                    with_note->splices
                        .clear(); // two edits: offsets of the second are not in the original text
                return with_note;
            });
        warn_new_findings(session, goals, target.file, written);
        Written w{"drop",
                  path,
                  line_of(written, path, target.item),
                  target.ref,
                  {{"status", std::string("dropped")}}};
        if (!new_notes.empty()) w.values.emplace_back("notes", new_notes);
        finish_write(session, opts->dry_run, {w},
                     fmt::format("{}: dropped; it stays in the file and in reports, and no longer "
                                 "counts in scores\n",
                                 report::escape_control(target.ref)),
                     out);
        return ExitCode::ok;
    };
}

} // namespace okr::cli
