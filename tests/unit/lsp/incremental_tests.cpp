// okr lsp after edits: what it has published equals `okr check` on the files as they are then
// (issue 30, item 3: an edit re-lints only the files it can change, and must miss none).

#include "okr/io/workspace.hpp"
#include "okr/lsp/server.hpp"
#include "okr/report/check.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
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
Findings check(const TempWorkspace& ws, Date today) {
    io::DiskFiles disk;
    const auto loaded = io::load_workspace({(ws.root / "okr.toml").string()}, disk);
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
        CHECK(shown(client.published) == shown(check(ws, today)));
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
            CHECK(shown(client.published) == shown(check(ws, today)));
        }
    }

} // TEST_SUITE
