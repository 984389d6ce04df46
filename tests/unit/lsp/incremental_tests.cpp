// okr lsp after edits: what it has published equals `okr check` on the files as they are then
// (issue 30, item 3: an edit re-lints only the files it can change, and must miss none).

#include "okr/io/workspace.hpp"
#include "okr/lsp/server.hpp"
#include "okr/report/check.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace okr;
namespace fs = std::filesystem;

namespace {

// One finding as both sides can say it: its line, level, rule, message and hint.
using Findings = std::map<std::string, std::vector<std::string>>; // by file name

std::string kr(const std::string& id) {
    return fmt::format("  [[objective.kr]]\n  id = \"{}\"\n  title = \"KR {}\"\n  start = 0\n"
                       "  target = 10\n  checkins = [ {{ date = 2026-10-02, value = 1 }} ]\n\n",
                       id, id);
}

std::string objective(const std::string& id, const std::string& extra) {
    return fmt::format("[[objective]]\nid = \"{}\"\ntitle = \"Objective {}\"\n{}\n", id, id,
                       extra) +
           kr("one") + kr("two");
}

const char* k_kpi =
    "[[kpi]]\nid = \"signups\"\ntitle = \"Signups\"\nowner = \"olivia\"\n"
    "min = 1\nfrequency = \"weekly\"\ncheckins = [ { date = 2026-11-01, value = 3 } ]\n\n";

// The text of a.toml, the file the edits change; the other files refer to it.
std::string a_text() {
    return "namespace = \"a\"\nowner = \"olivia\"\ncycle = \"sprint\"\n\n"
           "[cycles.sprint]\nstart = 2026-10-01\nend = 2026-12-31\n\n" +
           objective("grow", "") + objective("keep", "") + objective("fix", "") + k_kpi;
}

struct TempWorkspace {
    fs::path root;
    TempWorkspace() {
        root = fs::temp_directory_path() /
               fmt::format("okr-lsp-incremental-{}", std::random_device{}());
        fs::create_directories(root / "teams");
        write("okr.toml", "namespace = \"root\"\n[workspace]\ninclude = [\"teams/*.toml\"]\n");
        write("teams/a.toml", a_text());
        // b aligns to a, follows its KPI and uses its cycle; with a's three, olivia has six
        // objectives in the sprint (objective-count, found in b).
        write("teams/b.toml", "namespace = \"b\"\nowner = \"olivia\"\ncycle = \"sprint\"\n\n" +
                                  objective("win", "parent = \"a/grow\"\nkpis = [\"a/signups\"]") +
                                  objective("learn", "carried_from = \"a/keep\"") +
                                  objective("ship", ""));
        // e follows a's KPI by a bare id that e does not define.
        write("teams/e.toml", "namespace = \"e\"\nowner = \"erin\"\ncycle = \"2026-Q4\"\n\n" +
                                  objective("eee", "kpis = [\"signups\"]"));
        // c and d share a namespace: an id in both is a duplicate.
        write("teams/c.toml", "namespace = \"shared\"\nowner = \"carl\"\ncycle = \"2026-Q4\"\n\n" +
                                  objective("cee", ""));
        write("teams/d.toml", "namespace = \"shared\"\nowner = \"dora\"\ncycle = \"2026-Q4\"\n\n" +
                                  objective("dee", ""));
        // More dangling references than `okr check` explains (50): which of them get a "did
        // you mean" depends on how many come before, in a.toml.
        std::string many;
        for (int i = 0; i < 50; ++i)
            many += fmt::format("{}\"a/signupz{}\"", i ? ", " : "", i % 10);
        write("teams/m.toml", "namespace = \"m\"\nowner = \"max\"\ncycle = \"2026-Q4\"\n\n" +
                                  objective("many", "kpis = [" + many + "]"));
    }
    ~TempWorkspace() {
        std::error_code ignored;
        fs::remove_all(root, ignored);
    }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(root / name, std::ios::binary) << text;
    }
    std::string uri(const std::string& name) const {
        return lsp::uri_of_path((root / name).string());
    }
};

std::string request(int id, const std::string& method, const std::string& params) {
    return fmt::format(R"({{"jsonrpc":"2.0","id":{},"method":"{}","params":{}}})", id, method,
                       params);
}

std::string notification(const std::string& method, const std::string& params) {
    return fmt::format(R"({{"jsonrpc":"2.0","method":"{}","params":{}}})", method, params);
}

