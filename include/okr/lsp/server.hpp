#pragma once
// `okr lsp`: the language server (SPEC §15, LSP 3.17) as a pure function of messages: JSON-RPC
// text in, the messages to send out. The framing (Content-Length headers on stdio) is the
// command's (cli/lsp.cpp); the disk is read through a FileSource, never written, and no KPI
// `source` is ever run.

#include "okr/core/date.hpp"
#include "okr/io/workspace.hpp"
#include "okr/util/json.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okr::lsp {

struct ServerOptions {
    Date today;                           // "as of" for diagnostics (the lint rules)
    std::string version;                  // serverInfo.version
    const io::FileSource* disk = nullptr; // where files not open in the editor are read
};

class Server {
  public:
    explicit Server(ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Handles one JSON-RPC message (the body of one frame) and returns the messages to send, in
    // order: its response (a request's result or error), then notifications (diagnostics).
    // Text that is not JSON-RPC is answered with a ParseError or InvalidRequest response.
    std::vector<std::string> handle(std::string_view message);

    // True once `exit` was received; the process then ends with exit_code(): 0 after a
    // `shutdown`, 1 without one (LSP 3.17).
    bool exited() const { return m_exited; }
    int exit_code() const { return m_shutdown ? 0 : 1; }

  private:
    struct State;
    void reload();
    bool reparse(const std::string& path);
    void rebuild();
    void split_load();
    void assemble_load();
    void refresh(std::size_t file, const GoalFile& before, Diagnostics load);
    void keep_good(const std::string& path);
    void publish(std::vector<std::string>& out);
    struct Target;
    void evaluate_workspace();
    std::optional<std::size_t> file_index(const std::string& path) const;
    Target target_at(std::size_t file, std::size_t line, std::uint32_t character) const;
    std::string summary(const Target& target) const;
    util::json::Value location(std::size_t file, SourcePos pos) const;
    util::json::Value complete(const util::json::Value& params);
    util::json::Value navigate(const std::string& method, const util::json::Value& params);
    util::json::Value inlay_hints(const util::json::Value& params);
    util::json::Value code_actions(const util::json::Value& params);
    util::json::Value rename(const util::json::Value& params, bool prepare);
    // The text of file `file` of the workspace: its open document, else the disk's.
    std::string text_of(std::size_t file) const;
    void document_notification(const std::string& method, const util::json::Value& params,
                               std::vector<std::string>& out);
    ServerOptions m_options;
    std::unique_ptr<State> m_state;
    bool m_initialized = false;
    bool m_shutdown = false;
    bool m_exited = false;
};

// The client's `okr.inlayHints` setting in `settings` (initializationOptions, or the settings of
// workspace/didChangeConfiguration): `{"okr": {"inlayHints": false}}`, `{"okr.inlayHints":
// false}` or `{"inlayHints": false}`; nullopt when it says nothing about it.
std::optional<bool> inlay_hints_setting(const util::json::Value& settings);

// The LSP TextEdit[] that turn `before` into `after` (positions in UTF-16, as the server
// advertises): one edit per changed line where both have the same lines, else one edit of the
// lines between their common first and last lines. Empty when they are equal.
util::json::Value text_edits(std::string_view before, std::string_view after);

// The response to a frame that could not be read (no Content-Length, a body that is not JSON):
// a ParseError with a null id.
std::string parse_error_response(std::string_view why);

// Reads Content-Length frames (LSP's base protocol) out of a stream of bytes as they come.
class FrameReader {
  public:
    // The largest body taken; a larger Content-Length is a framing error.
    static constexpr std::size_t k_max_body = std::size_t{64} << 20;
    // Adds bytes read from the client.
    void add(std::string_view bytes) { m_buffer.append(bytes); }
    // The body of the next whole frame, if one is there; sets `error` (and takes nothing more)
    // when the headers cannot be read: no Content-Length, a bad number, a too large body.
    std::optional<std::string> next(std::string& error);

  private:
    std::string m_buffer;
    bool m_broken = false;
};

// `body` framed for the client: Content-Length, a blank line, the body.
std::string frame(std::string_view body);

// The path of a `file:` URI (percent-decoded), or nullopt for another scheme.
std::optional<std::string> path_of_uri(std::string_view uri);
// The `file:` URI of an absolute path, percent-encoding what RFC 3986 does not allow.
std::string uri_of_path(std::string_view path);

} // namespace okr::lsp
