#include "okr/lsp/server.hpp"
#include "okr/io/parse.hpp"
#include "okr/report/check.hpp"
#include "okr/util/json.hpp"
#include "okr/util/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fmt/format.h>
#include <set>
#include <stdexcept>

namespace okr::lsp {

namespace fs = std::filesystem;
using util::json::Array;
using util::json::Object;
using util::json::Value;

namespace {

// JSON-RPC's and LSP's error codes.
constexpr int k_parse_error = -32700;
constexpr int k_invalid_request = -32600;
constexpr int k_method_not_found = -32601;
constexpr int k_invalid_params = -32602;
constexpr int k_internal_error = -32603;
constexpr int k_server_not_initialized = -32002;

std::string response(const Value& id, Value result) {
    Value v;
    v.set("jsonrpc", "2.0");
    v.set("id", id);
    v.set("result", std::move(result));
    return util::json::dump(v);
}

std::string error_response(const Value& id, int code, std::string_view message) {
    Value error;
    error.set("code", code);
    error.set("message", message);
    Value v;
    v.set("jsonrpc", "2.0");
    v.set("id", id);
    v.set("error", std::move(error));
    return util::json::dump(v);
}

std::string notification(std::string_view method, Value params) {
    Value v;
    v.set("jsonrpc", "2.0");
    v.set("method", method);
    v.set("params", std::move(params));
    return util::json::dump(v);
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The byte offsets where each line of `text` starts.
std::vector<std::size_t> line_starts(std::string_view text) {
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') starts.push_back(i + 1);
    return starts;
}

// Line `line` (0-based) of `text`, without its line ending; empty beyond the last.
std::string_view line_of(std::string_view text, const std::vector<std::size_t>& starts,
                         std::size_t line) {
    if (line >= starts.size()) return {};
    const std::size_t from = starts[line];
    std::size_t to = line + 1 < starts.size() ? starts[line + 1] - 1 : text.size();
    if (to > from && text[to - 1] == '\r') --to;
    return text.substr(from, to - from);
}

// The UTF-16 offset of byte `at` of `line` (LSP's default position encoding).
std::uint32_t utf16_of(std::string_view line, std::size_t at) {
    std::uint32_t units = 0;
    for (std::size_t i = 0; i < line.size() && i < at;) {
        const util::Decoded d = util::decode_utf8(line, i);
        units += d.code_point > 0xFFFF ? 2 : 1;
        i += d.length;
    }
    return units;
}

// Where the key or value that starts at byte `at` of `line` ends: a quoted string to its
// closing quote, an array or inline table to its bracket, else the run of bare characters.
std::size_t token_end(std::string_view line, std::size_t at) {
    if (at >= line.size()) return at;
    const char c = line[at];
    if (c == '"' || c == '\'') {
        for (std::size_t i = at + 1; i < line.size(); ++i) {
            if (c == '"' && line[i] == '\\') {
                ++i;
                continue;
            }
            if (line[i] == c) return i + 1;
        }
        return line.size();
    }
    if (c == '[' || c == '{') {
        const char close = c == '[' ? ']' : '}';
        int depth = 0;
        for (std::size_t i = at; i < line.size(); ++i) {
            if (line[i] == c) ++depth;
            if (line[i] == close && --depth == 0) return i + 1;
        }
        return line.size();
    }
    std::size_t i = at;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '=' &&
           line[i] != ',' && line[i] != ']' && line[i] != '}' && line[i] != '#')
        ++i;
    return i == at ? std::min(at + 1, line.size()) : i;
}

Value position(std::size_t line, std::uint32_t character) {
    Value p;
    p.set("line", line);
    p.set("character", character);
    return p;
}

// The range of a diagnostic at `pos` (1-based line and code-point column) in `text`: the key or
// value there. A diagnostic without a position covers the first line's start.
Value range_at(std::string_view text, const std::vector<std::size_t>& starts, SourcePos pos) {
    Value r;
    if (pos.line == 0) {
        r.set("start", position(0, 0));
        r.set("end", position(0, 0));
        return r;
    }
    const std::size_t line = pos.line - 1;
    const std::string_view l = line_of(text, starts, line);
    const std::size_t at = util::skip_code_points(l, 0, pos.column > 0 ? pos.column - 1 : 0);
    r.set("start", position(line, utf16_of(l, at)));
    r.set("end", position(line, utf16_of(l, token_end(l, at))));
    return r;
}

std::string normal(const fs::path& p) {
    return p.lexically_normal().string();
}

// The files the editor has open, over the files of the disk: what the loader reads.
class Overlay : public io::FileSource {
  public:
    Overlay(const io::FileSource& disk, const std::map<std::string, std::string>& open)
        : m_disk(disk), m_open(open) {}