std::string quoted(const std::string& text) {
    std::string out;
    util::json::append_string(out, text);
    return out;
}

// What the server has published so far, by file name.
struct Client {
    Findings published;
    void take(const std::vector<std::string>& messages) {
        for (const std::string& m : messages) {
            auto v = util::json::parse(m);
            REQUIRE(v);
            const util::json::Value* method = v->get("method");
            if (!method || !method->as_string() ||
                *method->as_string() != "textDocument/publishDiagnostics")
                continue;
            const auto path = lsp::path_of_uri(*v->at("params", "uri")->as_string());
            REQUIRE(path);
            auto& list = published[fs::path(*path).filename().string()];
            list.clear();
            for (const util::json::Value& d : *v->at("params", "diagnostics")->as_array()) {
                const util::json::Value* code = d.get("code");
                list.push_back(
                    fmt::format("{} {} {} {}", *d.at("range", "start", "line")->as_number() + 1,
                                *d.get("severity")->as_number() == 1 ? "error" : "warning",
                                code ? *code->as_string() : std::string("schema"),
                                *d.get("message")->as_string()));
            }
            if (list.empty()) published.erase(fs::path(*path).filename().string());
        }
    }
};

// `okr check` on the files as they are on disk. A finding of no line (one about a whole file) is
// published on the first.
Findings check(const fs::path& root, Date today) {
    io::DiskFiles disk;
    const auto loaded = io::load_workspace({(root / "okr.toml").string()}, disk);
    REQUIRE_FALSE(loaded.problem);
    Findings out;
    for (const Diagnostic& d : report::check_findings(loaded, today))
        out[fs::path(d.path).filename().string()].push_back(
            fmt::format("{} {} {} {}", std::max<std::uint32_t>(d.pos.line, 1),
                        d.level == Level::error ? "error" : "warning",
                        d.rule.empty() ? std::string("schema") : d.rule,
                        d.hint.empty() ? d.message : d.message + "\nhint: " + d.hint));
    return out;
}

