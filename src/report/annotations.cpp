#include "okr/report/annotations.hpp"

#include <fmt/format.h>

namespace okr::report {
namespace {

std::string escape_data(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '%')
            out += "%25";
        else if (c == '\r')
            out += "%0D";
        else if (c == '\n')
            out += "%0A";
        else
            out += c;
    }
    return out;
}

std::string escape_property(std::string_view text) {
    std::string out;
    for (const char c : escape_data(text)) {
        if (c == ':')
            out += "%3A";
        else if (c == ',')
            out += "%2C";
        else
            out += c;
    }
    return out;
}

} // namespace

std::string github_annotations(const Diagnostics& findings) {
    std::string out;
    for (const Diagnostic& d : findings) {
        std::string properties = "file=" + escape_property(d.path);
        if (d.pos.line > 0) {
            properties += fmt::format(",line={}", d.pos.line);
            if (d.pos.column > 0) properties += fmt::format(",col={}", d.pos.column);
        }
        properties += ",title=" + escape_property(d.rule.empty() ? "schema" : d.rule);
        std::string message = d.message;
        if (!d.hint.empty()) message += "\nhint: " + d.hint;
        out += fmt::format("::{} {}::{}\n", d.level == Level::error ? "error" : "warning",
                           properties, escape_data(message));
    }
    return out;
}

} // namespace okr::report
