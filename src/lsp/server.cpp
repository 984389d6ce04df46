#include "okr/lsp/server.hpp"
#include "okr/core/lint.hpp"
#include "okr/core/reference.hpp"
#include "okr/core/schema.hpp"
#include "okr/core/scoring.hpp"
#include "okr/io/edit.hpp"
#include "okr/io/parse.hpp"
#include "okr/io/rename.hpp"
#include "okr/report/check.hpp"
#include "okr/report/text.hpp"
#include "okr/util/json.hpp"
#include "okr/util/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <limits>
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
constexpr int k_request_failed = -32803;

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
        // The file as last read without a TOML syntax error: what completion offers from it
        // while the text being typed does not parse.
        std::optional<GoalFile> last_good;
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
    // The loaded workspace's index and evaluation as of today: built after a load, and kept
    // up to date by each edit of one file.
    std::unique_ptr<WorkspaceIndex> index;
    std::optional<Evaluation> evaluation;
    // `okr check`'s findings in parts, so that an edit lints again only the files whose findings
    // it can change (issue 30, item 3). By file of the workspace:
    struct FileFindings {
        std::string path;          // normal()
        Diagnostics load;          // from parsing the file
        Diagnostics lint;          // lint_file's, in its order
        std::size_t dangling = 0;  // dangling references in it
        std::size_t explained = 0; // how many of them have suggestions
    };
    std::vector<FileFindings> files;
    Diagnostics other_load; // the load's diagnostics about no file of the workspace
    Diagnostics cross;      // check_workspace_cycles and check_workspace_namespaces
    Diagnostics counts;     // lint_objective_counts
    // The paths whose findings may have changed since they were last published (all of them,
    // after a load); whether the workspace had errors, and an unreadable file, then.
    std::set<std::string> dirty;
    bool all_dirty = true;
    bool had_errors = false;
    bool had_unreadable = false;
    bool loads_known = false; // `files` has each file's load diagnostics (not after a load)
    bool inlay_hints = true;  // the client's `okr.inlayHints` setting
    // The client asks for its inlay hints again on workspace/inlayHint/refresh
    // (workspace.inlayHint.refreshSupport); the number of such requests sent.
    bool hints_refresh = false;
    int requests_sent = 0;
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
    capabilities.set("documentSymbolProvider", true);
    capabilities.set("hoverProvider", true);
    capabilities.set("definitionProvider", true);
    capabilities.set("referencesProvider", true);
    capabilities.set("inlayHintProvider", true);
    Value rename;
    rename.set("prepareProvider", true);
    capabilities.set("renameProvider", std::move(rename));
    Value actions;
    actions.set("codeActionKinds", Array{Value("quickfix"), Value("refactor.rewrite")});
    capabilities.set("codeActionProvider", std::move(actions));
    Value completion;
    completion.set("triggerCharacters", Array{Value("\""), Value("="), Value(" ")});
    capabilities.set("completionProvider", std::move(completion));
    Value info;
    info.set("name", "okr");
    info.set("version", version);
    Value result;
    result.set("capabilities", std::move(capabilities));
    result.set("serverInfo", std::move(info));
    return result;
}

bool same(const Diagnostics& a, const Diagnostics& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const Diagnostic& x, const Diagnostic& y) {
                          return x.pos == y.pos && x.level == y.level && x.message == y.message &&
                                 x.hint == y.hint && x.rule == y.rule;
                      });
}

