// Fuzz target: the edit engine. The input is a goal file and a script of edits: the file is
// the text before the first NUL byte (a seed when it is not a valid goal file), the bytes after
// it choose edits (check-ins, set, add objective / KR / KPI) on the items of the file. Every edit
// that succeeds must leave a valid goal file whose model shows the change; every edit that fails
// must say why and leave no text.
#include "okr/io/edit.hpp"
#include "okr/io/parse.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view k_seed = R"(# A seed file, used when the input is not a valid goal file.
cycle = "2026-Q4"
owner = "sam"

[[objective]]
id = "fit"
title = "Get fit"

  [[objective.kr]]
  id = "run"
  title = "Run 10 km"
  start = 3
  target = 10
  checkins = [ { date = 2026-10-05, value = 4 } ]

[[kpi]]
id = "sleep"
title = "Hours of sleep"
min = 7
checkins = [
  { date = 2026-11-01, value = 7.5 },
]
)";

[[noreturn]] void fail(const char* what, const std::string& text) {
    std::fprintf(stderr, "edit fuzz: %s\n--- text ---\n%s\n", what, text.c_str());
    std::abort();
}

// Reads bytes of the edit script; zeros once it is used up.
struct Script {
    std::string_view bytes;
    std::size_t at = 0;
    unsigned next() { return at < bytes.size() ? static_cast<unsigned char>(bytes[at++]) : 0; }
    bool done() const { return at >= bytes.size(); }
    std::string word() {
        static constexpr std::string_view k_words[] = {
            "x", "new-id", "Ünïcode ✓", "a\"b", "", "run", "fit", "sleep", "has space", "a\\b"};
        return std::string(k_words[next() % std::size(k_words)]);
    }
    double number() {
        static constexpr double k_numbers[] = {0, 1, -3, 12.5, 1e15, -1e15, 0.1, 7, 1e-300, 42};
        return k_numbers[next() % std::size(k_numbers)];
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    std::string text(input.substr(0, nul));
    Script script{nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1)};
    const std::string path = "fuzz.toml";
    okr::io::ParsedFile parsed = okr::io::parse_goal_file(text, path);
    if (okr::has_errors(parsed.diagnostics)) {
        text = std::string(k_seed);
        parsed = okr::io::parse_goal_file(text, path);
    }
    for (int step = 0; step < 8 && !script.done(); ++step) {
        const okr::GoalFile& file = parsed.file;
        std::vector<okr::io::ItemId> items;
        for (const okr::Objective& o : file.objectives) {
            items.push_back(okr::io::ItemId::of_objective(o.id));
            for (const okr::KeyResult& kr : o.krs)
                items.push_back(okr::io::ItemId::of_kr(o.id, kr.id));
        }
        for (const okr::Kpi& k : file.kpis)
            items.push_back(okr::io::ItemId::of_kpi(k.id));
        const okr::io::ItemId item = items.empty() ? okr::io::ItemId::of_objective("none")
                                                   : items[script.next() % items.size()];
        okr::Result<okr::io::Edit> edit = okr::io::Edit{};
        switch (script.next() % 5) {
        case 0: {
            okr::Checkin c;
            c.date = *okr::Date::from_ymd(2026, 10 + static_cast<int>(script.next() % 3),
                                          1 + static_cast<int>(script.next() % 28));
            c.value = script.number();
            if (script.next() % 2) c.note = script.word();
            edit = okr::io::append_checkin(text, path, item, c);
            break;
        }
        case 1: {
            static constexpr const char* k_keys[] = {"title",  "owner",  "target", "start",
                                                     "weight", "status", "unit",   "notes"};
            const std::string key = k_keys[script.next() % std::size(k_keys)];
            okr::io::Value value =
                script.next() % 2 ? okr::io::Value(script.number()) : okr::io::Value(script.word());
            edit = okr::io::set_key(text, path, item, key, value);
            break;
        }
        case 2:
            edit = okr::io::add_objective(text, path, {script.word(), script.word(), {}});
            break;
        case 3:
            edit = okr::io::add_kr(text, path, item.objective,
                                   {script.word(), script.word(), {{"target", script.number()}}});
            break;
        default:
            edit = okr::io::add_kpi(text, path,
                                    {script.word(), script.word(), {{"min", script.number()}}});
            break;
        }
        if (!edit.ok()) {
            if (edit.failure().kind == okr::Failure::Kind::unverified)
                fail("an edit was made but its result differs from the intended model", text);
            if (edit.failure().message.empty()) fail("an edit failed without saying why", text);
            continue;
        }
        okr::io::ParsedFile after = okr::io::parse_goal_file(edit->text, path);
        if (okr::has_errors(after.diagnostics))
            fail("an edit that succeeded left an invalid goal file", edit->text);
        text = std::move(edit->text);
        parsed = std::move(after);
    }
    return 0;
}