    Result<std::string> read(const std::string& path) const override {
        if (auto it = m_open.find(normal(path)); it != m_open.end()) return it->second;
        return m_disk.read(path);
    }
    std::vector<std::string> glob(const std::string& base, const std::string& pattern,
                                  const std::string& root,
                                  std::vector<std::string>* outside) const override {
        return m_disk.glob(base, pattern, root, outside);
    }
    std::optional<Failure> not_regular(const std::string& path) const override {
        if (m_open.contains(normal(path))) return std::nullopt;
        return m_disk.not_regular(path);
    }
    std::string resolve(const std::string& path) const override { return m_disk.resolve(path); }
    std::string identity(const std::string& path) const override { return m_disk.identity(path); }
    std::optional<io::FileStamp> stamp(const std::string& path) const override {
        if (m_open.contains(normal(path))) return std::nullopt;
        return m_disk.stamp(path);
    }
    Result<std::string> read_stamped(const std::string& path,
                                     std::optional<io::FileStamp>& stamp) const override {
        if (auto it = m_open.find(normal(path)); it != m_open.end()) {
            stamp.reset();
            return it->second;
        }
        return m_disk.read_stamped(path, stamp);
    }

  private:
    const io::FileSource& m_disk;
    const std::map<std::string, std::string>& m_open;
};

} // namespace

std::string parse_error_response(std::string_view why) {
    return error_response(Value(nullptr), k_parse_error, why);
}

std::optional<std::string> FrameReader::next(std::string& error) {
    if (m_broken) return std::nullopt;
    const std::size_t end = m_buffer.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (m_buffer.size() > 64 * 1024) {
            m_broken = true;
            error = "a header longer than 64 KiB";
        }
        return std::nullopt;
    }
    std::optional<std::size_t> length;
    for (std::size_t at = 0; at < end;) {
        std::size_t eol = m_buffer.find("\r\n", at);
        if (eol == std::string::npos || eol > end) eol = end;
        std::string_view line(m_buffer.data() + at, eol - at);
        at = eol + 2;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string name(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (name != "content-length") continue;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
            value.remove_suffix(1);
        std::size_t n = 0;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
            m_broken = true;
            error = "Content-Length is not a number";
            return std::nullopt;
        }
        length = n;
    }
    if (!length) {
        m_broken = true;
        error = "a message without Content-Length";
        return std::nullopt;
    }
    if (*length > k_max_body) {
        m_broken = true;
        error = "a message larger than 64 MiB";
        return std::nullopt;
    }
    if (m_buffer.size() - (end + 4) < *length) return std::nullopt;
    std::string body = m_buffer.substr(end + 4, *length);
    m_buffer.erase(0, end + 4 + *length);
    return body;
}

std::string frame(std::string_view body) {
    return fmt::format("Content-Length: {}\r\n\r\n{}", body.size(), body);
}

std::optional<std::string> path_of_uri(std::string_view uri) {
    constexpr std::string_view scheme = "file://";
    if (uri.substr(0, scheme.size()) != scheme) return std::nullopt;
    std::string_view rest = uri.substr(scheme.size());
    // file://host/path: only the local host (empty or localhost) is a path here.
    if (rest.substr(0, 9) == "localhost") rest.remove_prefix(9);
    if (rest.empty() || rest.front() != '/') return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '%' && i + 2 < rest.size() + 0 && hex_digit(rest[i + 1]) >= 0 &&
            hex_digit(rest[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(rest[i + 1]) * 16 + hex_digit(rest[i + 2]));
            i += 2;
        } else if (rest[i] == '?' || rest[i] == '#') {
            break;
        } else {
            out += rest[i];
        }
    }
    if (out.find('\0') != std::string::npos) return std::nullopt;
    return normal(out);
}

