#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/core/referrers.hpp"
#include "okr/io/parse.hpp"
#include "okr/io/rename.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace okr::cli {

namespace {

struct MvOptions {
    std::string ref;
    std::string new_id;
    bool dry_run = false;
};

// Checks that `id` is a valid id that nothing in its scope uses yet.
void check_new_id(const WorkspaceIndex& index, const WriteTarget& target, const std::string& id) {
    if (auto problem = io::check_new_id(index, target.file, target.item, id))
        throw CommandError(ExitCode::usage, "NEW-ID: " + problem->message, problem->hint);
}

} // namespace

std::vector<Referrer> referrers_of_target(const WorkspaceIndex& index, const WriteTarget& target) {
    return io::referrers_of_item(index, target.file, target.item);
}

std::string describe_referrer(const WorkspaceIndex& index, const Referrer& r) {
    const GoalFile& f = index.workspace().files[r.file];
    const std::string who = r.kr ? index.ref_of(KrRef{r.file, r.objective, *r.kr})
                                 : index.ref_of(ObjectiveRef{r.file, r.objective});
    return fmt::format("{}:{}:{}: {} {} = \"{}\"", f.path, r.ref.pos.line, r.ref.pos.column, who,
                       r.key, r.ref.text);
}

Runner setup_mv(CommandLine& command) {
    auto opts = std::make_shared<MvOptions>();
    command.add_option("REF", opts->ref, "The objective, key result or KPI to rename")
        ->required()
        ->completes(Complete::references);
    command.add_option("NEW-ID", opts->new_id, "Its new id")
        ->required()
        ->completes(Complete::nothing);
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const WriteTarget target = resolve_target(index, opts->ref, {true, true, true});
        if (target.item.id == opts->new_id) {
            finish_write(session, opts->dry_run, {},
                         fmt::format("{} is already called {}; nothing to change\n", target.ref,
                                     opts->new_id),
                         out);
            return ExitCode::ok;
        }
        check_new_id(index, target, opts->new_id);

        // The references to rewrite, per file, then the rename itself (io/rename.hpp).
        const io::RenamePlan plan =
            io::plan_rename(index, target.file, target.item, target.ref, opts->new_id);
        const std::map<std::string, std::vector<io::KeyChange>>& changes = plan.changes;
        const std::string& new_ref = plan.new_ref;

        // Every file as one write (SPEC §8): locked in path order, each written atomically.
        std::vector<FileEdit> edits;
        for (const auto& entry : changes) {
            const std::string path = entry.first;
            const std::vector<io::KeyChange>* list = &entry.second;
            edits.push_back({path, [path, list](std::string_view text) {
                                 return io::apply_key_changes(text, path, *list);
                             }});
        }
        const std::vector<std::string> texts = write_edits(session, edits, opts->dry_run, out);

        io::ItemId renamed = target.item;
        renamed.id = opts->new_id;
        if (renamed.kind == io::ItemKind::objective) renamed.objective = opts->new_id;
        const bool json = session.options().format == "json";
        std::vector<Written> written;
        std::string text = fmt::format("{} -> {}\n", target.ref, new_ref);
        for (std::size_t f = 0; f < edits.size(); ++f) {
            const std::string& path = edits[f].path;
            for (const io::KeyChange& c : changes.at(path)) {
                const io::ItemId item = c.key == "id" ? renamed : c.item;
                written.push_back({"mv",
                                   path,
                                   json ? line_of(texts[f], path, item) : 0,
                                   c.ref,
                                   {{c.key, c.value}}});
            }
            text += fmt::format("changed {}\n", path);
        }
        // The renamed item first, then the references, file by file.
        std::stable_partition(written.begin(), written.end(),
                              [](const Written& w) { return w.values.front().first == "id"; });
        finish_write(session, opts->dry_run, written, text, out);
        return ExitCode::ok;
    };
}

} // namespace okr::cli