// Findings one a line, for a readable difference.
std::string shown(const Findings& findings) {
    std::string out;
    for (const auto& [name, list] : findings)
        for (const std::string& f : list)
            out += fmt::format("{}:{}\n", name, f);
    return out;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// A randomized differential test of the same seam (issue 30, item 3, review): a workspace of a
// few small files, each drawn from a model that the mutations below change, edited by
// whole-document didChange, didOpen (of a closed or a new file), didClose and didSave in a
// random order; after every event what was published equals `okr check` on the same files.
// The seeds are fixed; OKR_LSP_PROPERTY_SEEDS asks for more of them.

struct KrModel {
    std::string id;
    std::string kpi; // a reference, or none
};

struct ObjectiveModel {
    std::string id;
    std::string parent, carried_from; // references, or none
    std::vector<std::string> kpis;
    std::vector<KrModel> krs;
    bool closed = false;
    bool dropped = false;
};

struct FileModel {
    std::string name_space; // none: the file does not declare one
    std::string owner = "olivia";
    std::string cycle = "sprint";
    bool declares_sprint = false;
    bool declares_q5 = false; // a second cycle, which some other file may use
    std::vector<ObjectiveModel> objectives;
    std::vector<std::string> kpis;
    bool broken = false;      // a TOML syntax error at its end
    bool unknown_key = false; // a key the schema does not know

    std::string text() const {
        std::string out;
        if (!name_space.empty()) out += fmt::format("namespace = \"{}\"\n", name_space);
        out += fmt::format("owner = \"{}\"\ncycle = \"{}\"\n", owner, cycle);
        if (unknown_key) out += "colour = \"blue\"\n";
        out += "\n";
        if (declares_sprint) out += "[cycles.sprint]\nstart = 2026-10-01\nend = 2026-12-31\n\n";
        if (declares_q5) out += "[cycles.q5]\nstart = 2026-11-01\nend = 2027-01-31\n\n";
        for (const ObjectiveModel& o : objectives) {
            out +=
                fmt::format("[[objective]]\nid = \"{}\"\ntitle = \"Objective {}\"\n", o.id, o.id);
            if (!o.parent.empty()) out += fmt::format("parent = \"{}\"\n", o.parent);
            if (!o.carried_from.empty())
                out += fmt::format("carried_from = \"{}\"\n", o.carried_from);
            if (!o.kpis.empty()) {
                out += "kpis = [";
                for (std::size_t i = 0; i < o.kpis.size(); ++i)
                    out += fmt::format("{}\"{}\"", i ? ", " : "", o.kpis[i]);
                out += "]\n";
            }
            if (o.closed) out += "closed = 2026-11-01\n";
            if (o.dropped) out += "status = \"dropped\"\n";
            out += "\n";
            for (const KrModel& k : o.krs) {
                out += fmt::format("  [[objective.kr]]\n  id = \"{}\"\n  title = \"KR {}\"\n"
                                   "  start = 0\n  target = 10\n",
                                   k.id, k.id);
                if (!k.kpi.empty())
                    out += fmt::format("  kpi = \"{}\"\n", k.kpi);
                else
                    out += "  checkins = [ { date = 2026-10-02, value = 1 } ]\n";
                out += "\n";
            }
        }
        for (const std::string& k : kpis)
            out += fmt::format("[[kpi]]\nid = \"{}\"\ntitle = \"KPI {}\"\nowner = \"olivia\"\n"
                               "min = 1\nfrequency = \"weekly\"\n"
                               "checkins = [ {{ date = 2026-11-01, value = 3 }} ]\n\n",
                               k, k);
        if (broken) out += "[[objective\n";
        return out;
    }
};

struct Random {
    std::mt19937 gen;
    explicit Random(unsigned seed) : gen(seed) {}
    std::size_t below(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(gen);
    }
    bool chance(int percent) { return static_cast<int>(below(100)) < percent; }
    template <class T> const T& pick(const std::vector<T>& items) {
        return items[below(items.size())];
    }
};

const std::vector<std::string> k_objective_ids = {"grow", "keep", "fix", "win", "ship"};
const std::vector<std::string> k_kpi_ids = {"signups", "nps", "churn"};
const std::vector<std::string> k_namespaces = {"a", "b", "shared", ""};

// A reference to an id of the pool: bare, or in one of the namespaces.
std::string reference(Random& r, const std::vector<std::string>& ids) {
    const std::string& id = r.pick(ids);
    const std::string& ns = r.pick(k_namespaces);
    return ns.empty() ? id : ns + "/" + id;
}

ObjectiveModel random_objective(Random& r) {
    ObjectiveModel o;
    o.id = r.pick(k_objective_ids);
    const std::size_t krs = 1 + r.below(r.chance(80) ? 3 : 6); // 1 to 3, sometimes up to 6
    for (std::size_t k = 0; k < krs; ++k)
        o.krs.push_back({fmt::format("k{}", k), r.chance(20) ? reference(r, k_kpi_ids) : ""});
    if (r.chance(40)) o.parent = reference(r, k_objective_ids);
    if (r.chance(20)) o.carried_from = reference(r, k_objective_ids);
    if (r.chance(30)) o.kpis.push_back(reference(r, k_kpi_ids));
    o.closed = r.chance(10);
    o.dropped = r.chance(10);
    return o;
}

FileModel random_file(Random& r, std::size_t n) {
    FileModel f;
    f.name_space = k_namespaces[n % k_namespaces.size()];
    if (r.chance(30)) f.name_space = r.pick(k_namespaces);
    f.owner = r.chance(70) ? "olivia" : "carl";
    f.cycle = r.chance(60) ? "sprint" : r.chance(50) ? "2026-Q4" : "q5";
    f.declares_sprint = n == 0 || r.chance(15);
    f.declares_q5 = r.chance(20);
    const std::size_t objectives = 1 + r.below(3);
    for (std::size_t o = 0; o < objectives; ++o)
        f.objectives.push_back(random_objective(r));
    if (r.chance(60)) f.kpis.push_back(r.pick(k_kpi_ids));
    return f;
}

// One of the mutations, applied to `f`; says which.
std::string mutate(Random& r, FileModel& f) {
    auto any_objective = [&]() -> ObjectiveModel* {
        return f.objectives.empty() ? nullptr : &f.objectives[r.below(f.objectives.size())];
    };
    switch (r.below(14)) {
    case 0:
        if (auto* o = any_objective()) {
            o->id = r.pick(k_objective_ids);
            return "rename an objective";
        }
        [[fallthrough]];
    case 1:
        if (!f.kpis.empty()) {
            f.kpis[r.below(f.kpis.size())] = r.pick(k_kpi_ids);
            return "rename a KPI";
        }
        f.kpis.push_back(r.pick(k_kpi_ids));
        return "add a KPI";
    case 2:
        if (!f.objectives.empty()) {
            f.objectives.erase(f.objectives.begin() +
                               static_cast<std::ptrdiff_t>(r.below(f.objectives.size())));
            return "delete an objective";
        }
        [[fallthrough]];
    case 3:
        if (!f.kpis.empty() && r.chance(50)) {
            f.kpis.erase(f.kpis.begin() + static_cast<std::ptrdiff_t>(r.below(f.kpis.size())));
            return "delete a KPI";
        }
        f.objectives.push_back(random_objective(r));
        return "add an objective";
    case 4:
        if (auto* o = any_objective()) {
            f.objectives.push_back(*o); // the same id twice in the file
            return "duplicate an objective";
        }
        f.kpis.push_back(r.pick(k_kpi_ids));
        return "add a KPI";
    case 5:
        if (auto* o = any_objective()) {
            switch (r.below(4)) {
            case 0:
                o->parent = r.chance(75) ? reference(r, k_objective_ids) : "";
                break;
            case 1:
                o->carried_from = r.chance(60) ? reference(r, k_objective_ids) : "";
                break;
            case 2:
                if (o->kpis.empty() || r.chance(50))
                    o->kpis.push_back(reference(r, k_kpi_ids));
                else
                    o->kpis.pop_back();
                break;
            default:
                auto& kr = o->krs[r.below(o->krs.size())];
                kr.kpi = kr.kpi.empty() ? reference(r, k_kpi_ids) : "";
            }
            return "change a reference";
        }
        [[fallthrough]];
    case 6:
        if (auto* o = any_objective()) {
            // Break a reference by a typo, or mend it.
            if (!o->parent.empty() && o->parent.back() == 'x')
                o->parent.pop_back();
            else if (!o->parent.empty())
                o->parent += "x";
            else
                o->parent = reference(r, k_objective_ids);
            return "break or mend a parent";
        }
        [[fallthrough]];
    case 7:
        f.broken = !f.broken;
        return f.broken ? "break the TOML" : "mend the TOML";
    case 8:
        f.name_space = r.pick(k_namespaces);
        return "change the namespace";
    case 9:
        if (r.chance(50))
            f.declares_sprint = !f.declares_sprint;
        else
            f.declares_q5 = !f.declares_q5;
        return "add or remove a cycle";
    case 10:
        f.cycle = r.chance(50) ? "sprint" : r.chance(50) ? "2026-Q4" : "q5";
        return "change the file's cycle";
    case 11:
        if (auto* o = any_objective()) {
            if (o->krs.size() > 1 && r.chance(50))
                o->krs.pop_back();
            else
                o->krs.push_back({fmt::format("k{}", o->krs.size()), ""});
            return "add or remove a KR";
        }
        [[fallthrough]];
    case 12:
        if (auto* o = any_objective()) {
            if (r.chance(50))
                o->closed = !o->closed;
            else
                o->dropped = !o->dropped;
            return "close, drop or reopen an objective";
        }
        [[fallthrough]];
    default:
        if (r.chance(50))
            f.owner = f.owner == "olivia" ? "carl" : "olivia";
        else
            f.unknown_key = !f.unknown_key;
        return "change the owner or an unknown key";
    }
}

// The number of seeds to run: a few hundred, or OKR_LSP_PROPERTY_SEEDS.
unsigned property_seeds() {
    if (const char* n = std::getenv("OKR_LSP_PROPERTY_SEEDS"))
        return static_cast<unsigned>(std::stoul(n));
    return 200;
}
} // namespace

