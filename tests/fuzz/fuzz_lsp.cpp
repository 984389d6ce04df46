// Fuzz target: the language server (issue 30, item 4). The input is a byte stream from a client:
// it goes through the frame reader, and each body it yields, with the pieces of the input between
// NUL bytes read as bodies too, goes to a server that was sent `initialize` first. Whatever
// comes in, every message out must be one JSON object (a response or a notification), and the
// JSON reader must read back what its writer wrote. The server reads files from memory only: a
// goal file at /fuzz/okr.toml, so that documents opened there are checked against a workspace.
#include "okr/lsp/server.hpp"
#include "okr/util/json.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view k_goals = R"(cycle = "2026-Q4"
[[objective]]
id = "fit"
title = "Get fit"
  [[objective.kr]]
  id = "run"
  title = "Run 10 km"
  target = 10
  checkins = [ { date = 2026-10-05, value = 4 } ]
)";

// Files in memory: /fuzz/okr.toml and nothing else.
class MemoryFiles : public okr::io::FileSource {
  public:
    okr::Result<std::string> read(const std::string& path) const override {
        if (path == "/fuzz/okr.toml") return std::string(k_goals);
        return okr::make_failure(okr::Failure::Kind::not_found, path + ": no such file");
    }
    std::vector<std::string> glob(const std::string&, const std::string&, const std::string&,
                                  std::vector<std::string>*) const override {
        return {};
    }
    std::string resolve(const std::string& path) const override { return path; }
    std::string identity(const std::string& path) const override { return path; }
};

void check_output(const std::string& message) {
    auto v = okr::util::json::parse(message);
    if (!v || !v->as_object()) {
        std::fprintf(stderr, "the server wrote a message that is not a JSON object: %s\n",
                     message.c_str());
        std::abort();
    }
}

void round_trip(std::string_view body) {
    auto v = okr::util::json::parse(body);
    if (!v) return;
    const std::string once = okr::util::json::dump(*v);
    auto again = okr::util::json::parse(once);
    if (!again || okr::util::json::dump(*again) != once) {
        std::fprintf(stderr, "JSON does not read back what was written: %s\n", once.c_str());
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const MemoryFiles files;
    okr::lsp::Server server({*okr::Date::from_ymd(2026, 11, 15), "fuzz", &files});
    for (
        const std::string& m : server.handle(
            R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"rootUri":"file:///fuzz"}})"))
        check_output(m);
    okr::lsp::FrameReader frames;
    frames.add(input);
    std::string error;
    while (auto body = frames.next(error)) {
        round_trip(*body);
        for (const std::string& m : server.handle(*body))
            check_output(m);
    }
    for (std::size_t at = 0; at <= input.size();) {
        std::size_t nul = input.find('\0', at);
        if (nul == std::string_view::npos) nul = input.size();
        const std::string_view body = input.substr(at, nul - at);
        round_trip(body);
        for (const std::string& m : server.handle(body))
            check_output(m);
        at = nul + 1;
    }
    return 0;
}
