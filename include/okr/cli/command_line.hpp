#pragma once
// The options and arguments of one command, declared through this small interface instead of
// CLI11's, so that only the few files that build and walk the command tree include CLI11 (a file
// that includes it costs seconds to compile: issue 28). The calls read as CLI11's:
//
//     command.add_option("--kpi", opts->kpi, "...")->type_name("REF")->completes(Complete::kpis);

#include "okr/cli/completion.hpp"

#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
} // namespace CLI

namespace okr::cli {

// One declared option or positional argument. Each setter returns the option itself, so that
// calls chain with `->` as CLI11's do.
class Option {
  public:
    explicit Option(CLI::Option* option) : m_option(option) {}
    Option* operator->() { return this; }

    // What shell completion offers for its value (completion.hpp).
    Option* completes(Complete what);
    // A fixed list of values that the command itself checks, offered by completion.
    Option* completes(std::vector<std::string> values);
    // Only these values are accepted (CLI::IsMember); completion offers them.
    Option* one_of(std::vector<std::string> values);
    Option* type_name(std::string name);
    Option* required();
    // A list option also splits each value at `separator`.
    Option* delimiter(char separator);
    // Takes between `min` and `max` values.
    Option* expected(int min, int max);
    // `--help` shows the default value.
    Option* capture_default_str();
    // Given only together with `other`.
    Option* needs(const Option& other);

  private:
    CLI::Option* m_option;
};

// A command (or a subcommand) of the command tree.
class CommandLine {
  public:
    explicit CommandLine(CLI::App& app) : m_app(&app) {}

    Option add_option(std::string name, std::string& value, std::string help);
    Option add_option(std::string name, std::vector<std::string>& values, std::string help);
    Option add_option(std::string name, double& value, std::string help);
    Option add_flag(std::string name, bool& value, std::string help);
    CommandLine add_subcommand(std::string name, std::string help);
    // Exactly `count` of the subcommands must be given.
    void require_subcommand(int count);
    // True when this (sub)command was given on the command line.
    bool parsed() const;

    // CLI11's command, for the files that include CLI11 (app.cpp, completion.cpp, merge.cpp).
    CLI::App& app() const { return *m_app; }

  private:
    CLI::App* m_app;
};

} // namespace okr::cli