std::string uri_of_path(std::string_view path) {
    std::string out = "file://";
    for (const char c : path) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
            c == '/' || c == '-' || c == '.' || c == '_' || c == '~')
            out += c;
        else
            out += fmt::format("%{:02X}", u);
    }
    return out;
}

struct Server::State {
    struct Document {
        std::string uri;
        std::string text;
    };
    std::map<std::string, Document> documents; // by path
    std::map<std::string, std::string> texts;  // by path: what the Overlay serves
    std::optional<std::string> root_folder;    // from initialize's rootUri
    std::vector<std::string> roots;            // the workspace's root files, absolute
    bool standalone = false;                   // no okr.toml: each open document alone
    io::LoadedWorkspace loaded;
    io::ParseMemo memo;
    // What was last published for each path, so that only changes are sent.
    std::map<std::string, Diagnostics> published;
};

Server::Server(ServerOptions options)
    : m_options(std::move(options)), m_state(std::make_unique<State>()) {}

Server::~Server() = default;

namespace {

// The root files for a document at `path`: the okr.toml of its folder or the nearest above
// (SPEC §2), else the document alone.
std::vector<std::string> roots_for(const std::string& folder, bool& standalone) {
    io::WorkspaceSource source;
    source.cwd = folder;
    auto found = io::find_root_files(source);
    standalone = !found;
    if (!found) return {};
    std::vector<std::string> roots;
    for (const std::string& r : *found)
        roots.push_back(normal(fs::path(r).is_absolute() ? fs::path(r) : fs::path(folder) / r));
    return roots;
}

bool in_workspace(const io::LoadedWorkspace& loaded, const std::string& path) {
    return std::any_of(loaded.workspace.files.begin(), loaded.workspace.files.end(),
                       [&](const GoalFile& f) { return normal(f.path) == path; });
}

struct InvalidParams : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const std::string& string_param(const Value& params, std::string_view a, std::string_view b) {
    const Value* v = params.at(a, b);
    if (!v || !v->as_string()) throw InvalidParams(fmt::format("`{}.{}` is not a string", a, b));
    return *v->as_string();
}

Value initialize_result(const std::string& version) {
    Value sync;
    sync.set("openClose", true);
    sync.set("change", 1); // full text on every change
    Value save;
    save.set("includeText", false);
    sync.set("save", std::move(save));
    Value capabilities;
    capabilities.set("positionEncoding", "utf-16");
    capabilities.set("textDocumentSync", std::move(sync));
    Value info;
    info.set("name", "okr");
    info.set("version", version);
    Value result;
    result.set("capabilities", std::move(capabilities));
    result.set("serverInfo", std::move(info));
    return result;
}

bool same(const Diagnostics& a, const std::vector<const Diagnostic*>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const Diagnostic& x, const Diagnostic* py) {
                          const Diagnostic& y = *py;
                          return x.pos == y.pos && x.level == y.level && x.message == y.message &&
                                 x.hint == y.hint && x.rule == y.rule;
                      });
}

// The diagnostics of one file as LSP's `Diagnostic[]`, each at the key or value it names.
Value lsp_diagnostics(const std::vector<const Diagnostic*>& found, std::string_view text) {
    const std::vector<std::size_t> starts = line_starts(text);
    Array items;
    for (const Diagnostic* d : found) {
        Value item;
        item.set("range", range_at(text, starts, d->pos));
        item.set("severity", d->level == Level::error ? 1 : 2);
        if (!d->rule.empty()) item.set("code", d->rule);
        item.set("source", "okr");
        item.set("message",
                 d->hint.empty() ? d->message : fmt::format("{}\nhint: {}", d->message, d->hint));
        items.push_back(std::move(item));
    }
    return Value(std::move(items));
}

} // namespace

