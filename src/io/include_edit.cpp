#include "okr/io/include_edit.hpp"

#include "okr/io/parse.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace okr::io {
namespace {

// Byte offset of a 1-based line and column.
std::size_t offset_of(std::string_view text, SourcePos pos) {
    std::size_t at = 0;
    for (std::uint32_t line = 1; line < pos.line; ++line) {
        at = text.find('\n', at);
        if (at == std::string_view::npos) return text.size();
        ++at;
    }
    return std::min(text.size(), at + (pos.column > 0 ? pos.column - 1 : 0));
}

// The offset just past the string literal that starts at `at` ("..." with escapes, or '...').
std::size_t string_end(std::string_view text, std::size_t at) {
    if (at >= text.size()) return at;
    const char quote = text[at];
    for (std::size_t i = at + 1; i < text.size(); ++i) {
        if (quote == '"' && text[i] == '\\') {
            ++i;
            continue;
        }
        if (text[i] == quote) return i + 1;
        if (text[i] == '\n') break;
    }
    return std::string_view::npos;
}

std::size_t line_start(std::string_view text, std::size_t at) {
    const std::size_t nl = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
    return nl == std::string_view::npos ? 0 : nl + 1;
}

bool blank(std::string_view s) {
    return s.find_first_not_of(" \t") == std::string_view::npos;
}

// The offset of the line after the `[workspace]` header, or npos.
std::size_t after_workspace_header(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        std::size_t eol = text.find('\n', at);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(at, eol - at);
        const std::size_t first = line.find_first_not_of(" \t");
        if (first != std::string_view::npos && line.substr(first).starts_with("[workspace]")) {
            std::string_view rest = line.substr(first + 11);
            const std::size_t more = rest.find_first_not_of(" \t\r");
            if (more == std::string_view::npos || rest[more] == '#')
                return eol < text.size() ? eol + 1 : text.size();
        }
        at = eol + 1;
    }
    return std::string_view::npos;
}

Failure fail(Failure::Kind kind, std::string message, std::string hint = {}) {
    return make_failure(kind, std::move(message), std::move(hint));
}

} // namespace

Result<Edit> add_include(std::string_view text, const std::string& path,
                         const std::string& pattern) {
    const ParsedFile before = parse_goal_file(text, path);
    if (has_errors(before.diagnostics))
        return fail(Failure::Kind::file_invalid, fmt::format("{} is not a valid goal file", path),
                    "run `okr check` to see why");
    const std::string eol = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
    const std::string quoted = toml_string(pattern);
    Splice splice;
    const auto& includes = before.file.includes;
    if (!includes.empty()) {
        const std::size_t start = offset_of(text, includes.back().pos);
        const std::size_t end = string_end(text, start);
        if (end == std::string_view::npos)
            return fail(Failure::Kind::unsupported,
                        fmt::format("cannot find the include list's last entry in {}", path),
                        fmt::format("add \"{}\" to [workspace] include by hand", pattern));
        const std::size_t ls = line_start(text, start);
        std::size_t next = end;
        while (next < text.size() && (text[next] == ' ' || text[next] == '\t'))
            ++next;
        const bool comma = next < text.size() && text[next] == ',';
        if (blank(text.substr(ls, start - ls)) && !text.substr(ls, start - ls).empty()) {
            // One entry per line: a new line after this one, indented like it.
            const std::size_t line_end = text.find('\n', end);
            const std::size_t at = line_end == std::string_view::npos ? text.size() : line_end + 1;
            if (!comma) {
                // The old last entry needs its comma; two splices, in order.
                Edit e;
                e.text = std::string(text.substr(0, end)) + "," +
                         std::string(text.substr(end, at - end)) +
                         std::string(text.substr(ls, start - ls)) + quoted + eol +
                         std::string(text.substr(at));
                e.splices.push_back({end, 0, ","});
                e.splices.push_back(
                    {at, 0, std::string(text.substr(ls, start - ls)) + quoted + eol});
                const ParsedFile after = parse_goal_file(e.text, path);
                if (has_errors(after.diagnostics) ||
                    after.file.includes.size() != includes.size() + 1)
                    return fail(Failure::Kind::unsupported,
                                fmt::format("cannot add an include to {} safely", path),
                                fmt::format("add \"{}\" to [workspace] include by hand", pattern));
                return e;
            }
            splice = {at, 0, std::string(text.substr(ls, start - ls)) + quoted + "," + eol};
        } else {
            splice = {end, 0, ", " + quoted};
        }
    } else if (const std::size_t header = after_workspace_header(text);
               header != std::string_view::npos) {
        // `include = []`, or no include key yet.
        const std::size_t key = text.find("include", header);
        const std::size_t next_table = text.find("\n[", header);
        const std::size_t open = key == std::string_view::npos ? key : text.find('[', key);
        if (key != std::string_view::npos &&
            (next_table == std::string_view::npos || key < next_table) &&
            open != std::string_view::npos) {
            splice = {open + 1, 0, quoted};
        } else {
            splice = {header, 0, "include = [" + quoted + "]" + eol};
        }
    } else {
        std::string add;
        if (!text.empty() && text.back() != '\n') add += eol;
        add += eol + "[workspace]" + eol + "include = [" + quoted + "]" + eol;
        splice = {text.size(), 0, add};
    }
    Edit e;
    e.text = std::string(text.substr(0, splice.offset)) + splice.text +
             std::string(text.substr(splice.offset + splice.length));
    e.splices.push_back(splice);
    const ParsedFile after = parse_goal_file(e.text, path);
    if (has_errors(after.diagnostics) || after.file.includes.size() != includes.size() + 1 ||
        after.file.includes.back().text != pattern)
        return fail(Failure::Kind::unsupported,
                    fmt::format("cannot add an include to {} safely", path),
                    fmt::format("add \"{}\" to [workspace] include by hand", pattern));
    return e;
}

} // namespace okr::io
