#include "okr/report/tree.hpp"

#include "okr/report/json.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <unordered_map>

namespace okr::report {

Tree build_tree(const Report& report) {
    Tree tree;
    tree.as_of = report.as_of;
    tree.cycles = report.cycles;
    const auto& objectives = report.objectives;
    std::unordered_map<std::string, std::size_t> by_ref;
    for (std::size_t i = 0; i < objectives.size(); ++i)
        by_ref.emplace(objectives[i].ref, i);

    // parent index of each objective inside the selection, or none
    std::vector<std::optional<std::size_t>> parent(objectives.size());
    std::vector<std::vector<std::size_t>> children(objectives.size());
    for (std::size_t i = 0; i < objectives.size(); ++i) {
        const auto& o = objectives[i];
        if (o.parent.empty() || o.parent_unresolved) continue;
        if (auto it = by_ref.find(o.parent); it != by_ref.end()) {
            parent[i] = it->second;
            children[it->second].push_back(i);
        }
    }

    // Rolled-up scores, computed bottom-up with an explicit colour marking so loops terminate,
    // and an explicit stack: a `parent` chain may be as deep as the file is long.
    std::vector<int> state(objectives.size(), 0); // 0 new, 1 in progress, 2 done
    std::vector<double> sum(objectives.size(), 0), weight(objectives.size(), 0);
    std::vector<std::size_t> count(objectives.size(), 0);
    std::vector<std::pair<std::size_t, std::size_t>> stack; // objective, next child to visit
    auto enter = [&](std::size_t i) {
        state[i] = 1;
        const auto& o = objectives[i];
        if (o.score && o.status != Status::dropped) {
            sum[i] += *o.score * o.weight;
            weight[i] += o.weight;
        }
        stack.emplace_back(i, 0);
    };
    for (std::size_t root = 0; root < objectives.size(); ++root) {
        if (state[root] != 0) continue;
        enter(root);
        while (!stack.empty()) {
            auto& [i, next] = stack.back();
            if (next < children[i].size()) {
                const std::size_t c = children[i][next++];
                if (state[c] == 0) {
                    // Visit the child first; its parent adds it up when the child is done.
                    --next;
                    enter(c);
                    continue;
                }
                if (state[c] == 2) {
                    sum[i] += sum[c];
                    weight[i] += weight[c];
                    count[i] += count[c] + 1;
                }
                continue; // state 1: a loop, reported below
            }
            state[i] = 2;
            stack.pop_back();
        }
    }

    std::vector<bool> placed(objectives.size(), false);
    auto emit = [&](std::size_t top, std::string note) {
        std::vector<std::pair<std::size_t, int>> pending{{top, 0}}; // objective, depth
        while (!pending.empty()) {
            const auto [i, depth] = pending.back();
            pending.pop_back();
            if (placed[i]) continue;
            placed[i] = true;
            const auto& o = objectives[i];
            TreeNode node;
            node.ref = o.ref;
            node.title = o.title;
            node.owner = o.owner;
            node.cycle = o.cycle;
            node.depth = depth;
            node.score = o.score;
            node.status = o.status;
            node.band = o.band;
            if (weight[i] > 0) node.rollup = sum[i] / weight[i];
            node.rollup_band = band_for(node.rollup);
            node.descendants = count[i];
            node.note = i == top ? std::move(note) : std::string();
            if (!o.carried_from.empty())
                node.note += (node.note.empty() ? "" : "; ") + ("carried from " + o.carried_from);
            if (o.closed)
                node.note += (node.note.empty() ? "" : "; ") + ("closed " + o.closed->iso());
            tree.nodes.push_back(std::move(node));
            // Reversed, so that the first child comes off the stack first.
            for (auto c = children[i].rbegin(); c != children[i].rend(); ++c)
                if (!placed[*c]) pending.emplace_back(*c, depth + 1);
        }
    };
    for (std::size_t i = 0; i < objectives.size(); ++i) {
        const auto& o = objectives[i];
        if (parent[i]) continue;
        std::string note;
        if (o.parent_unresolved)
            note = fmt::format("parent {} is unresolved", o.parent);
        else if (!o.parent.empty())
            note = fmt::format("aligned to {} (outside this selection)", o.parent);
        emit(i, note);
    }
    // Whatever is left hangs off a loop: report each loop once and show it from its first member.
    for (std::size_t i = 0; i < objectives.size(); ++i) {
        if (placed[i]) continue;
        std::vector<std::size_t> path;
        std::vector<bool> on_path(objectives.size(), false);
        std::size_t at = i;
        while (!on_path[at]) {
            on_path[at] = true;
            path.push_back(at);
            if (!parent[at]) break;
            at = *parent[at];
        }
        std::string loop;
        bool in_loop = false;
        for (std::size_t p : path) {
            if (p == at) in_loop = true;
            if (in_loop) loop += objectives[p].ref + " → ";
        }
        loop += objectives[at].ref;
        tree.loops.push_back(loop);
        emit(at, "alignment loop: " + loop);
    }
    return tree;
}

namespace {

constexpr Media k_all = Media::all;
constexpr Media k_term = Media::terminal;
constexpr Media k_docs = Media::documents;

} // namespace

std::string tree_json(const Tree& tree, const Spill& spill) {
    return json_document(spill, [&](JsonWriter& w) {
        w.field("schema_version", 1.0);
        w.field("as_of", tree.as_of.iso());
        array_of(w, "cycles", tree.cycles, write_cycle);
        w.key("nodes");
        w.begin_array();
        for (const auto& n : tree.nodes) {
            w.begin_object();
            w.field("ref", n.ref);
            w.field("title", n.title);
            w.field("owner", n.owner);
            w.field("cycle", n.cycle);
            w.field("depth", static_cast<double>(n.depth));
            w.field("score", n.score);
            status_field(w, n.status);
            band_field(w, n.band);
            w.field("rollup", n.rollup);
            w.field("descendants", static_cast<double>(n.descendants));
            optional_text(w, "note", n.note);
            w.end_object();
        }
        w.end_array();
        string_array(w, "loops", tree.loops);
    });
}

Sheet tree_sheet(const Tree& tree) {
    Sheet sheet;
    sheet.title = "Alignment tree";
    sheet.subtitle = {describe_cycles(tree.cycles), "as of " + tree.as_of.iso()};
    sheet.head = {
        line(describe_cycles(tree.cycles) + " · as of " + tree.as_of.iso(), Style::bold, k_term),
        line({}, Style::plain, k_term)};
    Section s = titled_section("Objectives by alignment");
    s.empty = "No objectives in this selection.";
    s.columns = {
        column("objective", "Objective", k_term, Align::left, true, 0, 30),
        column("ref", "Ref", k_docs),
        column("title", "Title", k_docs),
        column("owner", "Owner", k_all, Align::left, true, 4, 8),
        column("depth", "Depth", k_docs),
        column("score", "Score", k_all, Align::right),
        column("status", "Status", k_all, Align::left, false, 2),
        column("subtree_score", "Subtree", k_all, Align::right, false, 3),
        column("note", "Note", k_all, Align::left, true, 5, 12),
    };
    for (const auto& n : tree.nodes) {
        // Indentation stops growing at some depth, or a deep chain would print in quadratic
        // size (in every format); the depth is then written out.
        constexpr int k_max_indent = 12;
        const int shown = std::min(n.depth, k_max_indent);
        std::string indent;
        for (int d = 0; d < shown; ++d)
            indent += d + 1 == shown ? "└─ " : "   ";
        if (n.depth > k_max_indent) indent += fmt::format("({}) ", n.depth);
        s.rows.push_back(
            {n.depth == 0 ? "root" : "objective",
             shown,
             {text_cell(indent + n.ref + "  " + n.title, n.depth == 0 ? Style::bold : Style::plain),
              text_cell(n.ref), text_cell(n.title), text_cell(n.owner, Style::dim),
              number_cell(n.depth), styled(score_cell(n.score), style_of(n.band)),
              status_cell(n.status),
              n.descendants && n.rollup ? styled(score_cell(n.rollup), style_of(n.rollup_band))
                                        : text_cell(""),
              text_cell(n.note, n.note.empty() ? Style::dim : Style::yellow)}});
    }
    for (const auto& loop : tree.loops)
        s.after.push_back(
            line("warning: alignment loop " + loop + " (fix a `parent`)", Style::yellow));
    sheet.sections.push_back(std::move(s));
    return sheet;
}

} // namespace okr::report
