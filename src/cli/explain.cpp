#include "okr/report/explain.hpp"
#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"

namespace okr::cli {

namespace {
struct ExplainOptions {
    std::string ref;
};
} // namespace

Runner setup_explain(CommandLine& command) {
    auto opts = std::make_shared<ExplainOptions>();
    command.add_option("REF", opts->ref, "The objective, key result or KPI to explain")
        ->required()
        ->completes(Complete::references);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const WriteTarget target = resolve_target(index, opts->ref, {true, true, true});
        const Date as_of = goals.evaluation.as_of;
        report::Explanation e;
        if (target.item.kind == io::ItemKind::kr)
            e = report::explain_kr(index, *index.kr(target.ref, target.file).found, as_of);
        else if (target.item.kind == io::ItemKind::kpi)
            e = report::explain_kpi(index, *index.kpi(target.ref, target.file).found, as_of);
        else
            e = report::explain_objective(index, *index.objective(target.ref, target.file).found,
                                          as_of);
        out += session.render(
            [&](const report::Spill& spill) { return report::explain_json(e, spill); },
            [&] { return report::explain_sheet(e); });
        return ExitCode::ok;
    };
}

} // namespace okr::cli
