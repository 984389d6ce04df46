#include "okr/core/reference.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace okr;
using okr::test::day;
using okr::test::Loaded;

namespace {

using Strings = std::vector<std::string>;

constexpr std::string_view k_company = R"(
namespace = "company"
cycle = "2026-Q4"

[[objective]]
id = "leader"
title = "Lead the market"

[[objective]]
id = "grow"
title = "Grow revenue"
  [[objective.kr]]
  id = "rev"
  title = "Revenue"
  target = 10

[[kpi]]
id = "csat"
title = "Customer satisfaction"
min = 90

[[kpi]]
id = "nps"
title = "Net promoter score"
min = 30
)";

// No `namespace` key: the namespace is the file stem, "growth".
constexpr std::string_view k_growth = R"(
cycle = "2026-Q4"

[[objective]]
id = "eco"
title = "Eco-friendly products"
parent = "company/leader"
  [[objective.kr]]
  id = "launch"
  title = "Launch two products"
  target = 2
  [[objective.kr]]
  id = "partners"
  title = "Three partners"
  type = "milestone"

[[objective]]
id = "grow"
title = "Grow the growth team"
  [[objective.kr]]
  id = "rev"
  title = "Revenue"
  target = 5

[[kpi]]
id = "csat"
title = "Growth's own satisfaction"
min = 80
)";

constexpr std::string_view k_support = R"(
namespace = "support"
cycle = "2026-Q4"

[[objective]]
id = "ops"
title = "Smooth operations"
  [[objective.kr]]
  id = "launch"
  title = "Launch the help centre"
  type = "milestone"
)";

constexpr std::size_t k_company_file = 0, k_growth_file = 1, k_support_file = 2;

// Three files that share some ids, as a team workspace does.
struct Teams : Loaded {
    Teams()
        : Loaded({{"company.toml", k_company},
                  {"teams/growth.toml", k_growth},
                  {"teams/support.toml", k_support}},
                 day("2026-11-01")) {}
};

} // namespace

