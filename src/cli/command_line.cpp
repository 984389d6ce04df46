#include "okr/cli/command_line.hpp"

#include <CLI/CLI.hpp>

namespace okr::cli {

Option* Option::completes(Complete what) {
    m_option->check(okr::cli::completes(what));
    return this;
}

Option* Option::completes(std::vector<std::string> values) {
    m_option->check(okr::cli::completes(std::move(values)));
    return this;
}

Option* Option::one_of(std::vector<std::string> values) {
    m_option->check(CLI::IsMember(std::move(values)));
    return this;
}

Option* Option::type_name(std::string name) {
    m_option->type_name(std::move(name));
    return this;
}

Option* Option::required() {
    m_option->required();
    return this;
}

Option* Option::delimiter(char separator) {
    m_option->delimiter(separator);
    return this;
}

Option* Option::expected(int min, int max) {
    m_option->expected(min, max);
    return this;
}

Option* Option::capture_default_str() {
    m_option->capture_default_str();
    return this;
}

Option* Option::needs(const Option& other) {
    m_option->needs(other.m_option);
    return this;
}

Option CommandLine::add_option(std::string name, std::string& value, std::string help) {
    return Option(m_app->add_option(std::move(name), value, std::move(help)));
}

Option CommandLine::add_option(std::string name, std::vector<std::string>& values,
                               std::string help) {
    return Option(m_app->add_option(std::move(name), values, std::move(help)));
}

Option CommandLine::add_option(std::string name, double& value, std::string help) {
    return Option(m_app->add_option(std::move(name), value, std::move(help)));
}

Option CommandLine::add_flag(std::string name, bool& value, std::string help) {
    return Option(m_app->add_flag(std::move(name), value, std::move(help)));
}

CommandLine CommandLine::add_subcommand(std::string name, std::string help) {
    return CommandLine(*m_app->add_subcommand(std::move(name), std::move(help)));
}

void CommandLine::require_subcommand(int count) {
    m_app->require_subcommand(count);
}

bool CommandLine::parsed() const {
    return m_app->parsed();
}

} // namespace okr::cli