// Loads the workspace again, from the open documents over the disk: the root files found from
// the client's root folder (or, without one, the first open document's folder), else each open
// document alone.
void Server::reload() {
    State& st = *m_state;
    st.roots.clear();
    st.standalone = false;
    std::string folder;
    if (st.root_folder)
        folder = *st.root_folder;
    else if (!st.documents.empty())
        folder = fs::path(st.documents.begin()->first).parent_path().string();
    if (!folder.empty()) st.roots = roots_for(folder, st.standalone);
    if (st.roots.empty()) {
        st.standalone = true;
        for (const auto& [path, doc] : st.documents)
            st.roots.push_back(path);
    }
    const Overlay files(*m_options.disk, st.texts);
    st.loaded = io::load_workspace(st.roots, files, std::nullopt, &st.memo);
}

// Re-reads one open document that the loaded workspace has, and no other file; false when the
// workspace must be loaded again (a root file, which names the others, or a new file).
bool Server::reparse(const std::string& path) {
    State& st = *m_state;
    if (st.loaded.problem || std::find(st.roots.begin(), st.roots.end(), path) != st.roots.end())
        return false;
    auto& files = st.loaded.workspace.files;
    auto it = std::find_if(files.begin(), files.end(),
                           [&](const GoalFile& f) { return normal(f.path) == path; });
    if (it == files.end()) return false;
    const std::string shown = it->path;
    io::ParsedFile parsed = io::parse_goal_file(st.texts.at(path), shown);
    if (!parsed.file.includes.empty()) return false;
    *it = std::move(parsed.file);
    auto& diags = st.loaded.diagnostics;
    diags.erase(std::remove_if(diags.begin(), diags.end(),
                               [&](const Diagnostic& d) { return d.path == shown; }),
                diags.end());
    diags.insert(diags.end(), parsed.diagnostics.begin(), parsed.diagnostics.end());
    return true;
}

// Publishes `okr check`'s findings: for every open document, and for every other file whose
// findings changed since they were last published (a reference the edit broke or mended).
void Server::publish(std::vector<std::string>& out) {
    State& st = *m_state;
    std::map<std::string, std::vector<const Diagnostic*>> by_path;
    Diagnostics findings;
    if (st.loaded.problem) {
        Diagnostic d;
        d.message = st.loaded.problem->message;
        d.hint = st.loaded.problem->hint;
        for (const auto& [path, doc] : st.documents)
            findings.push_back(Diagnostic{path, {}, Level::error, d.message, d.hint, {}});
    } else {
        findings = report::check_findings(st.loaded, m_options.today);
    }
    // Findings come sorted by path: each path is normalised once.
    const std::string* raw = nullptr;
    std::vector<const Diagnostic*>* into = nullptr;
    for (const Diagnostic& d : findings) {
        if (!raw || *raw != d.path) {
            raw = &d.path;
            into = &by_path[normal(d.path)];
        }
        into->push_back(&d);
    }
    // A document that is none of the workspace's files (another TOML file) gets no findings.
    for (auto it = by_path.begin(); it != by_path.end();)
        it = !st.loaded.problem && st.documents.contains(it->first) &&
                     !in_workspace(st.loaded, it->first)
                 ? by_path.erase(it)
                 : std::next(it);
    std::set<std::string> paths;
    for (const auto& [path, doc] : st.documents)
        paths.insert(path);
    for (const auto& [path, found] : by_path)
        paths.insert(path);
    for (const auto& [path, text] : st.published)
        paths.insert(path);
    std::map<std::string, Diagnostics> published;
    for (const std::string& path : paths) {
        const auto doc = st.documents.find(path);
        const auto found = by_path.find(path);
        static const std::vector<const Diagnostic*> none;
        const auto& list = found == by_path.end() ? none : found->second;
        const auto before = st.published.find(path);
        const bool changed = before == st.published.end() || !same(before->second, list);
        if (changed || doc != st.documents.end()) {
            std::string text;
            if (doc != st.documents.end()) {
                text = doc->second.text;
            } else if (!list.empty()) {
                auto read = m_options.disk->read(path);
                if (read) text = std::move(*read);
            }
            Value params;
            params.set("uri", doc != st.documents.end() ? doc->second.uri : uri_of_path(path));
            params.set("diagnostics", lsp_diagnostics(list, text));
            out.push_back(notification("textDocument/publishDiagnostics", std::move(params)));
        }
        if (list.empty() && doc == st.documents.end()) continue;
        if (changed) {
            Diagnostics& now = published[path];
            now.reserve(list.size());
            for (const Diagnostic* d : list)
                now.push_back(*d);
        } else {
            published[path] = std::move(before->second);
        }
    }
    st.published = std::move(published);
}

