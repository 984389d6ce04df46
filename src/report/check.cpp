#include "okr/report/check.hpp"

#include "okr/core/lint.hpp"
#include "okr/core/reference.hpp"
#include "okr/core/scoring.hpp"
#include "okr/report/json.hpp"

#include <algorithm>
#include <set>

namespace okr::report {

Diagnostics check_findings(const io::LoadedWorkspace& loaded, Date as_of) {
    const WorkspaceIndex index(loaded.workspace);
    return check_findings(loaded, index, evaluate(index, as_of));
}

Diagnostics check_findings(const io::LoadedWorkspace& loaded, const WorkspaceIndex& index,
                           const Evaluation& evaluation) {
    Diagnostics findings = loaded.diagnostics;
    if (!has_errors(findings)) {
        // Lint only valid workspaces: a half-read file would produce misleading findings.
        Diagnostics lints = lint(index, evaluation);
        findings.insert(findings.end(), lints.begin(), lints.end());
    } else {
        for (const auto& file : loaded.workspace.files)
            for (const auto& u : file.unknown_keys)
                findings.push_back(unknown_key_finding(file, u));
        // The dangling references of the files that read well are found all the same, so
        // that one round fixes both; not while a broken file has no items at all (it may
        // define any of them).
        std::set<std::string> broken;
        for (const auto& d : loaded.diagnostics)
            if (d.level == Level::error) broken.insert(d.path);
        const bool unreadable = std::any_of(
            loaded.workspace.files.begin(), loaded.workspace.files.end(), [&](const GoalFile& f) {
                return broken.contains(f.path) && f.objectives.empty() && f.kpis.empty();
            });
        if (!unreadable)
            for (Diagnostic& d : lint(index, evaluation))
                if (d.rule == "dangling-ref" && !broken.contains(d.path))
                    findings.push_back(std::move(d));
    }
    sort_diagnostics(findings);
    return findings;
}

std::string check_json(const Diagnostics& findings) {
    return json_document({}, [&](JsonWriter& w) {
        std::size_t errors = 0, warnings = 0;
        w.field("schema_version", 1.0);
        w.key("findings");
        w.begin_array();
        for (const auto& d : findings) {
            (d.level == Level::error ? errors : warnings)++;
            w.begin_object();
            w.field("path", d.path);
            w.field("line", static_cast<double>(d.pos.line));
            w.field("column", static_cast<double>(d.pos.column));
            w.field("level", d.level == Level::error ? "error" : "warning");
            w.key("rule");
            w.value(d.rule.empty() ? std::string_view("schema") : std::string_view(d.rule));
            w.field("message", d.message);
            optional_text(w, "hint", d.hint);
            w.end_object();
        }
        w.end_array();
        w.field("errors", static_cast<double>(errors));
        w.field("warnings", static_cast<double>(warnings));
    });
}

} // namespace okr::report
