#include "okr/util/diff.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <vector>

namespace okr::util {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t nl = text.find('\n', at);
        const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
        lines.push_back(text.substr(at, end - at));
        at = end;
    }
    return lines;
}

} // namespace

std::string unified_diff(std::string_view before, std::string_view after, const std::string& path) {
    if (before == after) return {};
    const auto a = split_lines(before), b = split_lines(after);
    std::size_t pre = 0;
    while (pre < a.size() && pre < b.size() && a[pre] == b[pre])
        ++pre;
    std::size_t suf = 0;
    while (suf < a.size() - pre && suf < b.size() - pre &&
           a[a.size() - 1 - suf] == b[b.size() - 1 - suf])
        ++suf;
    const std::size_t n = a.size() - pre - suf, m = b.size() - pre - suf;

    // Operations over whole files: ' ' same, '-' only in before, '+' only in after.
    struct Op {
        char kind;
        std::size_t ai, bi;
    };
    std::vector<Op> ops;
    for (std::size_t i = 0; i < pre; ++i)
        ops.push_back({' ', i, i});
    if (n * m <= 4'000'000) {
        // Longest common subsequence of the middle part, then walk it.
        std::vector<std::vector<std::uint32_t>> lcs(n + 1, std::vector<std::uint32_t>(m + 1, 0));
        for (std::size_t i = n; i-- > 0;)
            for (std::size_t j = m; j-- > 0;)
                lcs[i][j] = a[pre + i] == b[pre + j] ? lcs[i + 1][j + 1] + 1
                                                     : std::max(lcs[i + 1][j], lcs[i][j + 1]);
        std::size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a[pre + i] == b[pre + j]) {
                ops.push_back({' ', pre + i++, pre + j++});
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.push_back({'-', pre + i++, pre + j});
            } else {
                ops.push_back({'+', pre + i, pre + j++});
            }
        }
    } else {
        for (std::size_t i = 0; i < n; ++i)
            ops.push_back({'-', pre + i, pre});
        for (std::size_t j = 0; j < m; ++j)
            ops.push_back({'+', pre + n, pre + j});
    }
    for (std::size_t i = 0; i < suf; ++i)
        ops.push_back({' ', pre + n + i, pre + m + i});

    constexpr std::size_t k_context = 3;
    // git's a/ and b/ prefixes; an absolute path keeps one slash ("a/tmp/x.toml").
    const std::size_t first = path.find_first_not_of('/');
    const std::string_view shown =
        std::string_view(path).substr(first == std::string::npos ? 0 : first);
    std::string out = fmt::format("--- a/{}\n+++ b/{}\n", shown, shown);
    std::size_t i = 0;
    while (i < ops.size()) {
        while (i < ops.size() && ops[i].kind == ' ')
            ++i;
        if (i == ops.size()) break;
        const std::size_t start = i >= k_context ? i - k_context : 0;
        std::size_t end = i;
        // Extend the hunk while the next change is close enough to share context.
        for (;;) {
            while (end < ops.size() && ops[end].kind != ' ')
                ++end;
            std::size_t next = end;
            while (next < ops.size() && ops[next].kind == ' ')
                ++next;
            if (next < ops.size() && next - end <= 2 * k_context) {
                end = next;
                continue;
            }
            end = std::min(ops.size(), end + k_context);
            break;
        }
        std::size_t a_len = 0, b_len = 0;
        for (std::size_t k = start; k < end; ++k) {
            if (ops[k].kind != '+') ++a_len;
            if (ops[k].kind != '-') ++b_len;
        }
        const std::size_t a_start = a_len ? ops[start].ai + 1 : ops[start].ai;
        const std::size_t b_start = b_len ? ops[start].bi + 1 : ops[start].bi;
        out += fmt::format("@@ -{},{} +{},{} @@\n", a_start, a_len, b_start, b_len);
        for (std::size_t k = start; k < end; ++k) {
            const std::string_view line = ops[k].kind == '+' ? b[ops[k].bi] : a[ops[k].ai];
            out += ops[k].kind;
            out += line;
            if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
        }
        i = end;
    }
    return out;
}

} // namespace okr::util
