#include "okr/cli/commands.hpp"

namespace okr::cli {

// Each command's setup, in its own file (src/cli/NAME.cpp); the table is its one caller.
Runner setup_status(CommandLine& command);
Runner setup_score(CommandLine& command);
Runner setup_kpi(CommandLine& command);
Runner setup_review(CommandLine& command);
Runner setup_tree(CommandLine& command);
Runner setup_log(CommandLine& command);
Runner setup_due(CommandLine& command);
Runner setup_explain(CommandLine& command);
Runner setup_close(CommandLine& command);
Runner setup_checkin(CommandLine& command);
Runner setup_set(CommandLine& command);
Runner setup_import(CommandLine& command);
Runner setup_pull(CommandLine& command);
Runner setup_trust(CommandLine& command);
Runner setup_drop(CommandLine& command);
Runner setup_init(CommandLine& command);
Runner setup_add(CommandLine& command);
Runner setup_edit(CommandLine& command);
Runner setup_check(CommandLine& command);
Runner setup_schema(CommandLine& command);
Runner setup_lsp(CommandLine& command);
// merge and completion build on CLI11 itself (the table adapts them).
Runner setup_merge(CLI::App& command);
Runner setup_diff(CommandLine& command);
Runner setup_mv(CommandLine& command);
Runner setup_rm(CommandLine& command);

Runner setup_completion(CLI::App& command);
// The hidden `okr __complete` that completion scripts call for the workspace's references.
Runner setup_complete(CLI::App& command);

std::span<const Command> command_table() {
    static const Command k_commands[] = {
        {"status", "Objectives with their key results, progress and status", setup_status,
         CommandKind::report},
        {"score", "Grading sheet: scores and bands per objective, owner and overall", setup_score,
         CommandKind::report},
        {"kpi", "KPI health: latest value, bounds, staleness and trend", setup_kpi,
         CommandKind::report},
        {"review", "End-of-cycle review, or what moved since a date (--since)", setup_review,
         CommandKind::report},
        {"tree", "The alignment tree across files, with rolled-up scores", setup_tree,
         CommandKind::report},
        {"due", "What needs a check-in now: silent key results and KPIs past their period",
         setup_due, CommandKind::report},
        {"log", "A key result's, KPI's or objective's history with a chart", setup_log,
         CommandKind::report},
        {"explain", "Every step of an item's arithmetic, with its numbers and their sources",
         setup_explain, CommandKind::report},
        {"check", "Validate goal files and lint the goals", setup_check},
        {"lsp", "Language server for editors, over standard input and output", setup_lsp},
        {"schema", "Print a JSON Schema of goal files, for TOML editors", setup_schema},
        {"init", "Create a commented starter goal file", setup_init, CommandKind::write},
        {"add", "Add an objective, key result or KPI", setup_add, CommandKind::write},
        {"checkin", "Record a check-in: a dated value of a key result or KPI", setup_checkin,
         CommandKind::write},
        {"import", "Record check-ins in bulk from CSV or JSON (a file or standard input)",
         setup_import, CommandKind::write},
        {"pull", "Record KPI values printed by their sources (approved with okr trust)", setup_pull,
         CommandKind::write},
        {"trust", "Approve the KPI sources of this workspace for okr pull", setup_trust},
        {"set", "Set one key of an objective, key result, KPI or goal file", setup_set,
         CommandKind::write},
        {"drop", "Drop an objective, key result or KPI: kept in the file, no longer scored",
         setup_drop, CommandKind::write},
        {"close", "Close a cycle: freeze its scores; --carry continues what is unfinished",
         setup_close, CommandKind::write},
        {"edit", "Open the goal file in $VISUAL or $EDITOR at an item, then check it", setup_edit,
         CommandKind::write},
        {"mv", "Rename an objective, key result or KPI and every reference to it", setup_mv,
         CommandKind::write},
        {"rm", "Delete an objective, key result or KPI that nothing refers to", setup_rm,
         CommandKind::write},
        {"diff", "What changed in the goals between two git revisions", setup_diff,
         CommandKind::report},
        {"merge", "Git merge driver: merge three versions of a goal file as goals",
         [](CommandLine& c) { return setup_merge(c.app()); }},
        {"completion", "Print a shell completion script: okr completion bash|zsh|fish",
         [](CommandLine& c) { return setup_completion(c.app()); }},
        {"__complete", "Candidates for shell completion (hidden)",
         [](CommandLine& c) { return setup_complete(c.app()); }},
    };
    return k_commands;
}

} // namespace okr::cli