TEST_SUITE("okr::reference") {

    TEST_CASE("a namespace is the file's `namespace` key, else its stem") {
        Teams ws;
        CHECK(ws.workspace.files[k_company_file].name_space == "company");
        CHECK(ws.workspace.files[k_growth_file].name_space == "growth");
    }

    TEST_CASE("NS/OBJ names the objective of that namespace from any file") {
        Teams ws;
        CHECK(ws.index.objective("company/grow", k_growth_file).found ==
              ObjectiveRef{k_company_file, 1});
        CHECK(ws.index.objective("growth/grow", k_company_file).found ==
              ObjectiveRef{k_growth_file, 1});
        CHECK(ws.index.objective("company/leader", k_support_file).found ==
              ObjectiveRef{k_company_file, 0});
    }

    TEST_CASE("an objective without namespace means the one in the current file first") {
        Teams ws;
        CHECK(ws.index.objective("grow", k_growth_file).found == ObjectiveRef{k_growth_file, 1});
        CHECK(ws.index.objective("grow", k_company_file).found == ObjectiveRef{k_company_file, 1});
    }

    TEST_CASE(
        "an objective without namespace resolves to a unique match elsewhere in the workspace") {
        Teams ws;
        CHECK(ws.index.objective("leader", k_growth_file).found == ObjectiveRef{k_company_file, 0});
        CHECK(ws.index.objective("eco", k_company_file).found == ObjectiveRef{k_growth_file, 0});
    }

    TEST_CASE("an ambiguous objective reference lists the candidates") {
        Teams ws;
        const auto r = ws.index.objective("grow", k_support_file);
        CHECK_FALSE(r.found);
        CHECK(r.candidates == Strings{"company/grow", "growth/grow"});
        CHECK(describe_failure("objective", "grow", r.candidates, r.suggestions) ==
              "objective `grow` is ambiguous: it could be company/grow, growth/grow");
    }

    TEST_CASE("an unknown objective reference suggests the nearest names") {
        Teams ws;
        const auto typo = ws.index.objective("leadr", k_growth_file);
        CHECK_FALSE(typo.found);
        CHECK(typo.candidates.empty());
        CHECK(typo.suggestions == Strings{"leader"});
        CHECK(describe_failure("objective", "leadr", typo.candidates, typo.suggestions) ==
              "unknown objective `leadr`; did you mean leader?");
        const auto bad_namespace = ws.index.objective("compnay/leader", k_growth_file);
        CHECK_FALSE(bad_namespace.found);
        CHECK(bad_namespace.suggestions == Strings{"company/leader"});
    }

    TEST_CASE(
        "a lookup that need not explain itself skips suggestions but still lists candidates") {
        Teams ws;
        constexpr auto quiet = WorkspaceIndex::Explain::no;
        CHECK(ws.index.objective("leadr", k_growth_file, quiet).suggestions.empty());
        CHECK(ws.index.objective("grow", k_support_file, quiet).candidates ==
              Strings{"company/grow", "growth/grow"});
        CHECK(ws.index.kr("eco.lanch", k_company_file, false, quiet).suggestions.empty());
        CHECK(ws.index.kpi("cstat", k_support_file, quiet).suggestions.empty());
        CHECK(ws.index.kpi("csat", k_support_file, quiet).candidates ==
              Strings{"company/csat", "growth/csat"});
        CHECK(ws.index.kpi("csat", k_growth_file, quiet).found == KpiRef{k_growth_file, 0});
    }

    TEST_CASE("an objective reference far from every name gets no suggestion") {
        Teams ws;
        const auto r = ws.index.objective("zzzzzzzzzz", k_growth_file);
        CHECK_FALSE(r.found);
        CHECK(r.suggestions.empty());
        CHECK(describe_failure("objective", "zzzzzzzzzz", r.candidates, r.suggestions) ==
              "unknown objective `zzzzzzzzzz`");
    }

    TEST_CASE("an objective in another namespace does not answer to the wrong namespace") {
        Teams ws;
        CHECK_FALSE(ws.index.objective("support/leader", k_company_file).found);
        CHECK_FALSE(ws.index.objective("nowhere/leader", k_company_file).found);
    }

    TEST_CASE("NS/OBJ.KR and OBJ.KR name a key result") {
        Teams ws;
        CHECK(ws.index.kr("growth/eco.launch", k_company_file).found == KrRef{k_growth_file, 0, 0});
        CHECK(ws.index.kr("eco.partners", k_support_file).found == KrRef{k_growth_file, 0, 1});
        CHECK(ws.index.kr("support/ops.launch", k_growth_file).found ==
              KrRef{k_support_file, 0, 0});
        CHECK_FALSE(ws.index.kr("company/eco.launch", k_growth_file).found);
    }

    TEST_CASE("OBJ.KR without namespace means the current file first, else a unique match") {
        Teams ws;
        CHECK(ws.index.kr("grow.rev", k_growth_file).found == KrRef{k_growth_file, 1, 0});
        CHECK(ws.index.kr("grow.rev", k_company_file).found == KrRef{k_company_file, 1, 0});
        const auto r = ws.index.kr("grow.rev", k_support_file);
        CHECK_FALSE(r.found);
        CHECK(r.candidates == Strings{"company/grow.rev", "growth/grow.rev"});
    }

    TEST_CASE("a bare KR id resolves only when allowed and unique in the workspace") {
        Teams ws;
        CHECK(ws.index.kr("partners", k_company_file, true).found == KrRef{k_growth_file, 0, 1});
        CHECK_FALSE(ws.index.kr("partners", k_company_file).found);
        // A bare id does not prefer the current file: `launch` is in growth and in support.
        const auto r = ws.index.kr("launch", k_growth_file, true);
        CHECK_FALSE(r.found);
        CHECK(r.candidates == Strings{"growth/eco.launch", "support/ops.launch"});
    }

    TEST_CASE("a bare reference to a carried KR means the running one, not its closed origin") {
        // `okr close --carry` leaves grow (closed) and grow-2027-q1 with the same KR ids.
        Loaded ws({{"okr.toml", R"(
namespace = "sales"
cycle = "2026-Q4"
[[objective]]
id = "grow"
title = "Grow"
closed = 2027-01-05
  [[objective.kr]]
  id = "arr"
  title = "ARR"
  target = 2
  score = 0.45
[[objective]]
id = "grow-2027-q1"
title = "Grow"
cycle = "2027-Q1"
carried_from = "grow"
  [[objective.kr]]
  id = "arr"
  title = "ARR"
  start = 0.9
  target = 2
)"},
                   {"other.toml", R"(
namespace = "other"
cycle = "2026-Q4"
[[objective]]
id = "grow"
title = "Also grow"
closed = 2026-12-31
)"}},
                  day("2027-01-05"));
        CHECK(ws.index.kr("arr", 0, true).found == KrRef{0, 1, 0});
        CHECK(ws.index.kr("sales/arr", 1, true).found == KrRef{0, 1, 0});
        // The closed one by its full reference, and `carried_from` from its own file.
        CHECK(ws.index.kr("grow.arr", 0).found == KrRef{0, 0, 0});
        CHECK(ws.index.objective("grow", 0).found == ObjectiveRef{0, 0});
        // From another file, bare `grow` matches two closed objectives: still ambiguous.
        const auto r = ws.index.objective("grow", 1);
        CHECK(r.found == ObjectiveRef{1, 0});
        const auto both = ws.index.objective("grow", 5);
        CHECK_FALSE(both.found);
        CHECK(both.candidates == Strings{"sales/grow", "other/grow"});
    }

    TEST_CASE("an unknown KR reference suggests the nearest names") {
        Teams ws;
        const auto r = ws.index.kr("eco.lanch", k_company_file);
        CHECK_FALSE(r.found);
        REQUIRE_FALSE(r.suggestions.empty());
        CHECK(r.suggestions.front() == "eco.launch");
    }

    TEST_CASE("a KPI reference means the current file first, then a unique match, then NS/KPI") {
        Teams ws;
        CHECK(ws.index.kpi("csat", k_growth_file).found == KpiRef{k_growth_file, 0});
        CHECK(ws.index.kpi("csat", k_company_file).found == KpiRef{k_company_file, 0});
        CHECK(ws.index.kpi("company/csat", k_growth_file).found == KpiRef{k_company_file, 0});
        CHECK(ws.index.kpi("nps", k_growth_file).found == KpiRef{k_company_file, 1});
    }

    TEST_CASE("an ambiguous KPI reference lists the candidates and an unknown one suggests") {
        Teams ws;
        const auto ambiguous = ws.index.kpi("csat", k_support_file);
        CHECK_FALSE(ambiguous.found);
        CHECK(ambiguous.candidates == Strings{"company/csat", "growth/csat"});
        const auto typo = ws.index.kpi("cstat", k_support_file);
        CHECK_FALSE(typo.found);
        CHECK(std::find(typo.suggestions.begin(), typo.suggestions.end(), "csat") !=
              typo.suggestions.end());
    }

    TEST_CASE("canonical references are NS/OBJ, NS/OBJ.KR and NS/KPI") {
        Teams ws;
        CHECK(ws.index.ref_of(ObjectiveRef{k_growth_file, 0}) == "growth/eco");
        CHECK(ws.index.ref_of(KrRef{k_growth_file, 0, 1}) == "growth/eco.partners");
        CHECK(ws.index.ref_of(KpiRef{k_company_file, 1}) == "company/nps");
    }

    TEST_CASE("a parent reference resolves during evaluation") {
        Teams ws;
        const ObjectiveEval& eco = ws.evaluation.at(ObjectiveRef{k_growth_file, 0});
        CHECK(eco.parent == ObjectiveRef{k_company_file, 0});
        CHECK_FALSE(eco.parent_unresolved);
    }

    TEST_CASE("the index knows built-in cycles in use and declared custom cycles") {
        Loaded ws(R"(
cycle = "2026-Q4"
[cycles.sprint]
start = 2026-11-01
end = 2026-11-21

[[objective]]
id = "a"
title = "A"

[[objective]]
id = "b"
title = "B"
cycle = "2026-H2"
)",
                  day("2026-11-05"));
        REQUIRE(ws.index.cycle("sprint"));
        CHECK(ws.index.cycle("sprint")->end == day("2026-11-21"));
        REQUIRE(ws.index.cycle("2026-Q4"));
        CHECK(ws.index.cycle("2026-Q4")->start == day("2026-10-01"));
        CHECK_FALSE(ws.index.cycle("nope"));
        std::vector<std::string> names;
        for (const Cycle* c : ws.index.all_cycles())
            names.push_back(c->name);
        CHECK(names == Strings{"2026-H2", "2026-Q4", "sprint"});
    }

    TEST_CASE("a custom cycle declared with other dates in another file is an error") {
        Workspace ws;
        ws.files.push_back(
            test::valid_file("[cycles.sprint]\nstart = 2026-11-01\nend = 2026-11-21\n", "a.toml"));
        ws.files.push_back(
            test::valid_file("[cycles.sprint]\nstart = 2026-11-01\nend = 2026-11-28\n", "b.toml"));
        const Diagnostics d = check_workspace_cycles(ws);
        REQUIRE(d.size() == 1);
        CHECK(d[0].path == "b.toml");
        CHECK(d[0].message == "cycle `sprint` is declared with other dates in a.toml");
    }

    TEST_CASE("a cycle name that no file declares is an error at the objective's cycle") {
        Workspace ws;
        ws.files.push_back(test::valid_file(R"(
[cycles.sprint]
start = 2026-11-01
end = 2026-11-21

[[objective]]
id = "a"
title = "A"
cycle = "sprnt"

[[objective]]
id = "b"
title = "B"
cycle = "zzzzzzzzzz"
)"));
        const Diagnostics d = check_workspace_cycles(ws);
        REQUIRE(d.size() == 2);
        CHECK(test::located(d[0]) == "8:9: unknown cycle \"sprnt\"");
        CHECK(d[0].hint == "did you mean \"sprint\"?");
        CHECK(test::located(d[1]) == "13:9: unknown cycle \"zzzzzzzzzz\"");
        CHECK(d[1].hint == "declare it under [cycles] with start and end dates, or use YYYY, "
                           "YYYY-Hn, YYYY-Qn or YYYY-MM");
    }

    TEST_CASE("two files whose namespace comes from the same stem is an error naming both paths") {
        // Issue 9: a/web.toml and b/web.toml silently shared namespace "web".
        Workspace ws;
        ws.files.push_back(okr::test::valid_file(
            "cycle = \"2026-Q4\"\n[[objective]]\nid = \"fast\"\ntitle = \"A\"\n", "a/web.toml"));
        ws.files.push_back(okr::test::valid_file(
            "cycle = \"2026-Q4\"\n[[objective]]\nid = \"fast\"\ntitle = \"B\"\n", "b/web.toml"));
        const Diagnostics d = check_workspace_namespaces(ws);
        REQUIRE(d.size() == 1);
        CHECK(d[0].path == "b/web.toml");
        CHECK(d[0].message == "namespace \"web\" of b/web.toml (its file name) is also the "
                              "namespace of a/web.toml (its file name)");
        // The ambiguity that follows still lists actionable, distinct candidates.
        const WorkspaceIndex index(ws);
        const auto r = index.objective("fast", 5);
        CHECK(r.candidates == Strings{"web/fast (in a/web.toml)", "web/fast (in b/web.toml)"});
    }

    TEST_CASE("a stem that equals another file's declared namespace is an error too") {
        Workspace ws;
        ws.files.push_back(okr::test::valid_file("namespace = \"web\"\n", "site.toml"));
        ws.files.push_back(okr::test::valid_file("", "teams/web.toml"));
        const Diagnostics d = check_workspace_namespaces(ws);
        REQUIRE(d.size() == 1);
        CHECK(d[0].message == "namespace \"web\" of teams/web.toml (its file name) is also the "
                              "namespace of site.toml");
    }

    TEST_CASE("files that each declare a namespace share it, with ids unique across them") {
        Workspace ws;
        ws.files.push_back(
            okr::test::valid_file("namespace = \"web\"\ncycle = \"2026-Q4\"\n[[objective]]\nid = "
                                  "\"fast\"\ntitle = \"A\"\n",
                                  "q3.toml"));
        ws.files.push_back(
            okr::test::valid_file("namespace = \"web\"\ncycle = \"2026-Q4\"\n[[objective]]\nid = "
                                  "\"faster\"\ntitle = \"B\"\n",
                                  "q4.toml"));
        CHECK(check_workspace_namespaces(ws).empty());
        ws.files.push_back(
            okr::test::valid_file("namespace = \"web\"\ncycle = \"2026-Q4\"\n\n[[objective]]\nid = "
                                  "\"fast\"\ntitle = \"C\"\n",
                                  "q5.toml"));
        const Diagnostics d = check_workspace_namespaces(ws);
        REQUIRE(d.size() == 1);
        CHECK(d[0].path == "q5.toml");
        CHECK(d[0].pos.line == 4);
        CHECK(d[0].message ==
              "duplicate objective id \"fast\" in namespace \"web\": first defined at q3.toml:3");
    }

} // TEST_SUITE
