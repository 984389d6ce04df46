#pragma once
// Helpers shared by the unit tests: goal files from TOML text, evaluated as of a fixed date.
// Nothing here touches the disk or the clock.

#include "okr/core/date.hpp"
#include "okr/core/model.hpp"
#include "okr/core/reference.hpp"
#include "okr/core/scoring.hpp"
#include "okr/io/parse.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace okr::test {

// A date written as `YYYY-MM-DD`; the test fails on a typo.
inline Date day(std::string_view iso) {
    auto d = Date::parse_iso(iso);
    REQUIRE_MESSAGE(d.has_value(), "bad date in test: ", std::string(iso));
    return *d;
}

// Goal-file text in a raw string: a leading newline is dropped, so line 1 is the first line
// written after `R"(`.
inline std::string_view text_of(std::string_view text) {
    if (!text.empty() && text.front() == '\n') text.remove_prefix(1);
    return text;
}

// Parses goal-file text, keeping every diagnostic.
inline io::ParsedFile parse(std::string_view text, const std::string& path = "x.toml") {
    return io::parse_goal_file(text_of(text), path);
}

// Parses goal-file text that must be valid.
inline GoalFile valid_file(std::string_view text, const std::string& path = "x.toml") {
    io::ParsedFile parsed = parse(text, path);
    for (const Diagnostic& d : parsed.diagnostics)
        if (d.level == Level::error)
            FAIL_CHECK(path, ":", d.pos.line, ":", d.pos.column, ": ", d.message);
    REQUIRE_FALSE(has_errors(parsed.diagnostics));
    return std::move(parsed.file);
}

// `LINE:COL: message` of a diagnostic, the way a test asserts it.
inline std::string located(const Diagnostic& d) {
    return fmt::format("{}:{}: {}", d.pos.line, d.pos.column, d.message);
}

// A workspace of goal files (path, text), indexed and evaluated as of one date.
class Loaded {
  public:
    Loaded(const std::vector<std::pair<std::string, std::string_view>>& files, Date as_of)
        : workspace(load(files)), index(workspace), evaluation(evaluate(index, as_of)) {}
    Loaded(std::string_view text, Date as_of) : Loaded({{"x.toml", text}}, as_of) {}
    Loaded(const Loaded&) = delete;
    Loaded& operator=(const Loaded&) = delete;

    // The first file's objective `id` and its evaluation.
    const Objective& objective(std::string_view id) const { return index.at(objective_ref(id)); }
    const ObjectiveEval& objective_eval(std::string_view id) const {
        return evaluation.at(objective_ref(id));
    }
    // A KR as `OBJ.KR` in the first file, and its evaluation.
    const KrEval& kr_eval(std::string_view ref) const { return evaluation.at(kr_ref(ref)); }
    const KpiEval& kpi_eval(std::string_view id) const { return evaluation.at(kpi_ref(id)); }

    ObjectiveRef objective_ref(std::string_view id) const {
        auto r = index.objective(id, 0);
        REQUIRE_MESSAGE(r.found.has_value(), "no objective ", std::string(id));
        return *r.found;
    }
    KrRef kr_ref(std::string_view ref) const {
        auto r = index.kr(ref, 0);
        REQUIRE_MESSAGE(r.found.has_value(), "no key result ", std::string(ref));
        return *r.found;
    }
    KpiRef kpi_ref(std::string_view id) const {
        auto r = index.kpi(id, 0);
        REQUIRE_MESSAGE(r.found.has_value(), "no KPI ", std::string(id));
        return *r.found;
    }

    Workspace workspace;
    WorkspaceIndex index;
    Evaluation evaluation;

  private:
    static Workspace load(const std::vector<std::pair<std::string, std::string_view>>& files) {
        Workspace ws;
        for (const auto& [path, text] : files)
            ws.files.push_back(valid_file(text, path));
        return ws;
    }
};

} // namespace okr::test