void Server::document_notification(const std::string& method, const Value& params,
                                   std::vector<std::string>& out) {
    State& st = *m_state;
    const std::string& uri = string_param(params, "textDocument", "uri");
    const std::optional<std::string> path = path_of_uri(uri);
    if (!path) return; // not a file: an untitled buffer, another scheme
    if (method == "textDocument/didOpen") {
        const std::string& text = string_param(params, "textDocument", "text");
        st.documents[*path] = {uri, text};
        st.texts[*path] = text;
        if (st.standalone || !in_workspace(st.loaded, *path) || !reparse(*path)) reload();
    } else if (method == "textDocument/didChange") {
        const Value* changes = params.get("contentChanges");
        const Array* list = changes ? changes->as_array() : nullptr;
        if (!list || list->empty() || !st.documents.contains(*path)) return;
        const Value* text = list->back().get("text");
        if (!text || !text->as_string()) return;
        st.documents[*path].text = *text->as_string();
        st.texts[*path] = *text->as_string();
        if (!reparse(*path)) reload();
    } else if (method == "textDocument/didClose") {
        st.documents.erase(*path);
        st.texts.erase(*path);
        reload();
    } else if (method == "textDocument/didSave") {
        reload();
    } else {
        return;
    }
    publish(out);
}

std::vector<std::string> Server::handle(std::string_view message) {
    std::vector<std::string> out;
    auto parsed = util::json::parse(message);
    if (!parsed) {
        out.push_back(parse_error_response("the message is not JSON"));
        return out;
    }
    const Value& msg = *parsed;
    const Value* method_value = msg.get("method");
    const Value* id = msg.get("id");
    const bool valid_id = id && (id->as_number() || id->as_string());
    if (!msg.as_object() || (id && !valid_id && !id->is_null())) {
        out.push_back(error_response(Value(nullptr), k_invalid_request,
                                     "a JSON-RPC message is an object with an id of a number "
                                     "or a string"));
        return out;
    }
    if (!method_value) return out; // a response to a request of ours: none are sent
    const std::string* method = method_value->as_string();
    const bool request = id != nullptr;
    const Value request_id = id ? *id : Value(nullptr);
    if (!method) {
        out.push_back(error_response(request_id, k_invalid_request, "`method` is not a string"));
        return out;
    }
    static const Value k_no_params;
    const Value* params_ptr = msg.get("params");
    const Value& params = params_ptr ? *params_ptr : k_no_params;

    if (*method == "exit") {
        m_exited = true;
        return out;
    }
    if (m_shutdown) {
        if (request)
            out.push_back(error_response(request_id, k_invalid_request,
                                         "the server is shut down: only `exit` is answered"));
        return out;
    }
    if (!m_initialized && *method != "initialize") {
        if (request)
            out.push_back(error_response(request_id, k_server_not_initialized,
                                         "the server is not initialized yet"));
        return out;
    }
    try {
        if (*method == "initialize") {
            if (!request) return out;
            if (m_initialized) {
                out.push_back(error_response(request_id, k_invalid_request,
                                             "the server is initialized already"));
                return out;
            }
            m_initialized = true;
            if (const Value* root = params.get("rootUri"); root && root->as_string())
                m_state->root_folder = path_of_uri(*root->as_string());
            out.push_back(response(request_id, initialize_result(m_options.version)));
            return out;
        }
        if (*method == "shutdown") {
            m_shutdown = true;
            if (request) out.push_back(response(request_id, Value(nullptr)));
            return out;
        }
        if (method->starts_with("textDocument/did")) {
            document_notification(*method, params, out);
            return out;
        }
        if (request)
            out.push_back(error_response(request_id, k_method_not_found,
                                         fmt::format("okr lsp has no method {}", *method)));
    } catch (const InvalidParams& e) {
        if (request) out.push_back(error_response(request_id, k_invalid_params, e.what()));
    } catch (const std::exception& e) {
        if (request) out.push_back(error_response(request_id, k_internal_error, e.what()));
    }
    return out;
}

} // namespace okr::lsp
