#include "okr/cli/write.hpp"

#include "okr/io/parse.hpp"
#include "okr/io/safe_write.hpp"
#include "okr/util/diff.hpp"
#include "okr/util/utf8.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>

namespace okr::cli {
namespace {

std::string kinds_name(RefKinds k) {
    std::vector<std::string> names;
    if (k.objective) names.emplace_back("objective");
    if (k.kr) names.emplace_back("key result");
    if (k.kpi) names.emplace_back("KPI");
    if (names.size() == 1) return names[0];
    if (names.size() == 2) return names[0] + " or " + names[1];
    return names[0] + ", " + names[1] + " or " + names[2];
}

void add_unique(std::vector<std::string>& to, const std::vector<std::string>& from) {
    for (const std::string& s : from)
        if (std::find(to.begin(), to.end(), s) == to.end()) to.push_back(s);
}

CommandError edit_failure(const Failure& e) {
    using Kind = Failure::Kind;
    switch (e.kind) {
    case Kind::would_be_invalid:
    case Kind::unsupported:
        return CommandError(ExitCode::usage, e.message + "; nothing was written", e.hint);
    case Kind::file_invalid:
        return CommandError(ExitCode::invalid, e.message + "; nothing was written", e.hint);
    case Kind::not_found:
        return CommandError(ExitCode::io, e.message + "; nothing was written", e.hint);
    case Kind::unverified:
        break;
    case Kind::io:
    case Kind::read_only:
    case Kind::exists:
    case Kind::lock_held:
    case Kind::lock_stale:
        return CommandError(ExitCode::io, e.message, e.hint);
    }
    return CommandError(ExitCode::invalid, e.message, e.hint);
}

// Latin-1 letters with accents, U+00C0 to U+00FF, as the ASCII letter ids use ('.' = none).
constexpr std::string_view k_latin1_ascii =
    "aaaaaaaceeeeiiiidnooooo.ouuuuy.saaaaaaaceeeeiiiidnooooo.ouuuuy.y";

// Words of a title for an id, lowercase ASCII; accented Latin letters lose their accents and
// other characters separate words.
std::vector<std::string> id_words(std::string_view title) {
    std::vector<std::string> words(1);
    for (std::size_t i = 0; i < title.size();) {
        const util::Decoded d = util::decode_utf8(title, i);
        i += d.length;
        const char32_t c = d.valid ? d.code_point : 0;
        char out = 0;
        if (c < 0x80 && std::isalnum(static_cast<int>(c))) {
            out = static_cast<char>(std::tolower(static_cast<int>(c)));
        } else if (c >= 0xC0 && c <= 0xFF) {
            out = k_latin1_ascii[c - 0xC0];
            if (out == '.') out = 0;
        }
        if (out) {
            words.back() += out;
        } else if (c != U'\'') { // "Sam's" is one word
            if (!words.back().empty()) words.emplace_back();
        }
    }
    if (words.back().empty()) words.pop_back();
    return words;
}

bool is_stop_word(std::string_view w) {
    static constexpr std::string_view k_stop[] = {
        "a",    "an",   "the",  "of",  "to", "for",  "and", "or",    "in", "on",  "at", "by",
        "with", "from", "into", "our", "my", "your", "its", "their", "is", "are", "be"};
    return std::find(std::begin(k_stop), std::end(k_stop), w) != std::end(k_stop);
}

} // namespace

void add_dry_run_flag(CLI::App& command, bool& dry_run) {
    command.add_flag("--dry-run", dry_run,
                     "Print the unified diff of the change and write nothing");
}

WriteTarget resolve_target(const WorkspaceIndex& index, std::string_view ref, RefKinds kinds) {
    std::vector<WriteTarget> found;
    std::vector<std::pair<std::string, const char*>> candidates; // reference, kind
    std::vector<std::string> suggestions;
    if (kinds.objective) {
        auto r = index.objective(ref, 0);
        if (r.found) {
            const Objective& o = index.at(*r.found);
            found.push_back(
                {r.found->file, io::ItemId::of_objective(o.id), index.ref_of(*r.found)});
            candidates.emplace_back(found.back().ref, "objective");
        }
        for (const auto& c : r.candidates)
            candidates.emplace_back(c, "objective");
        add_unique(suggestions, r.suggestions);
    }
    if (kinds.kr) {
        auto r = index.kr(ref, 0, true);
        if (r.found) {
            const Objective& o = index.at(ObjectiveRef{r.found->file, r.found->objective});
            found.push_back({r.found->file, io::ItemId::of_kr(o.id, index.at(*r.found).id),
                             index.ref_of(*r.found)});
            candidates.emplace_back(found.back().ref, "key result");
        }
        for (const auto& c : r.candidates)
            candidates.emplace_back(c, "key result");
        add_unique(suggestions, r.suggestions);
    }
    if (kinds.kpi) {
        auto r = index.kpi(ref, 0);
        if (r.found) {
            found.push_back(
                {r.found->file, io::ItemId::of_kpi(index.at(*r.found).id), index.ref_of(*r.found)});
            candidates.emplace_back(found.back().ref, "KPI");
        }
        for (const auto& c : r.candidates)
            candidates.emplace_back(c, "KPI");
        add_unique(suggestions, r.suggestions);
    }
    if (found.size() == 1 && candidates.size() == 1) return found.front();
    if (!candidates.empty()) {
        // Name the kinds only when they differ: `eco (objective), growth/eco (KPI)`.
        const bool mixed = std::any_of(candidates.begin(), candidates.end(), [&](const auto& c) {
            return std::string_view(c.second) != candidates.front().second;
        });
        std::vector<std::string> all;
        for (const auto& [r, kind] : candidates)
            add_unique(all, {mixed ? fmt::format("{} ({})", r, kind) : r});
        throw CommandError(
            ExitCode::usage, describe_failure(kinds_name(kinds), ref, all, {}),
            "name it in full, with its namespace: NS/OBJECTIVE, NS/OBJECTIVE.KR or NS/KPI");
    }
    if (suggestions.size() > 3) suggestions.resize(3);
    throw CommandError(ExitCode::usage, describe_failure(kinds_name(kinds), ref, {}, suggestions),
                       suggestions.empty() ? "`okr status` and `okr kpi` list the references" : "");
}

const Objective* objective_of(const WorkspaceIndex& index, const WriteTarget& target) {
    for (const Objective& o : index.workspace().files[target.file].objectives)
        if (o.id == target.item.objective) return &o;
    return nullptr;
}

const KeyResult* kr_of(const WorkspaceIndex& index, const WriteTarget& target) {
    const Objective* o = objective_of(index, target);
    if (!o || target.item.kind != io::ItemKind::kr) return nullptr;
    for (const KeyResult& kr : o->krs)
        if (kr.id == target.item.id) return &kr;
    return nullptr;
}

const Kpi* kpi_of(const WorkspaceIndex& index, const WriteTarget& target) {
    if (target.item.kind != io::ItemKind::kpi) return nullptr;
    for (const Kpi& k : index.workspace().files[target.file].kpis)
        if (k.id == target.item.id) return &k;
    return nullptr;
}

std::string write_edit(const std::string& path, bool dry_run, std::string& out,
                       const std::function<Result<io::Edit>(std::string_view text)>& edit) {
    // Readers take no lock, and neither does a dry run: it writes nothing.
    std::optional<io::FileLock> lock;
    if (!dry_run) {
        auto taken = io::FileLock::acquire(path, lock_timeout());
        if (auto* e = std::get_if<io::WriteError>(&taken))
            throw CommandError(ExitCode::io, e->message, e->hint);
        lock.emplace(std::move(std::get<io::FileLock>(taken)));
    }
    // The text as it is now, under the lock: a change saved since the workspace was loaded is kept.
    const std::optional<std::string> text = io::read_file(path);
    if (!text)
        throw CommandError(ExitCode::io,
                           fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    Result<io::Edit> result = edit(*text);
    if (!result) throw edit_failure(result.failure());
    if (dry_run) {
        out += util::unified_diff(*text, result->text, path);
        return result->text;
    }
    if (result->text != *text)
        if (auto e = io::write_file_atomically(path, result->text))
            throw CommandError(ExitCode::io, e->message, e->hint);
    return result->text;
}

void reload_file(LoadedGoals& goals, std::size_t file, std::string_view text, Date as_of) {
    io::ParsedFile parsed = io::parse_goal_file(text, goals.loaded.workspace.files[file].path);
    goals.loaded.workspace.files[file] = std::move(parsed.file);
    goals.index = std::make_unique<WorkspaceIndex>(goals.loaded.workspace);
    goals.evaluation = evaluate(*goals.index, as_of);
}

double parse_number_arg(std::string_view what, std::string_view text) {
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    double value = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (!digits.empty() && ec == std::errc{} && ptr == digits.data() + digits.size() &&
        std::isfinite(value))
        return value;
    std::string hint = "write digits, with a `.` for decimals: 12.5, -3, 1200";
    if (!text.empty() && text.back() == '%')
        hint = fmt::format("write it without the `%`: {}", text.substr(0, text.size() - 1));
    else if (text.find(',') != std::string_view::npos)
        hint = "write it without thousands separators, with a `.` for decimals: 1200.5";
    throw CommandError(ExitCode::usage,
                       fmt::format("{}: expected a number, found \"{}\"", what, text), hint);
}

double parse_fraction_arg(std::string_view what, std::string_view text) {
    const bool percent = !text.empty() && text.back() == '%';
    const std::string_view number = percent ? text.substr(0, text.size() - 1) : text;
    double value = 0;
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    const bool parsed = !number.empty() && ec == std::errc{} &&
                        ptr == number.data() + number.size() && std::isfinite(value);
    if (parsed && percent) value /= 100;
    if (parsed && value >= 0 && value <= 1) return value;
    std::string hint = "write a fraction from 0 to 1 (0.7) or a percentage (70%)";
    if (parsed && !percent && value >= 2 && value <= 100)
        hint = fmt::format("write {} or {}%", io::toml_number(value / 100), text);
    throw CommandError(
        ExitCode::usage,
        parsed ? fmt::format("{}: must be between 0 and 1 (or 0% and 100%), found {}", what, text)
               : fmt::format("{}: expected a fraction like 0.7 or 70%, found \"{}\"", what, text),
        hint);
}

Date parse_date_arg(std::string_view what, std::string_view text, Date today) {
    if (auto d = parse_cli_date(text, today)) return *d;
    std::string message = fmt::format("{}: not a date: \"{}\"", what, text);
    // A well-formed date that does not exist says why.
    if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
        int y = 0, m = 0, d = 0;
        auto num = [&](std::size_t at, std::size_t n, int& v) {
            auto [p, ec] = std::from_chars(text.data() + at, text.data() + at + n, v);
            return ec == std::errc{} && p == text.data() + at + n;
        };
        static constexpr const char* k_months[] = {"January",   "February", "March",    "April",
                                                   "May",       "June",     "July",     "August",
                                                   "September", "October",  "November", "December"};
        if (num(0, 4, y) && num(5, 2, m) && num(8, 2, d)) {
            if (m < 1 || m > 12)
                message = fmt::format("{}: {} does not exist: there is no month {}", what, text, m);
            else if (d < 1 || d > days_in_month(y, m))
                message = fmt::format("{}: {} does not exist: {} {} has {} days", what, text,
                                      k_months[m - 1], y, days_in_month(y, m));
        }
    }
    throw CommandError(ExitCode::usage, message,
                       "use YYYY-MM-DD (a real calendar date), today, yesterday, -3d or -2w");
}

std::string make_id(std::string_view title, std::string_view fallback,
                    const std::function<bool(const std::string&)>& taken) {
    constexpr std::size_t k_max_words = 3, k_max_length = 24;
    std::string base;
    std::size_t used = 0;
    for (const std::string& w : id_words(title)) {
        if (is_stop_word(w)) continue;
        if (used == k_max_words) break;
        if (!base.empty() && base.size() + 1 + w.size() > k_max_length) break;
        base += (base.empty() ? "" : "-") + w.substr(0, k_max_length);
        ++used;
    }
    if (base.empty()) base = fallback;
    if (!taken(base)) return base;
    for (int n = 2;; ++n) {
        std::string id = fmt::format("{}-{}", base, n);
        if (!taken(id)) return id;
    }
}

std::chrono::milliseconds lock_timeout() {
    // Read here rather than in Environment: only writers need it, and tests shorten it.
    if (const char* v = std::getenv("OKR_LOCK_TIMEOUT")) {
        char* end = nullptr;
        const double seconds = std::strtod(v, &end);
        if (end != v && *end == '\0' && seconds >= 0 && seconds < 3600)
            return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    }
    return io::k_default_lock_timeout;
}

} // namespace okr::cli
