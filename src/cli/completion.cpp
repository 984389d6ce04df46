// `okr completion bash|zsh|fish` and the hidden `okr __complete`: shell completion scripts
// made at run time from their templates (completion/*.in) and the CLI11 command tree, with what
// each option declared it completes; and the fast look-ups they call for the references,
// cycles, owners and tags of the workspace.

#include "okr/cli/completion.hpp"

#include "completion/scripts.hpp"
#include "okr/cli/commands.hpp"
#include "okr/core/reference.hpp"
#include "okr/io/workspace.hpp"
#include "okr/report/text.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>
#include <functional>
#include <optional>
#include <set>
#include <unordered_map>

namespace okr::cli {
namespace {

// What the value of an option or a positional argument completes to, in the words the
// scripts understand: "" nothing, "files" paths, "commands" the command names,
// "=a,b,c" a fixed list, "@objectives,krs,..." a look-up through `okr __complete`.
using Kind = std::string;

struct OptionInfo {
    std::vector<std::string> names; // "-f", "--file"
    std::string type_name;          // "PATH", or empty for a flag
    bool takes_value = false;
    Kind kind;
    std::string description;
};

struct PositionalInfo {
    std::string name;
    Kind kind;
    bool repeatable = false;
    std::string description;
};

// One command of the tree; `path` is "okr" for okr itself, "okr add kr" for a nested one.
struct CommandInfo {
    std::string path;
    std::string description;
    std::vector<std::pair<std::string, std::string>> subcommands; // name, summary
    std::vector<OptionInfo> options;
    std::vector<PositionalInfo> positionals;
};

bool contains(std::string_view text, std::string_view word) {
    return text.find(word) != std::string_view::npos;
}

// The name of the validators that `completes` makes; the kind follows it.
constexpr std::string_view k_completes = "okr-completes ";

// The fixed values of an option checked by CLI::IsMember: CLI11 appends `{a,b,c}` to its type name.
std::vector<std::string> member_values(const std::string& type_name) {
    const std::size_t open = type_name.find('{');
    const std::size_t close = type_name.find('}', open);
    if (open == std::string::npos || close == std::string::npos) return {};
    std::vector<std::string> values;
    std::string item;
    for (char c : type_name.substr(open + 1, close - open - 1)) {
        if (c == ',') {
            values.push_back(item);
            item.clear();
        } else if (c != ' ') {
            item += c;
        }
    }
    if (!item.empty()) values.push_back(item);
    return values;
}

// What the option declared with `completes`; for a CLI::IsMember option, its members. An option
// that declares nothing is a mistake that completion_test reports: it completes to nothing.
Kind value_kind(CLI::Option& opt) {
    for (int i = 0;; ++i) {
        const CLI::Validator* v = nullptr;
        try {
            v = opt.get_validator(i);
        } catch (const CLI::OptionNotFound&) {
            break;
        }
        if (v->get_name().starts_with(k_completes)) return v->get_name().substr(k_completes.size());
    }
    if (auto values = member_values(opt.get_type_name()); !values.empty())
        return "=" + fmt::format("{}", fmt::join(values, ","));
    return "undeclared";
}

void describe(CLI::App& app, const std::string& path, std::vector<CommandInfo>& out) {
    CommandInfo info;
    info.path = path;
    info.description = app.get_description();
    std::vector<CLI::App*> children;
    for (CLI::App* sub : app.get_subcommands([](CLI::App* s) { return !s->get_group().empty(); })) {
        info.subcommands.emplace_back(sub->get_name(), sub->get_description());
        children.push_back(sub);
    }
    for (CLI::Option* opt : app.get_options()) {
        if (opt->nonpositional()) {
            OptionInfo o;
            for (const auto& s : opt->get_snames())
                o.names.push_back("-" + s);
            for (const auto& l : opt->get_lnames())
                o.names.push_back("--" + l);
            o.takes_value = opt->get_items_expected_max() > 0;
            if (o.takes_value) {
                const std::string type = opt->get_type_name();
                o.type_name = type.substr(0, type.find_first_of(":={"));
                o.kind = value_kind(*opt);
            }
            o.description = opt->get_description();
            info.options.push_back(std::move(o));
        } else {
            PositionalInfo p;
            p.name = opt->get_name();
            p.kind = value_kind(*opt);
            p.repeatable = opt->get_items_expected_max() > 1;
            p.description = opt->get_description();
            info.positionals.push_back(std::move(p));
        }
    }
    out.push_back(std::move(info));
    for (CLI::App* sub : children)
        describe(*sub, path + " " + sub->get_name(), out);
}

// A word in single quotes for sh, bash and zsh.
std::string sh_quote(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

// A word in single quotes for fish, where only \' and \\ are escapes.
std::string fish_quote(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

// Help text on one line, without the tabs that separate candidates from descriptions.
std::string one_line(std::string_view text) {
    std::string out;
    for (char c : text)
        out += (c == '\n' || c == '\t') ? ' ' : c;
    return out;
}

std::string positional_spec(const CommandInfo& c) {
    std::vector<std::string> specs;
    for (const auto& p : c.positionals)
        specs.push_back((p.kind.empty() ? "-" : p.kind) + (p.repeatable ? "+" : ""));
    return fmt::format("{}", fmt::join(specs, " "));
}

// The tables shared by the bash and zsh scripts: subcommands, options, option values and
// positional arguments of every command path; zsh also gets descriptions. Bash writes an
// associative array as ([key]=value ...), zsh as (key value ...).
std::string sh_tables(const std::vector<CommandInfo>& tree, bool zsh) {
    auto entry = [zsh](const std::string& key, const std::string& value) {
        return zsh ? fmt::format("  {} {}\n", sh_quote(key), sh_quote(value))
                   : fmt::format("  [{}]={}\n", sh_quote(key), sh_quote(value));
    };
    std::string subs, opts, kinds, positionals, descs;
    for (const CommandInfo& c : tree) {
        std::vector<std::string> names;
        for (const auto& [name, summary] : c.subcommands) {
            names.push_back(name);
            descs += entry(">" + c.path + " " + name, one_line(summary));
        }
        subs += entry(c.path, fmt::format("{}", fmt::join(names, " ")));
        std::vector<std::string> option_names;
        for (const OptionInfo& o : c.options)
            for (const std::string& n : o.names) {
                option_names.push_back(n);
                if (o.takes_value) kinds += entry(c.path + "|" + n, o.kind.empty() ? "-" : o.kind);
                descs += entry(c.path + "|" + n, one_line(o.description));
            }
        opts += entry(c.path, fmt::format("{}", fmt::join(option_names, " ")));
        positionals += entry(c.path, positional_spec(c));
    }
    std::string out = "typeset -gA _okr_subs _okr_opts _okr_kinds _okr_positionals";
    out += zsh ? " _okr_descs\n" : "\n";
    out += "_okr_subs=(\n" + subs + ")\n";
    out += "_okr_opts=(\n" + opts + ")\n";
    out += "_okr_kinds=(\n" + kinds + ")\n";
    out += "_okr_positionals=(\n" + positionals + ")\n";
    if (zsh) out += "_okr_descs=(\n" + descs + ")\n";
    return out;
}

// A template with its `# @NAME@` line replaced by `text`.
std::string fill(std::string_view script, std::string_view marker, std::string_view text) {
    const std::string line = fmt::format("# @{}@\n", marker);
    const std::size_t at = script.find(line);
    if (at == std::string_view::npos) return std::string(script); // a template always has it
    return fmt::format("{}{}{}", script.substr(0, at), text, script.substr(at + line.size()));
}

std::string bash_script(const std::vector<CommandInfo>& tree) {
    // bash has no ${=var} word splitting; the shared walk uses it for zsh, so spell it for bash.
    std::string walk(completion_scripts::k_walk);
    for (std::size_t at; (at = walk.find("${=")) != std::string::npos;)
        walk.replace(at, 3, "${");
    return fill(fill(completion_scripts::k_bash, "OKR_TABLES", sh_tables(tree, false)), "OKR_WALK",
                walk);
}

std::string zsh_script(const std::vector<CommandInfo>& tree) {
    return fill(fill(completion_scripts::k_zsh, "OKR_TABLES", sh_tables(tree, true)), "OKR_WALK",
                completion_scripts::k_walk);
}

std::string fish_script(const std::vector<CommandInfo>& tree) {
    std::string subs, opts, kinds, positionals;
    for (const CommandInfo& c : tree) {
        std::string lines;
        for (const auto& [name, summary] : c.subcommands)
            lines += fmt::format(" {}", fish_quote(name + "\t" + one_line(summary)));
        if (!lines.empty())
            subs += fmt::format("        case {}\n            printf '%s\\n'{}\n",
                                fish_quote(c.path), lines);
        lines.clear();
        for (const OptionInfo& o : c.options)
            for (const std::string& n : o.names) {
                lines += fmt::format(" {}", fish_quote(n + "\t" + one_line(o.description)));
                if (o.takes_value)
                    kinds += fmt::format("        case {}\n            echo {}\n",
                                         fish_quote(c.path + "|" + n),
                                         fish_quote(o.kind.empty() ? "-" : o.kind));
            }
        if (!lines.empty())
            opts += fmt::format("        case {}\n            printf '%s\\n'{}\n",
                                fish_quote(c.path), lines);
        if (!c.positionals.empty())
            positionals += fmt::format("        case {}\n            echo {}\n", fish_quote(c.path),
                                       fish_quote(positional_spec(c)));
    }
    std::string out =
        "function __okr_subs --argument-names path\n    switch $path\n" + subs + "    end\nend\n";
    out +=
        "function __okr_opts --argument-names path\n    switch $path\n" + opts + "    end\nend\n";
    out += "function __okr_kind --argument-names key\n    switch $key\n" + kinds +
           "        case '*'\n            return 1\n    end\nend\n";
    out += "function __okr_positionals --argument-names path\n    switch $path\n" + positionals +
           "    end\nend\n";
    return fill(completion_scripts::k_fish, "OKR_TABLES", out);
}

// Whether the parts, joined, start with `prefix` (without joining them).
bool joined_starts_with(std::string_view prefix, std::initializer_list<std::string_view> parts) {
    for (std::string_view part : parts) {
        const std::size_t n = std::min(prefix.size(), part.size());
        if (prefix.substr(0, n) != part.substr(0, n)) return false;
        prefix.remove_prefix(n);
        if (prefix.empty()) return true;
    }
    return prefix.empty();
}

std::string joined(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (std::string_view part : parts)
        out += part;
    return out;
}

// The references of the workspace that start with `prefix`, each in the shortest form the
// command line resolves to the same goal (`delight.nps` rather than `company/delight.nps`),
// unless the prefix names a namespace; a tab and the title follow. Closed and dropped items
// (and the KRs of closed or dropped objectives) are left out unless typed in full, so that a
// carried objective's KRs are offered, not their closed origins. `index` is asked for only
// when a short form must be resolved: a prefix with a namespace (`team0001/`) needs none.
// Objectives of a cycle running on `as_of` (or of a cycle okr does not know), their KRs and the
// KPIs come first; the objectives of other cycles and their KRs after them (issue 26).
void references(const Workspace& ws, const std::function<const WorkspaceIndex&()>& index,
                bool objectives, bool krs, bool kpis, std::string_view prefix, Date as_of,
                std::string& out) {
    const bool qualified = contains(prefix, "/");
    std::string later; // the items of cycles not running on `as_of`
    // Whether each cycle name runs on `as_of`: declared cycles of any file, else built-in names.
    std::unordered_map<std::string_view, bool> runs;
    for (const GoalFile& file : ws.files)
        for (const Cycle& c : file.cycles)
            runs.emplace(c.name, c.contains(as_of));
    auto running = [&](std::string_view name) {
        auto it = runs.find(name);
        if (it == runs.end()) {
            const std::optional<Cycle> builtin = builtin_cycle(name);
            it = runs.emplace(name, !builtin || builtin->contains(as_of)).first;
        }
        return it->second;
    };
    std::string* sink = &out;
    // An item is offered by its short form (`obj1`, `obj1.kr`) when that form names it, else by
    // its full reference (`ns/obj1`). Strings are only built for the items the prefix matches.
    auto emit = [&](std::initializer_list<std::string_view> full,
                    std::initializer_list<std::string_view> shorter, auto&& short_names_it,
                    const std::string& title, bool hidden) {
        if (hidden && prefix != joined(shorter) && prefix != joined(full)) return;
        std::string pick;
        if (!qualified && joined_starts_with(prefix, shorter) && short_names_it())
            pick = joined(shorter);
        else if (joined_starts_with(prefix, full))
            pick = joined(full);
        else
            return;
        *sink += fmt::format("{}\t{}\n", pick, report::escape_control(one_line(title)));
    };
    // Whether a short form names its item depends on the short form alone, so each one is
    // resolved once: a workspace where every file has an `o1.k1` stays linear.
    std::unordered_map<std::string, std::optional<ObjectiveRef>> objective_of;
    std::unordered_map<std::string, std::optional<KrRef>> kr_of;
    std::unordered_map<std::string, std::optional<KpiRef>> kpi_of;
    auto resolved = [](auto& memo, const std::string& key, auto resolve) {
        auto it = memo.find(key);
        if (it == memo.end()) it = memo.emplace(key, resolve().found).first;
        return it->second;
    };
    for (std::size_t f = 0; f < ws.files.size(); ++f) {
        const GoalFile& file = ws.files[f];
        const std::string_view ns = file.name_space;
        for (std::size_t o = 0; o < file.objectives.size(); ++o) {
            const Objective& obj = file.objectives[o];
            const ObjectiveRef ref{f, o};
            sink = obj.cycle.empty() || running(obj.cycle) ? &out : &later;
            if (objectives)
                emit(
                    {ns, "/", obj.id}, {obj.id},
                    [&] {
                        return resolved(objective_of, obj.id, [&] {
                                   return index().objective(obj.id, 0,
                                                            WorkspaceIndex::Explain::found);
                               }) == ref;
                    },
                    obj.title, obj.closed || obj.dropped);
            if (krs)
                for (std::size_t k = 0; k < obj.krs.size(); ++k) {
                    const KrRef kref{f, o, k};
                    const std::string& id = obj.krs[k].id;
                    emit(
                        {ns, "/", obj.id, ".", id}, {obj.id, ".", id},
                        [&] {
                            const std::string local = obj.id + "." + id;
                            return resolved(kr_of, local, [&] {
                                       return index().kr(local, 0, false,
                                                         WorkspaceIndex::Explain::found);
                                   }) == kref;
                        },
                        obj.krs[k].title, obj.closed || obj.dropped || obj.krs[k].dropped);
                }
        }
        sink = &out;
        if (kpis)
            for (std::size_t k = 0; k < file.kpis.size(); ++k) {
                const KpiRef ref{f, k};
                const std::string& id = file.kpis[k].id;
                emit(
                    {ns, "/", id}, {id},
                    [&] {
                        return resolved(kpi_of, id, [&] {
                                   return index().kpi(id, 0, WorkspaceIndex::Explain::no);
                               }) == ref;
                    },
                    file.kpis[k].title, file.kpis[k].dropped);
            }
    }
    out += later;
}

struct CompleteOptions {
    std::string what;
    std::vector<std::string> words;
};

CLI::App& root_of(CLI::App& app) {
    CLI::App* root = &app;
    while (root->get_parent())
        root = root->get_parent();
    return *root;
}

} // namespace

Runner setup_completion(CLI::App& command) {
    auto shell = std::make_shared<std::string>();
    command.add_option("SHELL", *shell, "The shell to print a completion script for")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    CLI::App* self = &command;
    return [self, shell](const Session&, std::string& out) {
        std::vector<CommandInfo> tree;
        describe(root_of(*self), "okr", tree);
        if (*shell == "bash")
            out += bash_script(tree);
        else if (*shell == "zsh")
            out += zsh_script(tree);
        else
            out += fish_script(tree);
        return ExitCode::ok;
    };
}

Runner setup_complete(CLI::App& command) {
    command.group(""); // hidden from `okr --help`
    auto opts = std::make_shared<CompleteOptions>();
    command
        .add_option("WHAT", opts->what,
                    "objectives, krs, kpis, cycles, owners, tags or all (comma-separated); "
                    "or commands, or options followed by a command path; or reports")
        ->required();
    command.add_option("WORDS", opts->words,
                       "The prefix to complete, or the command path for `commands` and `options`");
    CLI::App* self = &command;
    return [self, opts](const Session& session, std::string& out) {
        if (opts->what == "reports") { // for the tests that run every report in every format
            for (const Command& c : command_table())
                if (c.kind == CommandKind::report)
                    out += fmt::format("{}\t{}\n", c.name, c.summary);
            return ExitCode::ok;
        }
        if (opts->what == "commands" || opts->what == "options") {
            std::vector<CommandInfo> tree;
            describe(root_of(*self), "okr", tree);
            std::string path = "okr";
            for (const std::string& w : opts->words)
                path += " " + w;
            for (const CommandInfo& c : tree) {
                if (opts->what == "commands" && c.path == path)
                    for (const auto& [name, summary] : c.subcommands)
                        out += fmt::format("{}\t{}\n", name, one_line(summary));
                if (opts->what == "options" && c.path == path) {
                    for (const OptionInfo& o : c.options)
                        out += fmt::format("{}\t{}\t{}\n", fmt::join(o.names, ","), o.type_name,
                                           o.kind);
                    for (const PositionalInfo& p : c.positionals)
                        out +=
                            fmt::format("{}\t{}\t{}\n", p.name, p.repeatable ? "..." : "", p.kind);
                }
            }
            return ExitCode::ok;
        }
        const std::string prefix = opts->words.empty() ? "" : opts->words.back();
        std::set<std::string> what;
        for (std::size_t start = 0; start <= opts->what.size();) {
            const std::size_t comma = std::min(opts->what.find(',', start), opts->what.size());
            what.insert(opts->what.substr(start, comma - start));
            start = comma + 1;
        }
        // Completion must never fail loudly: a missing or broken workspace completes nothing.
        io::WorkspaceSource source = session.source();
        source.checkins = io::Checkins::skip; // names are all a completion shows
        const io::LoadedWorkspace loaded = io::load_workspace(source);
        if (loaded.problem) return ExitCode::ok;
        std::optional<WorkspaceIndex> built; // on first need
        auto index = [&]() -> const WorkspaceIndex& {
            if (!built) built.emplace(loaded.workspace);
            return *built;
        };
        references(loaded.workspace, index, what.contains("objectives"), what.contains("krs"),
                   what.contains("kpis"), prefix, session.as_of(), out);
        std::set<std::string> seen;
        auto word = [&](const std::string& w) {
            if (!w.empty() && w.starts_with(prefix) && seen.insert(w).second)
                out += report::escape_control(one_line(w)) + "\n";
        };
        if (what.contains("cycles"))
            for (const Cycle* c : index().all_cycles())
                word(c->name);
        if (what.contains("all")) word("all");
        if (what.contains("owners"))
            for (const GoalFile& file : loaded.workspace.files) {
                word(file.owner);
                for (const Objective& o : file.objectives) {
                    word(o.owner);
                    for (const KeyResult& kr : o.krs)
                        word(kr.owner);
                }
                for (const Kpi& k : file.kpis)
                    word(k.owner);
            }
        if (what.contains("tags"))
            for (const GoalFile& file : loaded.workspace.files) {
                for (const Objective& o : file.objectives)
                    for (const std::string& t : o.tags)
                        word(t);
                for (const Kpi& k : file.kpis)
                    for (const std::string& t : k.tags)
                        word(t);
            }
        return ExitCode::ok;
    };
}

CLI::Validator completes(Complete what) {
    auto kind = [what]() -> std::string {
        switch (what) {
        case Complete::nothing:
            return "";
        case Complete::files:
            return "files";
        case Complete::commands:
            return "commands";
        case Complete::references:
            return "@objectives,krs,kpis";
        case Complete::objectives:
            return "@objectives";
        case Complete::objectives_and_key_results:
            return "@objectives,krs";
        case Complete::key_results_and_kpis:
            return "@krs,kpis";
        case Complete::kpis:
            return "@kpis";
        case Complete::cycles:
            return "@cycles";
        case Complete::cycles_or_all:
            return "@cycles,all";
        case Complete::owners:
            return "@owners";
        case Complete::tags:
            return "@tags";
        case Complete::dates:
            return "=today,yesterday";
        }
        return "";
    };
    return CLI::Validator([](std::string&) { return std::string(); }, "",
                          std::string(k_completes) + kind());
}

CLI::Validator completes(std::vector<std::string> values) {
    return CLI::Validator([](std::string&) { return std::string(); }, "",
                          fmt::format("{}={}", k_completes, fmt::join(values, ",")));
}

} // namespace okr::cli