TEST_SUITE("okr::lsp incremental diagnostics") {

    TEST_CASE("after every edit, what was published equals okr check on the edited files") {
        const TempWorkspace ws;
        const Date today = *Date::parse_iso("2026-11-20");
        io::DiskFiles disk;
        lsp::Server server({today, "test", &disk});
        Client client;
        client.take(
            server.handle(request(1, "initialize",
                                  fmt::format(R"({{"rootUri":{},"capabilities":{{}}}})",
                                              quoted(lsp::uri_of_path(ws.root.string()))))));
        client.take(server.handle(notification("initialized", "{}")));
        std::map<std::string, int> versions;
        auto open = [&](const std::string& name, const std::string& text) {
            client.take(server.handle(notification(
                "textDocument/didOpen",
                fmt::format(
                    R"({{"textDocument":{{"uri":{},"languageId":"toml","version":1,"text":{}}}}})",
                    quoted(ws.uri(name)), quoted(text)))));
            versions[name] = 1;
        };
        // The buffer changes, and the disk with it, so that `okr check` sees what the server
        // sees; the server reads an open document's text from the client only.
        auto edit = [&](const std::string& name, const std::string& text) {
            ws.write(name, text);
            client.take(server.handle(
                notification("textDocument/didChange",
                             fmt::format(R"({{"textDocument":{{"uri":{},"version":{}}},)"
                                         R"("contentChanges":[{{"text":{}}}]}})",
                                         quoted(ws.uri(name)), ++versions[name], quoted(text)))));
        };
        const std::string a = a_text();
        const std::string c = "namespace = \"shared\"\nowner = \"carl\"\ncycle = \"2026-Q4\"\n\n" +
                              objective("cee", "");
        open("teams/a.toml", a);
        open("teams/c.toml", c);
        CHECK(shown(client.published) == shown(check(ws.root, today)));
        const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> steps = {
            {"a title changed", {"teams/a.toml", replaced(a, "Objective keep", "Objective kept")}},
            {"b's parent broken (grow renamed)",
             {"teams/a.toml", replaced(a, "id = \"grow\"", "id = \"grew\"")}},
            {"b's parent mended", {"teams/a.toml", a}},
            {"b's KPI renamed away",
             {"teams/a.toml", replaced(a, "id = \"signups\"", "id = \"signup\"")}},
            {"b's carried_from closed and renamed",
             {"teams/a.toml", replaced(a, "id = \"keep\"", "id = \"kept\"\nclosed = 2026-11-01")}},
            {"a duplicate id in c", {"teams/c.toml", c + objective("dee", "")}},
            {"the duplicate renamed", {"teams/c.toml", c + objective("dee2", "")}},
            {"c as it was", {"teams/c.toml", c}},
            {"olivia down to five objectives",
             {"teams/a.toml", replaced(a, "id = \"fix\"", "id = \"fix\"\nstatus = \"dropped\"")}},
            {"the sprint renamed: b's cycle is unknown",
             {"teams/a.toml", replaced(a, "[cycles.sprint]", "[cycles.sprint2]")}},
            {"the sprint back", {"teams/a.toml", a}},
            {"a dangling reference in a, before m's",
             {"teams/a.toml", replaced(a, "title = \"Objective fix\"",
                                       "title = \"Objective fix\"\nparent = \"a/nope\"")}},
            {"a objective gains a parent that does not exist",
             {"teams/a.toml", replaced(a, "title = \"Objective grow\"",
                                       "title = \"Objective grow\"\nparent = \"b/winn\"")}},
            {"m's references before all others again", {"teams/a.toml", a}},
            {"a TOML syntax error in a", {"teams/a.toml", a + "[[objective\n"}},
            {"a new id near m's references",
             {"teams/a.toml", a + "[[kpi]]\nid = \"signupz1\"\ntitle = \"S\"\nowner = \"o\"\n"}},
            {"a as it was", {"teams/a.toml", a}},
        };
        for (const auto& [what, step] : steps) {
            CAPTURE(what);
            edit(step.first, step.second);
            CHECK(shown(client.published) == shown(check(ws.root, today)));
        }
    }

    TEST_CASE("random edits: what was published equals okr check after every one of them") {
        const Date today = *Date::parse_iso("2026-11-20");
        const unsigned seeds = property_seeds();
        std::size_t events = 0;
        for (unsigned seed = 1; seed <= seeds; ++seed) {
            Random r(seed);
            const fs::path root =
                fs::temp_directory_path() /
                fmt::format("okr-lsp-property-{}-{}", seed, std::random_device{}());
            fs::create_directories(root / "teams");
            struct Cleanup {
                fs::path root;
                ~Cleanup() {
                    std::error_code ignored;
                    fs::remove_all(root, ignored);
                }
            } cleanup{root};
            auto write = [&](const std::string& name, const std::string& text) {
                std::ofstream(root / name, std::ios::binary) << text;
            };
            auto uri = [&](const std::string& name) {
                return lsp::uri_of_path((root / name).string());
            };
            write("okr.toml", "namespace = \"root\"\n[workspace]\ninclude = [\"teams/*.toml\"]\n");
            // Four files on disk from the start; a fifth appears by didOpen.
            const std::vector<std::string> names = {"teams/a.toml", "teams/b.toml", "teams/c.toml",
                                                    "teams/d.toml", "teams/n.toml"};
            std::map<std::string, FileModel> model;
            for (std::size_t n = 0; n < 4; ++n) {
                model[names[n]] = random_file(r, n);
                write(names[n], model[names[n]].text());
            }
            io::DiskFiles disk;
            lsp::Server server({today, "test", &disk});
            Client client;
            client.take(
                server.handle(request(1, "initialize",
                                      fmt::format(R"({{"rootUri":{},"capabilities":{{}}}})",
                                                  quoted(lsp::uri_of_path(root.string()))))));
            client.take(server.handle(notification("initialized", "{}")));
            std::map<std::string, int> open; // name -> version
            std::vector<std::string> script;
            auto did_open = [&](const std::string& name) {
                open[name] = 1;
                client.take(server.handle(
                    notification("textDocument/didOpen",
                                 fmt::format(R"({{"textDocument":{{"uri":{},"languageId":"toml",)"
                                             R"("version":1,"text":{}}}}})",
                                             quoted(uri(name)), quoted(model[name].text())))));
            };
            auto compare = [&](const std::string& what) {
                script.push_back(what);
                ++events;
                const std::string expected = shown(check(root, today));
                const std::string got = shown(client.published);
                if (got == expected) return true;
                std::string steps;
                for (const std::string& s : script)
                    steps += s + "\n";
                INFO("seed ", seed, ", after:\n", steps);
                for (const auto& [name, f] : model)
                    INFO(name, ":\n", f.text());
                CHECK(got == expected);
                return false;
            };
            did_open(names[0]);
            did_open(names[1]);
            if (!compare("open a and b")) break;
            bool ok = true;
            for (int step = 0; step < 12 && ok; ++step) {
                const std::size_t kind = r.below(10);
                if (kind < 6) { // didChange of an open document
                    const std::string name =
                        std::next(open.begin(), static_cast<std::ptrdiff_t>(r.below(open.size())))
                            ->first;
                    const std::string what = mutate(r, model[name]);
                    write(name, model[name].text());
                    client.take(server.handle(notification(
                        "textDocument/didChange",
                        fmt::format(R"({{"textDocument":{{"uri":{},"version":{}}},)"
                                    R"("contentChanges":[{{"text":{}}}]}})",
                                    quoted(uri(name)), ++open[name], quoted(model[name].text())))));
                    ok = compare(fmt::format("change {}: {}", name, what));
                } else if (kind < 8) { // didOpen of a closed (or new) file, edited first
                    std::vector<std::string> closed;
                    for (const std::string& n : names)
                        if (!open.contains(n)) closed.push_back(n);
                    if (closed.empty()) continue;
                    const std::string name = r.pick(closed);
                    std::string what = "open " + name;
                    if (!model.contains(name)) {
                        model[name] = random_file(r, 4);
                        what += " (new)";
                    } else if (r.chance(70)) {
                        what += " edited: " + mutate(r, model[name]);
                    }
                    write(name, model[name].text());
                    did_open(name);
                    ok = compare(what);
                } else if (kind < 9) { // didClose: the disk holds what the buffer had
                    if (open.size() < 2) continue;
                    const std::string name =
                        std::next(open.begin(), static_cast<std::ptrdiff_t>(r.below(open.size())))
                            ->first;
                    open.erase(name);
                    client.take(server.handle(notification(
                        "textDocument/didClose",
                        fmt::format(R"({{"textDocument":{{"uri":{}}}}})", quoted(uri(name))))));
                    ok = compare("close " + name);
                } else { // didSave
                    const std::string name =
                        std::next(open.begin(), static_cast<std::ptrdiff_t>(r.below(open.size())))
                            ->first;
                    client.take(server.handle(notification(
                        "textDocument/didSave",
                        fmt::format(R"({{"textDocument":{{"uri":{}}}}})", quoted(uri(name))))));
                    ok = compare("save " + name);
                }
            }
            if (!ok) break;
        }
        MESSAGE(seeds, " seeds, ", events, " events compared with okr check");
        CHECK(events > seeds * 6);
    }

} // TEST_SUITE
