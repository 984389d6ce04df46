// `okr completion bash|zsh|fish` and the hidden `okr __complete`: shell completion scripts
// generated at run time from the CLI11 command tree, and the fast look-ups they call for the
// references, cycles, owners and tags of the workspace.

#include "okr/cli/commands.hpp"
#include "okr/core/reference.hpp"
#include "okr/io/workspace.hpp"
#include "okr/report/text.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>
#include <set>

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

std::string lower(std::string text) {
    for (char& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

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

// The values a help text lists as its whole content, "daily, weekly or monthly" or
// "aspirational (default) or committed"; empty when the text is anything else.
std::vector<std::string> listed_values(std::string_view description) {
    std::string text;
    int depth = 0;
    for (char c : description) {
        if (c == '(')
            ++depth;
        else if (c == ')')
            --depth;
        else if (depth == 0)
            text += c;
    }
    std::vector<std::string> values;
    std::string word;
    std::size_t i = 0;
    auto flush = [&] {
        if (!word.empty()) values.push_back(word);
        word.clear();
    };
    while (i < text.size()) {
        if (text.compare(i, 2, ", ") == 0) {
            flush();
            i += 2;
        } else if (text.compare(i, 4, " or ") == 0) {
            flush();
            i += 4;
        } else if (text[i] == ' ') {
            ++i; // the space left where a parenthesis was
        } else if ((text[i] >= 'a' && text[i] <= 'z') || text[i] == '-') {
            if (i > 0 && text[i - 1] == ' ' && !word.empty()) return {}; // two words: a sentence
            word += text[i++];
        } else {
            return {};
        }
    }
    flush();
    return values.size() >= 2 ? values : std::vector<std::string>{};
}

// The kinds of goal a reference argument names, read from its name and help text, so that a
// new command's REF is completed without a change here: "objective", "key result" and "KPI".
Kind reference_kind(const std::string& name, const std::string& description) {
    if (name == "OBJ" || name == "OBJECTIVE") return "@objectives";
    if (name == "KPI") return "@kpis";
    const std::string text = lower(description);
    std::vector<std::string> kinds;
    if (contains(text, "objective")) kinds.push_back("objectives");
    if (contains(text, "key result") || contains(description, "KR")) kinds.push_back("krs");
    if (contains(text, "kpi")) kinds.push_back("kpis");
    if (kinds.empty()) kinds = {"objectives", "krs", "kpis"};
    return "@" + fmt::format("{}", fmt::join(kinds, ","));
}

Kind value_kind(const CLI::Option& opt, const std::string& name) {
    const std::string type = opt.get_type_name();
    if (auto values = member_values(type); !values.empty())
        return "=" + fmt::format("{}", fmt::join(values, ","));
    const std::string head = type.substr(0, type.find_first_of(":={"));
    const std::string description = opt.get_description();
    if (head == "PATH" || head == "FILE" || head == "DIR" || name == "--file" || name == "PATH")
        return "files";
    if (head == "DATE" || name == "--date" || name == "--as-of" || name == "--since")
        return "=today,yesterday";
    if (head == "OWNER" || name == "--owner" || name == "OWNER") return "@owners";
    if (head == "TAG" || name == "--tag" || name == "TAG") return "@tags";
    if (name == "--cycle" || head == "CYCLE")
        return contains(description, "or all") ? "@cycles,all" : "@cycles";
    if (name == "COMMAND") return "commands";
    if (name == "--parent") return "@objectives";
    if (name == "--kpi") return "@kpis";
    if (auto values = listed_values(description); !values.empty() && !opt.get_positional())
        return "=" + fmt::format("{}", fmt::join(values, ","));
    if (head == "REF" || head == "OBJ" || head == "KPI" || name == "REF" || name == "OBJ" ||
        name == "KPI")
        return reference_kind(head == "REF" || head.empty() ? name : head, description);
    return "";
}

void describe(const CLI::App& app, const std::string& path, std::vector<CommandInfo>& out) {
    CommandInfo info;
    info.path = path;
    info.description = app.get_description();
    std::vector<const CLI::App*> children;
    for (const CLI::App* sub :
         app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
        info.subcommands.emplace_back(sub->get_name(), sub->get_description());
        children.push_back(sub);
    }
    for (const CLI::Option* opt : app.get_options()) {
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
                o.kind = value_kind(*opt, o.names.back());
            }
            o.description = opt->get_description();
            info.options.push_back(std::move(o));
        } else {
            PositionalInfo p;
            p.name = opt->get_name();
            p.kind = value_kind(*opt, p.name);
            p.repeatable = opt->get_items_expected_max() > 1;
            p.description = opt->get_description();
            info.positionals.push_back(std::move(p));
        }
    }
    out.push_back(std::move(info));
    for (const CLI::App* sub : children)
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

// The walk over the words typed so far, the same in bash and zsh (arrays are read through
// helper variables so that the 0- or 1-based indexing of each shell does not matter).
// It sets: _okr_path (the command path), _okr_pos (index of the positional being typed),
// _okr_fargs (the -f/--file arguments already typed), _okr_expect (option awaiting a value).
constexpr const char* k_sh_walk = R"SH(
# _okr_option_kind PATH OPTION: the value kind of OPTION at PATH or a parent command (options
# fall through to the parent), "-" for an option without completion; status 1 for a flag.
_okr_option_kind() {
  local p=$1 o=$2
  while :; do
    if [[ -n ${_okr_kinds[$p|$o]+set} ]]; then _okr_kind=${_okr_kinds[$p|$o]}; return 0; fi
    [[ $p == okr ]] && return 1
    p=${p% *}
  done
}

# _okr_walk WORD...: follows the words before the cursor through the command tree.
_okr_walk() {
  _okr_path=okr _okr_pos=0 _okr_expect="" _okr_fargs=()
  local w dashdash=0 value_for=""
  for w in "$@"; do
    if [[ -n $value_for ]]; then
      [[ $value_for == -f || $value_for == --file ]] && _okr_fargs+=(--file "$w")
      value_for=""
      continue
    fi
    if (( ! dashdash )) && [[ $w == -?* ]]; then
      if [[ $w == -- ]]; then dashdash=1; continue; fi
      if [[ $w == --*=* ]]; then
        [[ ${w%%=*} == --file ]] && _okr_fargs+=(--file "${w#*=}")
        continue
      fi
      if [[ $w != --* && ${#w} -gt 2 ]]; then
        # -fPATH: a short option with its value attached.
        if _okr_option_kind "$_okr_path" "${w:0:2}"; then
          [[ ${w:0:2} == -f ]] && _okr_fargs+=(--file "${w:2}")
        fi
        continue
      fi
      _okr_option_kind "$_okr_path" "$w" && value_for=$w
      continue
    fi
    local sub key=""
    for sub in ${=_okr_subs[$_okr_path]}; do
      if [[ $sub == "$w" ]]; then
        key=$sub
        break
      fi
    done
    if (( ! dashdash )) && [[ -n $key && $_okr_pos -eq 0 ]]; then
      _okr_path="$_okr_path $key"
      continue
    fi
    (( _okr_pos++ ))
  done
  _okr_expect=$value_for
}

# _okr_positional_kind: the kind of the positional argument being typed, "" when none.
_okr_positional_kind() {
  local -a specs
  specs=(${=_okr_positionals[$_okr_path]})
  local n=${#specs[@]} i=0 spec=""
  local s
  for s in "${specs[@]}"; do
    if (( i == _okr_pos )); then spec=$s; break; fi
    (( i++ ))
  done
  if [[ -z $spec && $n -gt 0 ]]; then
    for s in "${specs[@]}"; do spec=$s; done
    [[ $spec == *+ ]] || spec=""
  fi
  spec=${spec%+}
  [[ $spec == - ]] && spec=""
  _okr_kind=$spec
}

# _okr_lookup OKR KIND PREFIX: runs `okr __complete` for a "@..." kind, one candidate a line
# (a tab, then its description).
_okr_lookup() {
  "$1" "${_okr_fargs[@]}" __complete "${2#@}" -- "$3" 2>/dev/null
}
)SH";

constexpr const char* k_bash_main = R"SH(
# Completion for okr(1), generated by `okr completion bash` from okr's command table.
_okr_complete_values() {
  local okr=$1 kind=$2 cur=$3 line c
  COMPREPLY=()
  case $kind in
    "") return ;;
    files)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      ;;
    commands)
      mapfile -t COMPREPLY < <(compgen -W "${_okr_subs[okr]}" -- "$cur")
      ;;
    =*)
      local IFS=,
      mapfile -t COMPREPLY < <(compgen -W "${kind#=}" -- "$cur")
      ;;
    @*)
      while IFS= read -r line; do
        c=${line%%$'\t'*}
        [[ $c == "$cur"* ]] || continue
        if [[ $c == *[[:space:]\'\"\\\$\`\(\)\;\&\|\<\>\*\?\[\]]* ]]; then printf -v c '%q' "$c"; fi
        COMPREPLY+=("$c")
      done < <(_okr_lookup "$okr" "$kind" "$cur")
      ;;
  esac
}

_okr() {
  local -a words=()
  local i w cword=0
  # Join `--option=value`, which bash splits at `=` (COMP_WORDBREAKS), back into one word.
  for (( i = 0; i < ${#COMP_WORDS[@]}; i++ )); do
    w=${COMP_WORDS[i]}
    local n=${#words[@]}
    if (( n > 0 )) && [[ $w == = && ${words[n-1]} == --* && ${words[n-1]} != *=* ]]; then
      words[n-1]+="="
      (( i == COMP_CWORD )) && cword=$(( n - 1 ))
      if (( i + 1 < ${#COMP_WORDS[@]} && i + 1 <= COMP_CWORD )); then
        (( i++ ))
        words[n-1]+=${COMP_WORDS[i]}
        (( i == COMP_CWORD )) && cword=$(( n - 1 ))
      fi
      continue
    fi
    words+=("$w")
    (( i == COMP_CWORD )) && cword=$n
  done
  local cur=${words[cword]}
  local okr=${words[0]}
  [[ $okr == "~/"* ]] && okr=$HOME/${okr#"~/"}
  type -P "$okr" >/dev/null 2>&1 || okr=okr

  local _okr_path _okr_pos _okr_expect _okr_kind
  local -a _okr_fargs
  _okr_walk "${words[@]:1:cword-1}"
  COMPREPLY=()
  if [[ -n $_okr_expect ]]; then
    _okr_option_kind "$_okr_path" "$_okr_expect"
    [[ $_okr_kind == - ]] && _okr_kind=""
    _okr_complete_values "$okr" "$_okr_kind" "$cur"
    return
  fi
  if [[ $cur == --*=* ]]; then
    if _okr_option_kind "$_okr_path" "${cur%%=*}"; then
      [[ $_okr_kind == - ]] && _okr_kind=""
      _okr_complete_values "$okr" "$_okr_kind" "${cur#*=}"
    fi
    return
  fi
  if [[ $cur == -* ]]; then
    local p=$_okr_path all="" o
    local -A seen=()
    while :; do
      for o in ${_okr_opts[$p]}; do
        [[ -n ${seen[$o]} ]] || all+=" $o"
        seen[$o]=1
      done
      [[ $p == okr ]] && break
      p=${p% *}
    done
    mapfile -t COMPREPLY < <(compgen -W "$all" -- "$cur")
    return
  fi
  if [[ -n ${_okr_subs[$_okr_path]} && $_okr_pos -eq 0 ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${_okr_subs[$_okr_path]}" -- "$cur")
    return
  fi
  _okr_positional_kind
  _okr_complete_values "$okr" "$_okr_kind" "$cur"
}
complete -F _okr okr
)SH";

constexpr const char* k_zsh_main = R"SH(
# _okr_add_values OKR KIND PREFIX: offers the values of a kind.
_okr_add_values() {
  local okr=$1 kind=$2 cur=$3 line
  local -a values descs
  case $kind in
    "") return 1 ;;
    files) _files; return ;;
    commands)
      local sub
      for sub in ${=_okr_subs[okr]}; do
        values+=("$sub")
        descs+=("$sub -- ${_okr_descs[>okr $sub]}")
      done
      ;;
    '='*) values=(${(s:,:)${kind#=}}); descs=("${values[@]}") ;;
    @*)
      while IFS= read -r line; do
        values+=("${line%%$'\t'*}")
        if [[ $line == *$'\t'* ]]; then
          descs+=("${line%%$'\t'*} -- ${line#*$'\t'}")
        else
          descs+=("$line")
        fi
      done < <(_okr_lookup "$okr" "$kind" "$cur")
      ;;
  esac
  (( ${#values} )) && compadd -l -d descs -a values
}

_okr() {
  local -a before
  before=("${(@)words[2,CURRENT-1]}")
  local cur=${words[CURRENT]}
  local okr=${words[1]}
  okr=${~okr}
  (( $+commands[$okr] )) || [[ -x $okr ]] || okr=okr
  local _okr_path _okr_pos _okr_expect _okr_kind
  local -a _okr_fargs
  _okr_walk "${before[@]}"
  if [[ -n $_okr_expect ]]; then
    _okr_option_kind "$_okr_path" "$_okr_expect"
    [[ $_okr_kind == - ]] && _okr_kind=""
    _okr_add_values "$okr" "$_okr_kind" "$cur"
    return
  fi
  if [[ $cur == --*=* ]]; then
    if _okr_option_kind "$_okr_path" "${cur%%=*}"; then
      [[ $_okr_kind == - ]] && _okr_kind=""
      compset -P '*='
      _okr_add_values "$okr" "$_okr_kind" "${cur#*=}"
    fi
    return
  fi
  local -a values descs
  if [[ $cur == -* ]]; then
    local p=$_okr_path o
    while :; do
      for o in ${=_okr_opts[$p]}; do
        (( ${values[(Ie)$o]} )) && continue
        values+=("$o")
        descs+=("$o -- ${_okr_descs[$p|$o]}")
      done
      [[ $p == okr ]] && break
      p=${p% *}
    done
    compadd -l -d descs -a values
    return
  fi
  if [[ -n ${_okr_subs[$_okr_path]} && $_okr_pos -eq 0 ]]; then
    local sub
    for sub in ${=_okr_subs[$_okr_path]}; do
      values+=("$sub")
      descs+=("$sub -- ${_okr_descs[>$_okr_path $sub]}")
    done
    compadd -l -d descs -a values
    return
  fi
  _okr_positional_kind
  _okr_add_values "$okr" "$_okr_kind" "$cur"
}

if [[ $funcstack[1] == _okr ]]; then
  _okr "$@"
elif (( $+functions[compdef] )); then
  compdef _okr okr
fi
)SH";

constexpr const char* k_fish_main = R"FISH(
# __okr_option_kind PATH OPTION: the value kind of OPTION at PATH or a parent command;
# fails for a flag.
function __okr_option_kind --argument-names path option
    while true
        set -l kind (__okr_kind "$path|$option")
        and begin
            echo $kind
            return 0
        end
        test "$path" = okr; and return 1
        set path (string replace -r ' [^ ]*$' '' -- $path)
    end
end

# __okr_values OKR KIND PREFIX FILEARGS...: candidates for a value of KIND.
function __okr_values --argument-names okr kind cur
    set -l fargs $argv[4..-1]
    switch $kind
        case files
            __fish_complete_path $cur
        case commands
            __okr_subs okr
        case '=*'
            string split , -- (string sub -s 2 -- $kind)
        case '@*'
            $okr $fargs __complete (string sub -s 2 -- $kind) -- $cur 2>/dev/null
    end
end

function __okr_candidates
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l okr $tokens[1]
    command -q $okr; or set okr okr
    set -l path okr
    set -l pos 0
    set -l fargs
    set -l value_for ''
    set -l dashdash 0
    for w in $tokens[2..-1]
        if test -n "$value_for"
            contains -- $value_for -f --file; and set -a fargs --file $w
            set value_for ''
            continue
        end
        if test $dashdash -eq 0; and string match -qr -- '^-.' $w
            if test "$w" = --
                set dashdash 1
                continue
            end
            if string match -qr -- '^--[^=]+=' $w
                if string match -qr -- '^--file=' $w
                    set -a fargs --file (string replace -r -- '^--file=' '' $w)
                end
                continue
            end
            if not string match -qr -- '^--' $w; and test (string length -- $w) -gt 2
                set -l short (string sub -l 2 -- $w)
                test "$short" = -f; and set -a fargs --file (string sub -s 3 -- $w)
                continue
            end
            __okr_option_kind "$path" $w >/dev/null; and set value_for $w
            continue
        end
        set -l subs (__okr_subs "$path" | string replace -r '\t.*' '')
        if test $dashdash -eq 0; and test $pos -eq 0; and contains -- $w $subs
            set path "$path $w"
            continue
        end
        set pos (math $pos + 1)
    end
    if test -n "$value_for"
        set -l kind (__okr_option_kind "$path" $value_for)
        __okr_values $okr "$kind" "$cur" $fargs
        return
    end
    if string match -qr -- '^--[^=]+=' $cur
        set -l option (string replace -r -- '=.*' '' $cur)
        set -l kind (__okr_option_kind "$path" $option); or return
        for value in (__okr_values $okr "$kind" (string replace -r -- '^[^=]*=' '' $cur) $fargs)
            echo "$option=$value"
        end
        return
    end
    if string match -qr -- '^-' $cur
        set -l p $path
        while true
            __okr_opts "$p"
            test "$p" = okr; and break
            set p (string replace -r ' [^ ]*$' '' -- $p)
        end
        return
    end
    set -l subs (__okr_subs "$path")
    if test -n "$subs"; and test $pos -eq 0
        printf '%s\n' $subs
        return
    end
    set -l specs (string split ' ' -- (__okr_positionals "$path"))
    set -l spec ''
    if test (count $specs) -gt $pos
        set spec $specs[(math $pos + 1)]
    else if test (count $specs) -gt 0; and string match -q -- '*+' $specs[-1]
        set spec $specs[-1]
    end
    set spec (string replace -r -- '\+$' '' $spec)
    test "$spec" = -; and set spec ''
    test -n "$spec"; and __okr_values $okr $spec "$cur" $fargs
end

complete -c okr -e
complete -c okr -f -a '(__okr_candidates)'
)FISH";

std::string bash_script(const std::vector<CommandInfo>& tree) {
    // bash has no ${=var} word splitting; the shared walk uses it for zsh, so spell it for bash.
    std::string walk = k_sh_walk;
    for (std::size_t at; (at = walk.find("${=")) != std::string::npos;)
        walk.replace(at, 3, "${");
    return "# bash completion for okr -*- shell-script -*-\n" + sh_tables(tree, false) + walk +
           k_bash_main;
}

std::string zsh_script(const std::vector<CommandInfo>& tree) {
    return "#compdef okr\n# zsh completion for okr, generated by `okr completion zsh` from okr's "
           "command table.\n" +
           sh_tables(tree, true) + k_sh_walk + k_zsh_main;
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
        "# fish completion for okr, generated by `okr completion fish` from okr's command table.\n";
    out +=
        "function __okr_subs --argument-names path\n    switch $path\n" + subs + "    end\nend\n";
    out +=
        "function __okr_opts --argument-names path\n    switch $path\n" + opts + "    end\nend\n";
    out += "function __okr_kind --argument-names key\n    switch $key\n" + kinds +
           "        case '*'\n            return 1\n    end\nend\n";
    out += "function __okr_positionals --argument-names path\n    switch $path\n" + positionals +
           "    end\nend\n";
    return out + k_fish_main;
}

// The references of the workspace that start with `prefix`, each in the shortest form the
// command line resolves to the same goal (`delight.nps` rather than `company/delight.nps`),
// unless the prefix names a namespace; a tab and the title follow.
void references(const WorkspaceIndex& index, bool objectives, bool krs, bool kpis,
                std::string_view prefix, std::string& out) {
    const bool qualified = contains(prefix, "/");
    auto emit = [&](const std::string& full, const std::optional<std::string>& shorter,
                    const std::string& title) {
        const std::string* pick = nullptr;
        if (!qualified && shorter && shorter->starts_with(prefix))
            pick = &*shorter;
        else if (full.starts_with(prefix))
            pick = &full;
        if (pick) out += fmt::format("{}\t{}\n", *pick, report::escape_control(one_line(title)));
    };
    const Workspace& ws = index.workspace();
    for (std::size_t f = 0; f < ws.files.size(); ++f) {
        const GoalFile& file = ws.files[f];
        for (std::size_t o = 0; o < file.objectives.size(); ++o) {
            const Objective& obj = file.objectives[o];
            const ObjectiveRef ref{f, o};
            if (objectives) {
                auto r = index.objective(obj.id, 0, WorkspaceIndex::Explain::no);
                emit(index.ref_of(ref), r.found == ref ? std::optional(obj.id) : std::nullopt,
                     obj.title);
            }
            if (krs)
                for (std::size_t k = 0; k < obj.krs.size(); ++k) {
                    const KrRef kref{f, o, k};
                    const std::string local = obj.id + "." + obj.krs[k].id;
                    auto r = index.kr(local, 0, false, WorkspaceIndex::Explain::no);
                    emit(index.ref_of(kref), r.found == kref ? std::optional(local) : std::nullopt,
                         obj.krs[k].title);
                }
        }
        if (kpis)
            for (std::size_t k = 0; k < file.kpis.size(); ++k) {
                const KpiRef ref{f, k};
                auto r = index.kpi(file.kpis[k].id, 0, WorkspaceIndex::Explain::no);
                emit(index.ref_of(ref),
                     r.found == ref ? std::optional(file.kpis[k].id) : std::nullopt,
                     file.kpis[k].title);
            }
    }
}

struct CompleteOptions {
    std::string what;
    std::vector<std::string> words;
};

const CLI::App& root_of(const CLI::App& app) {
    const CLI::App* root = &app;
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
                    "or commands, or options followed by a command path")
        ->required();
    command.add_option("WORDS", opts->words,
                       "The prefix to complete, or the command path for `commands` and `options`");
    CLI::App* self = &command;
    return [self, opts](const Session& session, std::string& out) {
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
        const io::LoadedWorkspace loaded = io::load_workspace(session.source());
        if (loaded.problem) return ExitCode::ok;
        const WorkspaceIndex index(loaded.workspace);
        references(index, what.contains("objectives"), what.contains("krs"), what.contains("kpis"),
                   prefix, out);
        std::set<std::string> seen;
        auto word = [&](const std::string& w) {
            if (!w.empty() && w.starts_with(prefix) && seen.insert(w).second)
                out += report::escape_control(one_line(w)) + "\n";
        };
        if (what.contains("cycles"))
            for (const Cycle* c : index.all_cycles())
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

} // namespace okr::cli