// The diagnostics of one file as LSP's `Diagnostic[]`, each at the key or value it names.
Value lsp_diagnostics(const Diagnostics& found, std::string_view text) {
    const std::vector<std::size_t> starts = line_starts(text);
    Array items;
    for (const Diagnostic& one : found) {
        const Diagnostic* d = &one;
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
    st.index.reset();
    st.evaluation.reset();
    st.loaded = io::load_workspace(st.roots, files, std::nullopt, &st.memo);
    st.all_dirty = true;
    st.loads_known = false;
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
    evaluate_workspace(); // the findings before the edit, which it updates
    const std::string shown = it->path;
    io::ParsedFile parsed = io::parse_goal_file(st.texts.at(path), shown);
    if (!parsed.file.includes.empty()) return false;
    const GoalFile before = std::move(*it);
    *it = std::move(parsed.file);
    refresh(static_cast<std::size_t>(it - files.begin()), before, std::move(parsed.diagnostics));
    assemble_load(); // what keep_good and completion read
    return true;
}

namespace {

// Whether an edit from `before` to `after` changes what the index keeps of a file beyond its
// ids: its namespace, the cycles it declares or the cycles its objectives use.
bool changes_more_than_ids(const GoalFile& before, const GoalFile& after) {
    if (before.name_space != after.name_space ||
        before.namespace_declared != after.namespace_declared ||
        before.cycles.size() != after.cycles.size())
        return true;
    for (std::size_t i = 0; i < before.cycles.size(); ++i)
        if (before.cycles[i].name != after.cycles[i].name ||
            before.cycles[i].start != after.cycles[i].start ||
            before.cycles[i].end != after.cycles[i].end)
            return true;
    auto used = [](const GoalFile& file) {
        std::set<std::string_view> names;
        for (const Objective& o : file.objectives)
            names.insert(o.cycle);
        return names;
    };
    return used(before) != used(after);
}

// The ids of a file's objectives and of its KPIs, sorted.
std::pair<std::vector<std::string_view>, std::vector<std::string_view>> ids_of(const GoalFile& f) {
    std::pair<std::vector<std::string_view>, std::vector<std::string_view>> ids;
    for (const Objective& o : f.objectives)
        ids.first.push_back(o.id);
    for (const Kpi& k : f.kpis)
        ids.second.push_back(k.id);
    std::sort(ids.first.begin(), ids.first.end());
    std::sort(ids.second.begin(), ids.second.end());
    return ids;
}

// True when the file refers to an objective in `objectives` or a KPI in `kpis` of namespace
// `name_space` (sorted ids of the edited file): its findings and evaluation may depend on that
// file. A bare reference to an id the file itself defines once resolves there whatever the
// other files hold (WorkspaceIndex: the current file first).
bool refers_to(const GoalFile& file, std::string_view name_space,
               const std::vector<std::string_view>& objectives,
               const std::vector<std::string_view>& kpis) {
    auto own = [&](const auto& items, std::string_view id) {
        return std::count_if(items.begin(), items.end(),
                             [&](const auto& item) { return item.id == id; }) == 1;
    };
    auto to = [&](const std::vector<std::string_view>& ids, const auto& items, const RefText& r) {
        const std::string_view ref = r.text;
        const std::size_t slash = ref.find('/');
        if (slash != std::string_view::npos)
            return ref.substr(0, slash) == name_space &&
                   std::binary_search(ids.begin(), ids.end(), ref.substr(slash + 1));
        return std::binary_search(ids.begin(), ids.end(), ref) && !own(items, ref);
    };
    for (const Objective& o : file.objectives) {
        if ((o.parent && to(objectives, file.objectives, *o.parent)) ||
            (o.carried_from && to(objectives, file.objectives, *o.carried_from)))
            return true;
        for (const RefText& k : o.kpis)
            if (to(kpis, file.kpis, k)) return true;
        for (const KeyResult& kr : o.krs)
            if (kr.kpi && to(kpis, file.kpis, *kr.kpi)) return true;
    }
    return false;
}

void mark(std::set<std::string>& dirty, const Diagnostics& found) {
    for (const Diagnostic& d : found)
        dirty.insert(normal(d.path));
}

} // namespace

// Builds the index, the evaluation and the parts of `okr check`'s findings of the loaded
// workspace anew.
void Server::rebuild() {
    State& st = *m_state;
    const auto& files = st.loaded.workspace.files;
    st.index = std::make_unique<WorkspaceIndex>(st.loaded.workspace);
    st.evaluation = evaluate(*st.index, m_options.today);
    st.cross = check_workspace_cycles(st.loaded.workspace);
    const Diagnostics names = check_workspace_namespaces(st.loaded.workspace);
    st.cross.insert(st.cross.end(), names.begin(), names.end());
    st.counts = lint_objective_counts(*st.index);
    if (!st.loads_known) split_load();
    std::size_t left = k_explained_references;
    for (std::size_t f = 0; f < files.size(); ++f) {
        auto& ff = st.files[f];
        ff.lint = lint_file(*st.index, *st.evaluation, f, left, ff.dangling);
        ff.explained = std::min(left, ff.dangling);
        left -= ff.explained;
    }
    st.all_dirty = true;
}

// The load's diagnostics from their parts, in the order of io::load_workspace: each file's,
// then the workspace's rules.
void Server::assemble_load() {
    State& st = *m_state;
    Diagnostics& load = st.loaded.diagnostics;
    load.clear();
    for (const auto& ff : st.files)
        load.insert(load.end(), ff.load.begin(), ff.load.end());
    load.insert(load.end(), st.other_load.begin(), st.other_load.end());
    load.insert(load.end(), st.cross.begin(), st.cross.end());
    sort_diagnostics(load);
}

// Parts the diagnostics of a load: each file's own, the others, and the workspace's rules
// (`cross`, which are found again after each edit).
void Server::split_load() {
    State& st = *m_state;
    const auto& files = st.loaded.workspace.files;
    st.files.assign(files.size(), {});
    std::map<std::string_view, std::size_t> file_of;
    for (std::size_t f = 0; f < files.size(); ++f) {
        st.files[f].path = normal(files[f].path);
        file_of.emplace(files[f].path, f);
    }
    std::vector<bool> taken(st.cross.size(), false);
    st.other_load.clear();
    for (const Diagnostic& d : st.loaded.diagnostics) {
        bool is_cross = false;
        for (std::size_t c = 0; c < st.cross.size() && !is_cross; ++c)
            if (!taken[c] && d.path == st.cross[c].path && d.pos == st.cross[c].pos &&
                d.message == st.cross[c].message)
                taken[c] = is_cross = true;
        if (is_cross) continue;
        const auto f = file_of.find(d.path);
        (f == file_of.end() ? st.other_load : st.files[f->second].load).push_back(d);
    }
    st.loads_known = true;
}

// After file `f` changed from `before` (its new parse diagnostics `load`): the index, the
// evaluation and the lint of the files whose findings the edit can change, and no other: the
// file itself, the files that refer to an id it had or has, and the files whose dangling
// references are explained differently (the first k_explained_references of the workspace
// have suggestions, from every id). The workspace's rules are cheap and run again.
void Server::refresh(std::size_t f, const GoalFile& before, Diagnostics load) {
    State& st = *m_state;
    const auto& files = st.loaded.workspace.files;
    const GoalFile& after = files[f];
    st.files[f].load = std::move(load);
    if (changes_more_than_ids(before, after)) {
        st.index.reset(); // built anew before it is read
        st.evaluation.reset();
        return;
    }
    st.index->update_file(f, before);
    st.dirty.insert(st.files[f].path);
    auto ids = ids_of(before);
    const auto now = ids_of(after);
    const bool ids_changed = ids != now;
    ids.first.insert(ids.first.end(), now.first.begin(), now.first.end());
    ids.second.insert(ids.second.end(), now.second.begin(), now.second.end());
    std::sort(ids.first.begin(), ids.first.end());
    std::sort(ids.second.begin(), ids.second.end());
    std::vector<bool> again(files.size(), false);
    for (std::size_t g = 0; g < files.size(); ++g)
        if (g == f || refers_to(files[g], after.name_space, ids.first, ids.second)) {
            again[g] = true;
            evaluate_file(*st.index, g, *st.evaluation);
        }
    std::size_t left = k_explained_references;
    for (std::size_t g = 0; g < files.size(); ++g) {
        auto& ff = st.files[g];
        if (again[g] || (ff.dangling > 0 && (std::min(left, ff.dangling) != ff.explained ||
                                             (ids_changed && ff.explained > 0)))) {
            ff.lint = lint_file(*st.index, *st.evaluation, g, left, ff.dangling);
            st.dirty.insert(ff.path);
        }
        ff.explained = std::min(left, ff.dangling);
        left -= ff.explained;
    }
    mark(st.dirty, st.cross);
    st.cross = check_workspace_cycles(st.loaded.workspace);
    const Diagnostics names = check_workspace_namespaces(st.loaded.workspace);
    st.cross.insert(st.cross.end(), names.begin(), names.end());
    mark(st.dirty, st.cross);
    mark(st.dirty, st.counts);
    st.counts = lint_objective_counts(*st.index);
    mark(st.dirty, st.counts);
}

// Publishes `okr check`'s findings: for every open document, and for every other file whose
// findings changed since they were last published (a reference the edit broke or mended). They
// are put together from their parts, for the files an edit may have changed (`dirty`) alone, as
// report::check_findings puts together the findings of the whole workspace.
void Server::publish(std::vector<std::string>& out) {
    State& st = *m_state;
    std::map<std::string, Diagnostics> by_path;
    if (st.loaded.problem) {
        for (const auto& [path, doc] : st.documents)
            by_path[path].push_back(Diagnostic{
                path, {}, Level::error, st.loaded.problem->message, st.loaded.problem->hint, {}});
        st.all_dirty = true;
    } else {
        evaluate_workspace();
        assemble_load();
        const auto& files = st.loaded.workspace.files;
        const Diagnostics& load = st.loaded.diagnostics;
        // As report::check_findings: lint on a valid workspace; on an invalid one the unknown
        // keys, and the dangling references of the files that read well, unless a broken file
        // has no items at all.
        const bool errors = has_errors(load);
        std::set<std::string_view> broken;
        for (const Diagnostic& d : load)
            if (d.level == Level::error) broken.insert(d.path);
        const bool unreadable = std::any_of(files.begin(), files.end(), [&](const GoalFile& f) {
            return broken.contains(f.path) && f.objectives.empty() && f.kpis.empty();
        });
        if (errors != st.had_errors || unreadable != st.had_unreadable) st.all_dirty = true;
        st.had_errors = errors;
        st.had_unreadable = unreadable;
        for (std::size_t f = 0; f < files.size(); ++f) {
            const auto& ff = st.files[f];
            if (!st.all_dirty && !st.dirty.contains(ff.path)) continue;
            Diagnostics& found = by_path[ff.path];
            found = ff.load;
            for (const Diagnostic& d : st.cross)
                if (d.path == files[f].path) found.push_back(d);
            for (const Diagnostic& d : ff.lint)
                if (!errors || d.rule == "unknown-key" ||
                    (d.rule == "dangling-ref" && !unreadable && !broken.contains(d.path)))
                    found.push_back(d);
            if (!errors)
                for (const Diagnostic& d : st.counts)
                    if (d.path == files[f].path) found.push_back(d);
            sort_diagnostics(found);
        }
        for (const Diagnostic& d : st.other_load)
            by_path[normal(d.path)].push_back(d);
        // A document that is none of the workspace's files (another TOML file) gets no findings.
        for (auto it = by_path.begin(); it != by_path.end();)
            it = st.documents.contains(it->first) && !in_workspace(st.loaded, it->first)
                     ? by_path.erase(it)
                     : std::next(it);
    }
    // The paths whose findings were put together again: a path among them that has none now
    // has none.
    std::set<std::string> considered = std::move(st.dirty);
    st.dirty.clear();
    if (st.all_dirty) {
        for (const auto& [path, text] : st.published)
            considered.insert(path);
        for (const auto& [path, doc] : st.documents)
            considered.insert(path);
    }
    for (const auto& [path, found] : by_path)
        considered.insert(path);
    st.all_dirty = false;
    std::set<std::string> paths = considered;
    for (const auto& [path, doc] : st.documents)
        paths.insert(path);
    static const Diagnostics none;
    for (const std::string& path : paths) {
        const auto doc = st.documents.find(path);
        const auto found = by_path.find(path);
        const auto before = st.published.find(path);
        // An open document the edit cannot change has what it had.
        const Diagnostics& list = found != by_path.end()         ? found->second
                                  : considered.contains(path)    ? none
                                  : before != st.published.end() ? before->second
                                                                 : none;
        const bool changed = before == st.published.end()
                                 ? !list.empty() || doc != st.documents.end()
                                 : !same(before->second, list);
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
        if (list.empty() && doc == st.documents.end()) {
            if (before != st.published.end()) st.published.erase(before);
        } else if (changed || before == st.published.end()) {
            st.published[path] = list;
        }
    }
}

namespace {

bool syntax_error_in(const io::LoadedWorkspace& loaded, const std::string& shown) {
    return std::any_of(loaded.diagnostics.begin(), loaded.diagnostics.end(),
                       [&](const Diagnostic& d) {
                           return d.path == shown && d.message.starts_with("TOML syntax error");
                       });
}

} // namespace

// Keeps the open document's file as read, when it has no TOML syntax error.
void Server::keep_good(const std::string& path) {
    State& st = *m_state;
    const auto doc = st.documents.find(path);
    const std::optional<std::size_t> f = file_index(path);
    if (doc == st.documents.end() || !f) return;
    const GoalFile& file = st.loaded.workspace.files[*f];
    if (!syntax_error_in(st.loaded, file.path)) doc->second.last_good = file;
}

void Server::document_notification(const std::string& method, const Value& params,
                                   std::vector<std::string>& out) {
    State& st = *m_state;
    const std::string& uri = string_param(params, "textDocument", "uri");
    const std::optional<std::string> path = path_of_uri(uri);
    if (!path) return; // not a file: an untitled buffer, another scheme
    if (method == "textDocument/didOpen") {
        const std::string& text = string_param(params, "textDocument", "text");
        st.documents[*path] = {uri, text, std::nullopt};
        st.texts[*path] = text;
        if (st.standalone || !in_workspace(st.loaded, *path) || !reparse(*path)) reload();
        keep_good(*path);
    } else if (method == "textDocument/didChange") {
        const Value* changes = params.get("contentChanges");
        const Array* list = changes ? changes->as_array() : nullptr;
        if (!list || list->empty() || !st.documents.contains(*path)) return;
        const Value* text = list->back().get("text");
        if (!text || !text->as_string()) return;
        st.documents[*path].text = *text->as_string();
        st.texts[*path] = *text->as_string();
        if (!reparse(*path)) reload();
        keep_good(*path);
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

// ---- what is where: symbols, hover, definition, references (issue 30, item 1) -----------------

// What the cursor is on: an item of the file, or a reference written in it.
struct Server::Target {
    enum class Kind { none, objective, kr, kpi } kind = Kind::none;
    ObjectiveRef objective;
    KrRef kr;
    KpiRef kpi;
    const RefText* reference = nullptr; // the cursor is on this reference's text
};

namespace {

// The range of the text at `pos` (1-based line and code-point column) in `text`.
Value token_range(std::string_view text, const std::vector<std::size_t>& starts, SourcePos pos) {
    return range_at(text, starts, pos);
}

bool on_token(std::string_view text, const std::vector<std::size_t>& starts, SourcePos pos,
              std::size_t line, std::uint32_t character) {
    if (pos.line == 0 || pos.line - 1 != line) return false;
    const std::string_view l = line_of(text, starts, line);
    const std::size_t from = util::skip_code_points(l, 0, pos.column > 0 ? pos.column - 1 : 0);
    return character >= utf16_of(l, from) && character <= utf16_of(l, token_end(l, from));
}

// The last line (1-based) of an item that starts at `start`: the line before the next of
// `next_starts` (sorted), else the file's last line.
std::uint32_t last_line_of(const std::vector<std::uint32_t>& next_starts, std::uint32_t start,
                           std::uint32_t file_lines) {
    const auto it = std::upper_bound(next_starts.begin(), next_starts.end(), start);
    return it == next_starts.end() ? file_lines : std::max(start, *it - 1);
}

// Where the items of a file start (1-based lines, sorted): its objectives and KPIs (`tops`), and
// those with their KRs (`all`); an item ends where the next of its kind's list starts.
struct ItemStarts {
    std::vector<std::uint32_t> tops, all;
};

ItemStarts item_starts(const GoalFile& f) {
    ItemStarts out;
    for (const Objective& o : f.objectives) {
        out.tops.push_back(o.pos.line);
        out.all.push_back(o.pos.line);
        for (const KeyResult& kr : o.krs)
            out.all.push_back(kr.pos.line);
    }
    for (const Kpi& k : f.kpis) {
        out.tops.push_back(k.pos.line);
        out.all.push_back(k.pos.line);
    }
    std::sort(out.tops.begin(), out.tops.end());
    std::sort(out.all.begin(), out.all.end());
    return out;
}

// The range of lines `first` to `last` (1-based), whole.
Value lines_range(std::string_view text, const std::vector<std::size_t>& starts,
                  std::uint32_t first, std::uint32_t last) {
    Value r;
    r.set("start", position(first > 0 ? first - 1 : 0, 0));
    const std::size_t l = last > 0 ? last - 1 : 0;
    r.set("end", position(l, utf16_of(line_of(text, starts, l), std::string::npos)));
    return r;
}

std::string number_with_unit(double v, const std::string& unit) {
    std::string out = report::format_number(v);
    if (!unit.empty()) out += (unit == "%" ? "" : " ") + unit;
    return out;
}

std::string optional_score(std::optional<double> s) {
    return s ? report::format_score(*s) : std::string("none");
}

} // namespace

// Markdown about an item, as `okr status` computes it today.
std::string Server::summary(const Target& t) const {
    const State& st = *m_state;
    const WorkspaceIndex& index = *st.index;
    const Evaluation& ev = *st.evaluation;
    std::string out;
    switch (t.kind) {
    case Target::Kind::none:
        return out;
    case Target::Kind::objective: {
        const Objective& o = index.at(t.objective);
        const ObjectiveEval& e = ev.at(t.objective);
        out = fmt::format("**objective** `{}`: {}\n\n", index.ref_of(t.objective), o.title);
        out += fmt::format("score {} ({}) · {}", optional_score(e.score), to_string(e.band),
                           to_string(e.status));
        out += fmt::format("\n\ncycle {}", o.cycle.empty() ? "none" : o.cycle);
        if (e.cycle) out += fmt::format(" ({} elapsed)", report::format_percent(e.elapsed));
        out += fmt::format(" · {} key result{} · owner {}", o.krs.size(),
                           o.krs.size() == 1 ? "" : "s", o.owner.empty() ? "none" : o.owner);
        return out;
    }
    case Target::Kind::kr: {
        const KeyResult& k = index.at(t.kr);
        const KrEval& e = ev.at(t.kr);
        out = fmt::format("**key result** `{}`: {}\n\n", index.ref_of(t.kr), k.title);
        if (k.type == KrType::milestone)
            out += fmt::format("{}", e.current >= 1 ? "done" : "not done");
        else
            out += fmt::format(
                "current {} / target {} (start {})", number_with_unit(e.current, k.unit),
                number_with_unit(k.target, k.unit), number_with_unit(k.start, k.unit));
        out +=
            fmt::format("\n\nprogress {} · score {} ({}) · {}", report::format_percent(e.progress),
                        optional_score(e.score), to_string(band_for(e.score)), to_string(e.status));
        out += fmt::format("\n\nconfidence {} · last check-in {}",
                           e.confidence ? report::format_percent(*e.confidence) : "none",
                           e.last_checkin ? e.last_checkin->iso() : "none");
        return out;
    }
    case Target::Kind::kpi: {
        const Kpi& k = index.at(t.kpi);
        const KpiEval& e = ev.at(t.kpi);
        out = fmt::format("**KPI** `{}`: {}\n\n", index.ref_of(t.kpi), k.title);
        out += fmt::format("value {}", e.value ? number_with_unit(*e.value, k.unit) : "none");
        if (e.date) out += fmt::format(" on {}", e.date->iso());
        out += fmt::format(" · health {}{}", to_string(e.health), e.stale ? " (stale)" : "");
        std::vector<std::string> bounds;
        if (k.min) bounds.push_back(fmt::format("min {}", report::format_number(*k.min)));
        if (k.max) bounds.push_back(fmt::format("max {}", report::format_number(*k.max)));
        if (k.warn) bounds.push_back(fmt::format("warn {}", report::format_number(*k.warn)));
        if (!bounds.empty()) out += fmt::format("\n\n{}", fmt::join(bounds, " · "));
        return out;
    }
    }
    return out;
}

// Builds the index and the evaluation of the loaded workspace, when a load made them stale.
void Server::evaluate_workspace() {
    if (!m_state->index) rebuild();
}

// The index of the open document's file in the workspace, if it is one of its files.
std::optional<std::size_t> Server::file_index(const std::string& path) const {
    const auto& files = m_state->loaded.workspace.files;
    for (std::size_t i = 0; i < files.size(); ++i)
        if (normal(files[i].path) == path) return i;
    return std::nullopt;
}

Server::Target Server::target_at(std::size_t file, std::size_t line,
                                 std::uint32_t character) const {
    const State& st = *m_state;
    const GoalFile& f = st.loaded.workspace.files[file];
    const auto doc = st.documents.find(normal(f.path));
    std::string disk_text;
    if (doc == st.documents.end()) {
        auto read = m_options.disk->read(f.path);
        if (read) disk_text = std::move(*read);
    }
    const std::string_view text = doc != st.documents.end() ? std::string_view(doc->second.text)
                                                            : std::string_view(disk_text);
    const std::vector<std::size_t> starts = line_starts(text);
    const WorkspaceIndex& index = *st.index;
    Target t;
    auto objective_ref = [&](const RefText& r) {
        auto res = index.objective(r.text, file, WorkspaceIndex::Explain::no);
        t.reference = &r;
        if (res.found) {
            t.kind = Target::Kind::objective;
            t.objective = *res.found;
        }
    };
    auto kpi_ref = [&](const RefText& r) {
        auto res = index.kpi(r.text, file, WorkspaceIndex::Explain::no);
        t.reference = &r;
        if (res.found) {
            t.kind = Target::Kind::kpi;
            t.kpi = *res.found;
        }
    };
    for (const Objective& o : f.objectives) {
        if (o.parent && on_token(text, starts, o.parent->pos, line, character))
            objective_ref(*o.parent);
        if (o.carried_from && on_token(text, starts, o.carried_from->pos, line, character))
            objective_ref(*o.carried_from);
        for (const RefText& k : o.kpis)
            if (on_token(text, starts, k.pos, line, character)) kpi_ref(k);
        for (const KeyResult& kr : o.krs)
            if (kr.kpi && on_token(text, starts, kr.kpi->pos, line, character)) kpi_ref(*kr.kpi);
        if (t.reference) return t;
    }
    // The item whose lines hold the cursor: a KR within its objective, else an objective or KPI.
    const auto [tops, all] = item_starts(f);
    const auto lines = static_cast<std::uint32_t>(starts.size());
    const auto at = static_cast<std::uint32_t>(line + 1);
    for (std::size_t oi = 0; oi < f.objectives.size(); ++oi) {
        const Objective& o = f.objectives[oi];
        if (at < o.pos.line || at > last_line_of(tops, o.pos.line, lines)) continue;
        for (std::size_t ki = 0; ki < o.krs.size(); ++ki)
            if (at >= o.krs[ki].pos.line && at <= last_line_of(all, o.krs[ki].pos.line, lines)) {
                t.kind = Target::Kind::kr;
                t.kr = {file, oi, ki};
                return t;
            }
        t.kind = Target::Kind::objective;
        t.objective = {file, oi};
        return t;
    }
    for (std::size_t ki = 0; ki < f.kpis.size(); ++ki)
        if (at >= f.kpis[ki].pos.line && at <= last_line_of(tops, f.kpis[ki].pos.line, lines)) {
            t.kind = Target::Kind::kpi;
            t.kpi = {file, ki};
            return t;
        }
    return t;
}

// The Location of where `pos` of file `file` is written.
Value Server::location(std::size_t file, SourcePos pos) const {
    const State& st = *m_state;
    const std::string path = normal(st.loaded.workspace.files[file].path);
    const auto doc = st.documents.find(path);
    std::string text;
    if (doc != st.documents.end()) {
        text = doc->second.text;
    } else if (auto read = m_options.disk->read(path)) {
        text = std::move(*read);
    }
    Value loc;
    loc.set("uri", doc != st.documents.end() ? doc->second.uri : uri_of_path(path));
    loc.set("range", token_range(text, line_starts(text), pos));
    return loc;
}

Value Server::navigate(const std::string& method, const Value& params) {
    State& st = *m_state;
    const std::string& uri = string_param(params, "textDocument", "uri");
    const std::optional<std::string> path = path_of_uri(uri);
    const bool symbols = method == "textDocument/documentSymbol";
    const Value empty_result =
        symbols || method == "textDocument/references" ? Value(Array{}) : Value(nullptr);
    if (!path || st.loaded.problem) return empty_result;
    const std::optional<std::size_t> file = file_index(*path);
    if (!file) return empty_result;
    evaluate_workspace();
    const GoalFile& f = st.loaded.workspace.files[*file];
    if (symbols) {
        const auto doc = st.documents.find(*path);
        std::string text;
        if (doc != st.documents.end())
            text = doc->second.text;
        else if (auto read = m_options.disk->read(f.path))
            text = std::move(*read);
        const std::vector<std::size_t> starts = line_starts(text);
        const auto [tops, all] = item_starts(f);
        const auto lines = static_cast<std::uint32_t>(starts.size());
        auto symbol = [&](const std::string& name, const std::string& detail, int kind,
                          SourcePos pos, std::uint32_t last) {
            Value s;
            s.set("name", name.empty() ? std::string("(no id)") : name);
            if (!detail.empty()) s.set("detail", detail);
            s.set("kind", kind);
            s.set("range", lines_range(text, starts, pos.line, last));
            s.set("selectionRange", lines_range(text, starts, pos.line, pos.line));
            return s;
        };
        Array out;
        for (const Objective& o : f.objectives) {
            Value s = symbol(o.id, o.title, 5, o.pos, last_line_of(tops, o.pos.line, lines));
            Array children;
            for (const KeyResult& kr : o.krs)
                children.push_back(
                    symbol(kr.id, kr.title, 8, kr.pos, last_line_of(all, kr.pos.line, lines)));
            s.set("children", std::move(children));
            out.push_back(std::move(s));
        }
        for (const Kpi& k : f.kpis)
            out.push_back(symbol(k.id, k.title, 14, k.pos, last_line_of(tops, k.pos.line, lines)));
        return Value(std::move(out));
    }
    const Value* line = params.at("position", "line");
    const Value* character = params.at("position", "character");
    if (!line || !line->as_number() || !character || !character->as_number() ||
        *line->as_number() < 0 || *character->as_number() < 0)
        throw InvalidParams("`position` needs a line and a character, numbers from 0");
    const Target t = target_at(*file, static_cast<std::size_t>(std::min(*line->as_number(), 1e9)),
                               static_cast<std::uint32_t>(std::min(*character->as_number(), 1e9)));
    const WorkspaceIndex& index = *st.index;
    if (method == "textDocument/hover") {
        if (t.kind == Target::Kind::none) return Value(nullptr);
        std::string text = summary(t);
        if (t.reference) {
            const std::size_t target_file =
                t.kind == Target::Kind::kpi ? t.kpi.file : t.objective.file;
            const SourcePos pos = t.kind == Target::Kind::kpi
                                      ? SourcePos(index.at(t.kpi).pos)
                                      : SourcePos(index.at(t.objective).pos);
            text += fmt::format("\n\nin {}, line {}", st.loaded.workspace.files[target_file].path,
                                pos.line);
        }
        Value contents;
        contents.set("kind", "markdown");
        contents.set("value", text);
        Value hover;
        hover.set("contents", std::move(contents));
        return hover;
    }
    if (method == "textDocument/definition") {
        if (!t.reference || t.kind == Target::Kind::none) return Value(nullptr);
        if (t.kind == Target::Kind::kpi) return location(t.kpi.file, index.at(t.kpi).pos);
        return location(t.objective.file, index.at(t.objective).pos);
    }
    // textDocument/references: who aligns to an objective (parent, carried_from), who follows a
    // KPI (kpi, kpis).
    Array out;
    if (t.kind != Target::Kind::objective && t.kind != Target::Kind::kpi)
        return Value(std::move(out));
    const Value* declaration = params.at("context", "includeDeclaration");
    if (declaration && declaration->as_bool() && *declaration->as_bool())
        out.push_back(t.kind == Target::Kind::kpi
                          ? location(t.kpi.file, index.at(t.kpi).pos)
                          : location(t.objective.file, index.at(t.objective).pos));
    const auto& files = st.loaded.workspace.files;
    for (std::size_t fi = 0; fi < files.size(); ++fi)
        for (const Objective& o : files[fi].objectives) {
            auto add_objective = [&](const RefText& r) {
                auto res = index.objective(r.text, fi, WorkspaceIndex::Explain::no);
                if (t.kind == Target::Kind::objective && res.found && *res.found == t.objective)
                    out.push_back(location(fi, r.pos));
            };
            auto add_kpi = [&](const RefText& r) {
                auto res = index.kpi(r.text, fi, WorkspaceIndex::Explain::no);
                if (t.kind == Target::Kind::kpi && res.found && *res.found == t.kpi)
                    out.push_back(location(fi, r.pos));
            };
            if (o.parent) add_objective(*o.parent);
            if (o.carried_from) add_objective(*o.carried_from);
            for (const RefText& k : o.kpis)
                add_kpi(k);
            for (const KeyResult& kr : o.krs)
                if (kr.kpi) add_kpi(*kr.kpi);
        }
    return Value(std::move(out));
}

// ---- completion (issue 30, item 1) --------------------------------------------------------------

namespace {

// The table the cursor's line belongs to, from the last header above it (read as text: the
// file need not parse), and whether the cursor is inside a `checkins = [ ... ]` array.
struct Context {
    schema::Table table = schema::Table::file;
    bool in_checkins = false;
    bool in_kpis = false; // inside `kpis = [ ... ]`
};

Context context_at(std::string_view text, const std::vector<std::size_t>& starts,
                   std::size_t line) {
    Context c;
    int open_checkins = 0, open_kpis = 0;
    for (std::size_t i = 0; i < line && i < starts.size(); ++i) {
        std::string_view l = line_of(text, starts, i);
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t'))
            l.remove_prefix(1);
        if (l.starts_with("[")) {
            open_checkins = open_kpis = 0;
            if (l.starts_with("[[objective.kr]]"))
                c.table = schema::Table::kr;
            else if (l.starts_with("[[objective]]"))
                c.table = schema::Table::objective;
            else if (l.starts_with("[[kpi]]"))
                c.table = schema::Table::kpi;
            else if (l.starts_with("[cycles."))
                c.table = schema::Table::cycle;
            else if (l.starts_with("[workspace]"))
                c.table = schema::Table::workspace;
            else
                c.table = schema::Table::file;
            continue;
        }
        const auto opens = [&](std::string_view key) {
            return l.starts_with(key) && l.find('[') != std::string_view::npos &&
                   l.find(']', l.rfind('[')) == std::string_view::npos;
        };
        if (opens("checkins"))
            open_checkins = 1;
        else if (opens("kpis"))
            open_kpis = 1;
        else if (l.starts_with("]"))
            open_checkins = open_kpis = 0;
    }
    c.in_checkins = open_checkins > 0;
    c.in_kpis = open_kpis > 0;
    return c;
}

// The keys that the table around `line` already holds, but for `line` itself (read as text: the
// file need not parse): completion does not offer them again.
std::vector<std::string> keys_held(std::string_view text, const std::vector<std::size_t>& starts,
                                   std::size_t line) {
    auto trimmed = [&](std::size_t i) {
        std::string_view l = line_of(text, starts, i);
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t'))
            l.remove_prefix(1);
        return l;
    };
    std::size_t first = std::min(line, starts.size());
    while (first > 0 && !trimmed(first - 1).starts_with("["))
        --first;
    std::vector<std::string> keys;
    for (std::size_t i = first; i < starts.size(); ++i) {
        if (i == line) continue;
        const std::string_view l = trimmed(i);
        if (l.starts_with("[")) break;
        std::size_t n = 0;
        while (n < l.size() &&
               (std::isalnum(static_cast<unsigned char>(l[n])) || l[n] == '_' || l[n] == '-'))
            ++n;
        std::size_t eq = n;
        while (eq < l.size() && (l[eq] == ' ' || l[eq] == '\t'))
            ++eq;
        if (n > 0 && eq < l.size() && l[eq] == '=') keys.emplace_back(l.substr(0, n));
    }
    return keys;
}

Value item(std::string label, int kind, std::string_view detail, std::string insert = {},
           std::string sort = {}) {
    Value v;
    v.set("label", label);
    v.set("kind", kind);
    if (!detail.empty()) v.set("detail", detail);
    if (!insert.empty()) v.set("insertText", insert);
    if (!sort.empty()) v.set("sortText", sort);
    return v;
}

} // namespace

Value Server::complete(const Value& params) {
    State& st = *m_state;
    const std::string& uri = string_param(params, "textDocument", "uri");
    const std::optional<std::string> path = path_of_uri(uri);
    Array items;
    if (!path) return Value(std::move(items));
    const auto doc = st.documents.find(*path);
    if (doc == st.documents.end()) return Value(std::move(items));
    const Value* line_v = params.at("position", "line");
    const Value* char_v = params.at("position", "character");
    if (!line_v || !line_v->as_number() || !char_v || !char_v->as_number() ||
        *line_v->as_number() < 0 || *char_v->as_number() < 0)
        throw InvalidParams("`position` needs a line and a character, numbers from 0");
    const std::string& text = doc->second.text;
    const std::vector<std::size_t> starts = line_starts(text);
    const auto line = static_cast<std::size_t>(std::min(*line_v->as_number(), 1e9));
    const std::string_view whole = line_of(text, starts, line);
    // The line up to the cursor (a UTF-16 offset, counted back to bytes).
    std::size_t cut = 0;
    for (std::uint32_t units = 0; cut < whole.size();) {
        const util::Decoded d = util::decode_utf8(whole, cut);
        const std::uint32_t w = d.code_point > 0xFFFF ? 2 : 1;
        if (units + w > *char_v->as_number()) break;
        units += w;
        cut += d.length;
    }
    std::string_view before = whole.substr(0, cut);
    while (!before.empty() && (before.front() == ' ' || before.front() == '\t'))
        before.remove_prefix(1);
    const Context ctx = context_at(text, starts, line);
    const schema::Table table = ctx.in_checkins ? schema::Table::checkin : ctx.table;
    // Inside an inline table (a check-in), only the text after its last `{` or `,` counts.
    if (ctx.in_checkins) {
        const std::size_t sep = before.find_last_of("{,");
        if (sep != std::string_view::npos) before = before.substr(sep + 1);
        while (!before.empty() && before.front() == ' ')
            before.remove_prefix(1);
    }
    const std::size_t eq = before.find('=');
    if (eq == std::string_view::npos) {
        if (before.find_first_of("[]\"#") != std::string_view::npos) return Value(std::move(items));
        // A key of the table at the cursor that it does not hold yet, with its doc; of the keys
        // that hold tables, the check-ins (an inline array), not the headers.
        const std::vector<std::string> held =
            ctx.in_checkins ? std::vector<std::string>() : keys_held(text, starts, line);
        for (const schema::Key& k : schema::keys_of(table)) {
            if (std::find(held.begin(), held.end(), k.name) != held.end()) continue;
            if (k.type != schema::Type::tables)
                items.push_back(
                    item(std::string(k.name), 10, schema::doc(k), std::string(k.name) + " = "));
            else if (k.name == "checkins")
                items.push_back(item(std::string(k.name), 10, schema::doc(k), "checkins = ["));
        }
        return Value(std::move(items));
    }
    std::string_view key = before.substr(0, eq);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t'))
        key.remove_suffix(1);
    const std::string_view value = before.substr(eq + 1);
    const bool quoted = value.find('"') != std::string_view::npos;
    auto quote = [&](const std::string& v) { return quoted ? v : "\"" + v + "\""; };
    const schema::Key* k = schema::find(table, key);
    if (k && k->rule == schema::Rule::one_of) {
        for (std::string_view v : k->values)
            items.push_back(item(std::string(v), 20, schema::doc(*k), quote(std::string(v))));
        return Value(std::move(items));
    }
    if (k && k->type == schema::Type::date) {
        const Date today = m_options.today;
        items.push_back(item(today.iso(), 12, "today", today.iso(), "0"));
        items.push_back(
            item(today.plus_days(-1).iso(), 12, "yesterday", today.plus_days(-1).iso(), "1"));
        return Value(std::move(items));
    }
    const bool objectives = k && k->rule == schema::Rule::objective_ref;
    const bool kpis = (k && k->rule == schema::Rule::kpi_ref) || ctx.in_kpis;
    if (!objectives && !kpis) return Value(std::move(items));
    evaluate_workspace();
    const std::optional<std::size_t> here = file_index(*path);
    const WorkspaceIndex& index = *st.index;
    const auto& files = st.loaded.workspace.files;
    // A cycle runs on today when it contains today; a name okr does not know counts as running.
    // (Cycles declared in the file being typed in count as it was last read whole.)
    auto running = [&](const std::string& name) {
        if (name.empty()) return true;
        if (const Cycle* c = index.cycle(name)) return c->contains(m_options.today);
        if (doc->second.last_good)
            for (const Cycle& c : doc->second.last_good->cycles)
                if (c.name == name) return c.contains(m_options.today);
        return true;
    };
    for (std::size_t f = 0; f < files.size(); ++f) {
        // The file being typed in, as last read whole while its text does not parse.
        const bool broken = here && f == *here && doc->second.last_good &&
                            syntax_error_in(st.loaded, files[f].path);
        const GoalFile& file = broken ? *doc->second.last_good : files[f];
        // A reference to another file's item names its namespace: a bare one would mean an item
        // of this file first, and could come to mean another once one is added.
        const bool this_file = here && f == *here;
        if (objectives)
            for (std::size_t o = 0; o < file.objectives.size(); ++o) {
                const Objective& obj = file.objectives[o];
                const bool short_form = this_file;
                const std::string label =
                    short_form ? obj.id : fmt::format("{}/{}", file.name_space, obj.id);
                const char* rank = obj.closed || obj.dropped ? "2" : running(obj.cycle) ? "0" : "1";
                items.push_back(item(label, 18, obj.title, quote(label), rank + label));
            }
        if (kpis)
            for (std::size_t i = 0; i < file.kpis.size(); ++i) {
                const Kpi& kpi = file.kpis[i];
                const bool short_form = this_file;
                const std::string label =
                    short_form ? kpi.id : fmt::format("{}/{}", file.name_space, kpi.id);
                items.push_back(
                    item(label, 18, kpi.title, quote(label), (kpi.dropped ? "2" : "0") + label));
            }
    }
    return Value(std::move(items));
}

// ---- inlay hints (issue 30, item 1) -------------------------------------------------------------

std::optional<bool> inlay_hints_setting(const Value& settings) {
    for (const Value* v : {settings.at("okr", "inlayHints"), settings.get("okr.inlayHints"),
                           settings.get("inlayHints")})
        if (v && v->as_bool()) return *v->as_bool();
    return std::nullopt;
}

std::string Server::text_of(std::size_t file) const {
    const State& st = *m_state;
    const std::string path = normal(st.loaded.workspace.files[file].path);
    if (const auto doc = st.documents.find(path); doc != st.documents.end())
        return doc->second.text;
    auto read = m_options.disk->read(path);
    return read ? std::move(*read) : std::string();
}

namespace {

// The lines (0-based, both included) of a request's `range`, else every line.
std::pair<std::size_t, std::size_t> lines_of_range(const Value& params) {
    const Value* from = params.at("range", "start", "line");
    const Value* to = params.at("range", "end", "line");
    std::pair<std::size_t, std::size_t> out{0, std::numeric_limits<std::size_t>::max()};
    if (from && from->as_number() && *from->as_number() >= 0)
        out.first = static_cast<std::size_t>(std::min(*from->as_number(), 1e9));
    if (to && to->as_number() && *to->as_number() >= 0)
        out.second = static_cast<std::size_t>(std::min(*to->as_number(), 1e9));
    return out;
}

// What `okr status` shows of a score: its percentage in the progress column, and the score.
// A dropped item says so: it counts in no score.
std::string objective_hint(const ObjectiveEval& e) {
    const char* dropped = e.status == Status::dropped ? " · dropped" : "";
    if (!e.score) return fmt::format("progress none · score none{}", dropped);
    return fmt::format("progress {} · score {}{}", report::format_percent(*e.score),
                       report::format_score(*e.score), dropped);
}

std::string kr_hint(const KrEval& e) {
    return fmt::format("progress {} · score {}{}", report::format_percent(e.progress),
                       optional_score(e.score), e.status == Status::dropped ? " · dropped" : "");
}

std::string kpi_hint(const KpiEval& e) {
    return fmt::format("health {}{}", to_string(e.health), e.stale ? " (stale)" : "");
}

} // namespace

// Progress and score at the end of each objective's and KR's header line, health at the end of
// each KPI's, as `okr status` and `okr kpi` compute them as of today; none when the client
// turned `okr.inlayHints` off.
Value Server::inlay_hints(const Value& params) {
    State& st = *m_state;
    Array out;
    const std::string& uri = string_param(params, "textDocument", "uri");
    const std::optional<std::string> path = path_of_uri(uri);
    if (!st.inlay_hints || !path || st.loaded.problem) return Value(std::move(out));
    const std::optional<std::size_t> file = file_index(*path);
    if (!file) return Value(std::move(out));
    evaluate_workspace();
    const auto [first, last] = lines_of_range(params);
    const std::string text = text_of(*file);
    const std::vector<std::size_t> starts = line_starts(text);
    const GoalFile& f = st.loaded.workspace.files[*file];
    const Evaluation& ev = *st.evaluation;
    auto hint = [&](std::uint32_t line, std::string label) {
        if (line == 0 || line - 1 >= starts.size() || line - 1 < first || line - 1 > last) return;
        Value h;
        h.set("position",
              position(line - 1, utf16_of(line_of(text, starts, line - 1), std::string::npos)));
        h.set("label", std::move(label));
        h.set("paddingLeft", true);
        out.push_back(std::move(h));
    };
    for (std::size_t oi = 0; oi < f.objectives.size(); ++oi) {
        const Objective& o = f.objectives[oi];
        hint(o.pos.line, objective_hint(ev.at(ObjectiveRef{*file, oi})));
        for (std::size_t ki = 0; ki < o.krs.size(); ++ki)
            hint(o.krs[ki].pos.line, kr_hint(ev.at(KrRef{*file, oi, ki})));
    }
    for (std::size_t ki = 0; ki < f.kpis.size(); ++ki)
        hint(f.kpis[ki].pos.line, kpi_hint(ev.at(KpiRef{*file, ki})));
    return Value(std::move(out));
}

// ---- edits for code actions and rename (issue 30, item 1) ------------------------------------

namespace {

// The position (line, UTF-16 character) of byte `at` of `text`.
Value position_of(std::string_view text, const std::vector<std::size_t>& starts, std::size_t at) {
    const auto it = std::upper_bound(starts.begin(), starts.end(), at);
    const std::size_t line = static_cast<std::size_t>(it - starts.begin()) - 1;
    return position(line, utf16_of(text.substr(starts[line]), at - starts[line]));
}

// Line `i` of `text` with its line ending.
std::string_view whole_line(std::string_view text, const std::vector<std::size_t>& starts,
                            std::size_t i) {
    const std::size_t end = i + 1 < starts.size() ? starts[i + 1] : text.size();
    return text.substr(starts[i], end - starts[i]);
}

Value text_edit(std::string_view text, const std::vector<std::size_t>& starts, std::size_t from,
                std::size_t to, std::string_view new_text) {
    Value range;
    range.set("start", position_of(text, starts, from));
    range.set("end", position_of(text, starts, to));
    Value edit;
    edit.set("range", std::move(range));
    edit.set("newText", new_text);
    return edit;
}

} // namespace

Value text_edits(std::string_view before, std::string_view after) {
    Array out;
    if (before == after) return Value(std::move(out));
    const std::vector<std::size_t> a = line_starts(before), b = line_starts(after);
    std::size_t head = 0;
    while (head < a.size() && head < b.size() &&
           whole_line(before, a, head) == whole_line(after, b, head))
        ++head;
    std::size_t tail = 0;
    while (tail < a.size() - head && tail < b.size() - head &&
           whole_line(before, a, a.size() - 1 - tail) == whole_line(after, b, b.size() - 1 - tail))
        ++tail;
    const std::size_t end_a = a.size() - tail, end_b = b.size() - tail;
    auto offset = [](std::string_view text, const std::vector<std::size_t>& starts,
                     std::size_t line) {
        return line < starts.size() ? starts[line] : text.size();
    };
    if (end_a - head == end_b - head) {
        for (std::size_t i = head; i < end_a; ++i) {
            const std::string_view was = whole_line(before, a, i), now = whole_line(after, b, i);
            if (was != now) out.push_back(text_edit(before, a, a[i], a[i] + was.size(), now));
        }
        return Value(std::move(out));
    }
    const std::size_t from_b = offset(after, b, head), to_b = offset(after, b, end_b);
    out.push_back(text_edit(before, a, offset(before, a, head), offset(before, a, end_a),
                            after.substr(from_b, to_b - from_b)));
    return Value(std::move(out));
}

// ---- code actions (issue 30, item 1) ------------------------------------------------------------

namespace {

// Whether a code action of `kind` is one the client asked for (`context.only`: kinds or their
// prefixes; every kind without it).
bool wanted(const Value& params, std::string_view kind) {
    const Value* only = params.at("context", "only");
    if (!only || !only->as_array()) return true;
    for (const Value& k : *only->as_array())
        if (const std::string* prefix = k.as_string())
            if (kind == *prefix || (kind.starts_with(*prefix) && kind[prefix->size()] == '.'))
                return true;
    return false;
}

Value workspace_edit(const std::string& uri, Value edits) {
    Value changes;
    changes.set(uri, std::move(edits));
    Value edit;
    edit.set("changes", std::move(changes));
    return edit;
}

} // namespace

// The "did you mean" fixes of `okr check`'s unknown keys and dangling references on the lines of
// the request's range, one action per suggestion; and "check in today" on the key result there,
// with the line `okr checkin` would write (its current value, today's date).
Value Server::code_actions(const Value& params) {
    State& st = *m_state;
    Array out;
    const std::string& uri = string_param(params, "textDocument", "uri");
    const std::optional<std::string> path = path_of_uri(uri);
    if (!path || st.loaded.problem) return Value(std::move(out));
    const std::optional<std::size_t> file = file_index(*path);
    if (!file) return Value(std::move(out));
    evaluate_workspace();
    const auto [first, last] = lines_of_range(params);
    const std::string text = text_of(*file);
    const std::vector<std::size_t> starts = line_starts(text);
    const GoalFile& f = st.loaded.workspace.files[*file];
    const WorkspaceIndex& index = *st.index;
    const auto published = st.published.find(*path);

    // A quick fix: the key or value at `pos` becomes `replacement`.
    auto fix = [&](SourcePos pos, std::string_view rule, const std::string& replacement,
                   std::string title, bool preferred) {
        if (pos.line == 0 || pos.line - 1 < first || pos.line - 1 > last) return;
        if (!wanted(params, "quickfix")) return;
        Value edit;
        edit.set("range", range_at(text, starts, pos));
        edit.set("newText", replacement);
        Value action;
        action.set("title", std::move(title));
        action.set("kind", "quickfix");
        if (published != st.published.end())
            for (const Diagnostic& d : published->second)
                if (d.pos == pos && d.rule == rule) {
                    const Value one = lsp_diagnostics(Diagnostics{d}, text);
                    action.set("diagnostics", *one.as_array());
                    break;
                }
        if (preferred) action.set("isPreferred", true);
        action.set("edit", workspace_edit(uri, Value(Array{std::move(edit)})));
        out.push_back(std::move(action));
    };
    // Unknown keys: the nearest known key (or table header), as `okr check` suggests it.
    for (const UnknownKey& u : f.unknown_keys) {
        if (u.suggestion.empty()) continue;
        std::string replacement = u.suggestion;
        if (!u.header.empty()) {
            const std::size_t brackets = u.header.starts_with("[[") ? 2 : 1;
            replacement = u.header.substr(0, u.header.size() - brackets - u.key.size()) +
                          u.suggestion + u.header.substr(u.header.size() - brackets);
        }
        fix(u.pos, "unknown-key", replacement,
            fmt::format("Replace `{}` with `{}`", u.header.empty() ? u.key : u.header, replacement),
            true);
    }
    // Unknown enum values (`type`, `status`, `frequency`) and cycle names: the value `okr
    // check` suggests in its hint, `did you mean "X"?`.
    if (published != st.published.end())
        for (const Diagnostic& d : published->second) {
            constexpr std::string_view k_ask = "did you mean \"", k_end = "\"?";
            if (!d.rule.empty() || !d.message.starts_with("unknown ") ||
                !d.hint.starts_with(k_ask) || !d.hint.ends_with(k_end))
                continue;
            const std::size_t open = d.message.find('"');
            const std::size_t close =
                open == std::string::npos ? open : d.message.find('"', open + 1);
            if (close == std::string::npos) continue;
            const std::string near =
                d.hint.substr(k_ask.size(), d.hint.size() - k_ask.size() - k_end.size());
            fix(d.pos, "", "\"" + near + "\"",
                fmt::format("Replace \"{}\" with \"{}\"",
                            d.message.substr(open + 1, close - open - 1), near),
                true);
        }
    // References that resolve to nothing: the ids `okr check` suggests, or the qualified
    // references it names when the id is in several namespaces.
    auto reference = [&](const RefText& r, bool kpi) {
        const auto found =
            kpi ? index.kpi(r.text, *file, WorkspaceIndex::Explain::found).found.has_value()
                : index.objective(r.text, *file, WorkspaceIndex::Explain::found).found.has_value();
        if (found) return;
        std::vector<std::string> candidates, suggestions;
        if (kpi) {
            auto res = index.kpi(r.text, *file, WorkspaceIndex::Explain::yes);
            candidates = std::move(res.candidates);
            suggestions = std::move(res.suggestions);
        } else {
            auto res = index.objective(r.text, *file, WorkspaceIndex::Explain::yes);
            candidates = std::move(res.candidates);
            suggestions = std::move(res.suggestions);
        }
        const std::vector<std::string>& choices = candidates.empty() ? suggestions : candidates;
        for (std::size_t i = 0; i < choices.size(); ++i)
            fix(r.pos, "dangling-ref", "\"" + choices[i] + "\"",
                fmt::format("Replace \"{}\" with \"{}\"", r.text, choices[i]), i == 0);
    };
    for (const Objective& o : f.objectives) {
        if (o.parent) reference(*o.parent, false);
        if (o.carried_from) reference(*o.carried_from, false);
        for (const RefText& k : o.kpis)
            reference(k, true);
        for (const KeyResult& kr : o.krs)
            if (kr.kpi) reference(*kr.kpi, true);
    }

    // Check in today on the KR whose lines hold the range's start, where `okr checkin` would
    // record it without --force (SPEC §8): not fed by a KPI, its objective neither closed nor
    // dropped, the KR not dropped, today within its cycle.
    const Value* line = params.at("range", "start", "line");
    const Value* character = params.at("range", "start", "character");
    if (!line || !line->as_number() || !character || !character->as_number() ||
        *line->as_number() < 0 || *character->as_number() < 0)
        throw InvalidParams("`range.start` needs a line and a character, numbers from 0");
    const Target t = target_at(*file, static_cast<std::size_t>(std::min(*line->as_number(), 1e9)),
                               static_cast<std::uint32_t>(std::min(*character->as_number(), 1e9)));
    if (t.kind != Target::Kind::kr || t.reference || !wanted(params, "refactor.rewrite"))
        return Value(std::move(out));
    const Objective& o = f.objectives[t.kr.objective];
    const KeyResult& kr = o.krs[t.kr.kr];
    const Date today = m_options.today;
    const Cycle* cycle = index.cycle(o.cycle);
    if (kr.kpi || o.closed || o.dropped || kr.dropped || (cycle && today > cycle->end))
        return Value(std::move(out));
    Checkin checkin;
    checkin.date = today;
    const bool milestone = kr.type == KrType::milestone;
    checkin.value = milestone ? 1.0 : st.evaluation->at(t.kr).current;
    Result<io::Edit> edit =
        io::append_checkin(text, f.path, io::ItemId::of_kr(o.id, kr.id), checkin);
    if (!edit) return Value(std::move(out));
    Value action;
    action.set("title", milestone ? fmt::format("Check in {} today: done", index.ref_of(t.kr))
                                  : fmt::format("Check in {} today: {} (its current value)",
                                                index.ref_of(t.kr),
                                                number_with_unit(checkin.value, kr.unit)));
    action.set("kind", "refactor.rewrite");
    action.set("edit", workspace_edit(uri, text_edits(text, edit->text)));
    out.push_back(std::move(action));
    return Value(std::move(out));
}

// ---- rename (issue 30, item 1) ------------------------------------------------------------------

namespace {

// A request that failed for a reason to tell the user (LSP's RequestFailed).
struct RequestFailed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The range of the value of `id = ...` on line `line` (1-based) of `text`, if it has one.
std::optional<Value> id_value_range(std::string_view text, const std::vector<std::size_t>& starts,
                                    std::uint32_t line) {
    if (line == 0 || line - 1 >= starts.size()) return std::nullopt;
    const std::string_view l = line_of(text, starts, line - 1);
    const std::size_t eq = l.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::size_t at = eq + 1;
    while (at < l.size() && (l[at] == ' ' || l[at] == '\t'))
        ++at;
    if (at >= l.size()) return std::nullopt;
    Value r;
    r.set("start", position(line - 1, utf16_of(l, at)));
    r.set("end", position(line - 1, utf16_of(l, token_end(l, at))));
    return r;
}

} // namespace

// prepareRename: the id to rename under the cursor (an item's `id` value, or a reference to an
// objective or KPI), with the id as placeholder; null elsewhere. rename: the edits of `okr mv`
// (io/rename.hpp) in every file they change, as a WorkspaceEdit; the server writes nothing.
Value Server::rename(const Value& params, bool prepare) {
    State& st = *m_state;
    const std::string& uri = string_param(params, "textDocument", "uri");
    const std::optional<std::string> path = path_of_uri(uri);
    const std::optional<std::size_t> file =
        path && !st.loaded.problem ? file_index(*path) : std::nullopt;
    if (!file) {
        if (prepare) return Value(nullptr);
        throw RequestFailed("this document is not a goal file of the workspace, or the "
                            "workspace does not load: nothing to rename");
    }
    evaluate_workspace();
    const Value* line_v = params.at("position", "line");
    const Value* char_v = params.at("position", "character");
    if (!line_v || !line_v->as_number() || !char_v || !char_v->as_number() ||
        *line_v->as_number() < 0 || *char_v->as_number() < 0)
        throw InvalidParams("`position` needs a line and a character, numbers from 0");
    const auto line = static_cast<std::size_t>(std::min(*line_v->as_number(), 1e9));
    const Target t =
        target_at(*file, line, static_cast<std::uint32_t>(std::min(*char_v->as_number(), 1e9)));
    const WorkspaceIndex& index = *st.index;
    const auto& files = st.loaded.workspace.files;
    // The item renamed: its file, its ItemId, its reference.
    std::size_t item_file = 0;
    io::ItemId item;
    std::string ref;
    switch (t.kind) {
    case Target::Kind::none:
        break;
    case Target::Kind::objective:
        item_file = t.objective.file;
        item = io::ItemId::of_objective(index.at(t.objective).id);
        ref = index.ref_of(t.objective);
        break;
    case Target::Kind::kr:
        item_file = t.kr.file;
        item = io::ItemId::of_kr(files[t.kr.file].objectives[t.kr.objective].id, index.at(t.kr).id);
        ref = index.ref_of(t.kr);
        break;
    case Target::Kind::kpi:
        item_file = t.kpi.file;
        item = io::ItemId::of_kpi(index.at(t.kpi).id);
        ref = index.ref_of(t.kpi);
        break;
    }
    const std::string text = text_of(*file);
    const std::vector<std::size_t> starts = line_starts(text);
    if (prepare) {
        if (t.kind == Target::Kind::none) return Value(nullptr);
        Value out;
        out.set("placeholder", item.id);
        if (t.reference) {
            out.set("range", range_at(text, starts, t.reference->pos));
            return out;
        }
        const std::uint32_t id_line = io::item_line(text, files[*file].path, item, "id");
        if (id_line == 0 || id_line - 1 != line) return Value(nullptr);
        auto range = id_value_range(text, starts, id_line);
        if (!range) return Value(nullptr);
        out.set("range", std::move(*range));
        return out;
    }
    if (t.kind == Target::Kind::none)
        throw RequestFailed("no objective, key result or KPI here to rename");
    const Value* name = params.get("newName");
    if (!name || !name->as_string()) throw InvalidParams("`newName` is not a string");
    const std::string& new_id = *name->as_string();
    if (new_id == item.id) return Value(Object{});
    if (auto problem = io::check_new_id(index, item_file, item, new_id))
        throw RequestFailed(fmt::format("{}\nhint: {}", problem->message, problem->hint));
    const io::RenamePlan plan = io::plan_rename(index, item_file, item, ref, new_id);
    Value changes;
    for (const auto& [file_path, list] : plan.changes) {
        const std::optional<std::size_t> fi = file_index(normal(file_path));
        if (!fi) throw RequestFailed(fmt::format("{} is not loaded: nothing renamed", file_path));
        const std::string before = text_of(*fi);
        Result<io::Edit> edit = io::apply_key_changes(before, file_path, list);
        if (!edit) {
            const Failure& failure = edit.failure();
            throw RequestFailed(failure.hint.empty()
                                    ? failure.message
                                    : fmt::format("{}\nhint: {}", failure.message, failure.hint));
        }
        const std::string key = normal(file_path);
        const auto doc = st.documents.find(key);
        changes.set(doc != st.documents.end() ? doc->second.uri : uri_of_path(key),
                    text_edits(before, edit->text));
    }
    Value out;
    out.set("changes", std::move(changes));
    return out;
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
            if (const Value* options = params.get("initializationOptions"))
                if (auto on = inlay_hints_setting(*options)) m_state->inlay_hints = *on;
            if (const Value* refresh =
                    params.at("capabilities", "workspace", "inlayHint", "refreshSupport");
                refresh && refresh->as_bool())
                m_state->hints_refresh = *refresh->as_bool();
            out.push_back(response(request_id, initialize_result(m_options.version)));
            return out;
        }
        if (*method == "shutdown") {
            m_shutdown = true;
            if (request) out.push_back(response(request_id, Value(nullptr)));
            return out;
        }
        if (*method == "textDocument/documentSymbol" || *method == "textDocument/hover" ||
            *method == "textDocument/definition" || *method == "textDocument/references") {
            if (request) out.push_back(response(request_id, navigate(*method, params)));
            return out;
        }
        if (*method == "textDocument/inlayHint") {
            if (request) out.push_back(response(request_id, inlay_hints(params)));
            return out;
        }
        if (*method == "textDocument/codeAction") {
            if (request) out.push_back(response(request_id, code_actions(params)));
            return out;
        }
        if (*method == "textDocument/rename" || *method == "textDocument/prepareRename") {
            if (request)
                out.push_back(
                    response(request_id, rename(params, *method == "textDocument/prepareRename")));
            return out;
        }
        if (*method == "workspace/didChangeConfiguration") {
            State& st = *m_state;
            const Value* settings = params.get("settings");
            const std::optional<bool> on = settings ? inlay_hints_setting(*settings) : std::nullopt;
            if (on && *on != st.inlay_hints) {
                st.inlay_hints = *on;
                // The hints shown are stale now: a client that can be told asks for them again.
                if (st.hints_refresh) {
                    Value refresh;
                    refresh.set("jsonrpc", "2.0");
                    refresh.set("id", fmt::format("okr-{}", ++st.requests_sent));
                    refresh.set("method", "workspace/inlayHint/refresh");
                    out.push_back(util::json::dump(refresh));
                }
            }
            return out;
        }
        if (*method == "textDocument/completion") {
            if (request) out.push_back(response(request_id, complete(params)));
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
    } catch (const RequestFailed& e) {
        if (request) out.push_back(error_response(request_id, k_request_failed, e.what()));
    } catch (const std::exception& e) {
        if (request) out.push_back(error_response(request_id, k_internal_error, e.what()));
    }
    return out;
}

} // namespace okr::lsp
