#include "okr/report/review.hpp"

#include "okr/core/lint.hpp"
#include "okr/report/kpi.hpp"
#include "okr/report/score.hpp"
#include "okr/report/status.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace okr::report {

Date default_window_start(Date as_of) {
    return as_of.plus_days(-28);
}

Review build_review(const WorkspaceIndex& index, const Evaluation& now, const Evaluation& before,
                    const Selection& selection, std::optional<Date> since) {
    Review review;
    review.report = build_report(index, now, selection);
    review.since = since;
    review.window_start = before.as_of;
    const Date as_of = now.as_of;
    // Only its overall score is kept: its rows are gone before the review's lists are made.
    review.overall_before = build_report(index, before, selection).overall;

    // Which cycles the selection covers, and whether they have ended.
    for (const auto& o : review.report.objectives) {
        const auto r = index.objective(o.ref, 0, WorkspaceIndex::Explain::found).found;
        if (!r) continue;
        const Objective& obj = index.at(*r);
        const ObjectiveEval& oe = now.at(*r);
        const ObjectiveEval& ob = before.at(*r);
        const bool ended = oe.cycle && as_of > oe.cycle->end;
        const bool running = oe.cycle && oe.cycle->contains(as_of);
        if (obj.dropped)
            review.dropped.push_back(fmt::format("{}  {} (objective)", o.ref, o.title));
        if (o.missed_commitment)
            review.missed_commitments.push_back({o.ref, o.title, o.owner, o.score, o.notes});
        if (!o.notes.empty()) review.retro.push_back({o.ref, o.title, o.owner, o.score, o.notes});
        for (std::size_t k = 0; k < obj.krs.size(); ++k) {
            const KeyResult& kr = obj.krs[k];
            const KrEval& ke = oe.krs[k];
            const KrEval& kb = ob.krs[k];
            const std::string ref = index.ref_of(KrRef{r->file, r->objective, k});
            if (std::none_of(o.krs.begin(), o.krs.end(),
                             [&](const KrRow& row) { return row.ref == ref; }))
                continue;
            ReviewKr line;
            line.ref = ref;
            line.title = kr.title;
            line.owner = kr.owner.empty() ? obj.owner : kr.owner;
            line.unit = kr.unit;
            line.milestone = kr.type == KrType::milestone;
            line.score = ke.score;
            line.progress = ke.progress;
            line.value = ke.current;
            line.target = kr.target;
            line.value_before = kb.current;
            line.progress_before = kb.progress;
            const std::vector<Checkin>* source = &kr.checkins;
            if (ke.kpi) source = &index.at(*ke.kpi).checkins;
            // Only check-ins that count for the cycle: none after its end, and a KPI's only
            // from its start.
            const Date until = oe.cycle ? counted_until(*oe.cycle, as_of, obj.closed) : as_of;
            for (const Checkin& c : *source)
                if (c.date > before.as_of && c.date <= until &&
                    !(ke.kpi && oe.cycle && c.date < oe.cycle->start))
                    line.notes.push_back({c.date, c.value, c.note});
            std::stable_sort(
                line.notes.begin(), line.notes.end(),
                [](const CheckinNote& a, const CheckinNote& b) { return a.date < b.date; });
            if (ke.status == Status::dropped) {
                line.outcome = "dropped";
                if (!obj.dropped) review.dropped.push_back(fmt::format("{}  {}", ref, kr.title));
                continue;
            }
            const double s = as_shown(ke.score.value_or(0));
            line.outcome = s >= 0.7 ? "delivered" : ended ? "missed" : "in-progress";
            const std::size_t bucket =
                std::min<std::size_t>(4, static_cast<std::size_t>(std::floor(s * 5 + 1e-9)));
            ++review.distribution[bucket];
            ++review.bands[s >= 0.7 ? 0 : s >= 0.4 ? 1 : 2];
            if (running && !kr.kpi && ke.status != Status::done && ke.status != Status::closed) {
                const Date last = ke.last_checkin.value_or(oe.cycle->start);
                if (as_of - last > k_checkin_gap_days) {
                    line.days_silent = as_of - last;
                    review.silent.push_back(review.krs.size());
                }
            }
            const std::size_t at = review.krs.size();
            (line.outcome == "delivered" ? review.delivered
             : line.outcome == "missed"  ? review.missed
                                         : review.in_progress)
                .push_back(at);
            (line.notes.empty() ? review.not_moved : review.moved).push_back(at);
            if (std::fabs(line.progress - line.progress_before) > 1e-9) review.movers.push_back(at);
            review.krs.push_back(std::move(line));
        }
    }
    const auto change = [&](std::size_t at) {
        return std::fabs(review.krs[at].progress - review.krs[at].progress_before);
    };
    std::stable_sort(review.movers.begin(), review.movers.end(),
                     [&](std::size_t a, std::size_t b) { return change(a) > change(b); });
    if (review.movers.size() > 5) review.movers.resize(5);
    Selection kpi_selection;
    kpi_selection.owner = selection.owner;
    kpi_selection.tag = selection.tag;
    for (const KpiRow& k : build_kpi_rows(index, now, kpi_selection)) {
        if (k.dropped) continue;
        if (k.health == Health::warn || k.health == Health::breach) review.kpi_alerts.push_back(k);
        if (k.stale) review.kpi_stale.push_back(k);
    }
    return review;
}

namespace {

constexpr Media k_all = Media::all;
constexpr Media k_term = Media::terminal;
constexpr Media k_docs = Media::documents;

void review_krs(JsonWriter& w, std::string_view key, const Review& rv, const ReviewKrs& list) {
    w.key(key);
    w.begin_array();
    for (const std::size_t at : list) {
        const ReviewKr& kr = rv.krs[at];
        w.begin_object();
        w.field("ref", kr.ref);
        w.field("title", kr.title);
        w.field("owner", kr.owner);
        w.field("score", kr.score);
        w.field("progress", kr.progress);
        w.field("value", kr.value);
        w.field("target", kr.target);
        optional_text(w, "unit", kr.unit);
        w.field("outcome", kr.outcome);
        w.field("value_before", kr.value_before);
        w.field("progress_before", kr.progress_before);
        w.field("delta", kr.value - kr.value_before);
        w.key("days_silent");
        if (kr.days_silent)
            w.value(static_cast<double>(*kr.days_silent));
        else
            w.null();
        w.key("checkins");
        w.begin_array();
        for (const auto& n : kr.notes) {
            w.begin_object();
            w.field("date", n.date.iso());
            w.field("value", n.value);
            w.key("note");
            if (n.note.empty())
                w.null();
            else
                w.value(n.note);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
}

void review_objectives(JsonWriter& w, std::string_view key,
                       const std::vector<ReviewObjective>& list) {
    w.key(key);
    w.begin_array();
    for (const auto& o : list) {
        w.begin_object();
        w.field("ref", o.ref);
        w.field("title", o.title);
        w.field("owner", o.owner);
        w.field("score", o.score);
        optional_text(w, "notes", o.notes);
        w.end_object();
    }
    w.end_array();
}

void kpi_list(JsonWriter& w, std::string_view key, const std::vector<KpiRow>& kpis) {
    w.key(key);
    w.begin_array();
    for (const auto& k : kpis)
        write_kpi(w, k);
    w.end_array();
}

// A list of KRs: reference, owner, value against target, score and outcome; `documents_only`:
// every column only in documents (the terminal names the KRs in lines of its own).
Section kr_section(std::string name, std::string heading, const std::vector<ReviewKr>& krs,
                   const ReviewKrs& list, bool one_file, bool documents_only = false) {
    Section s = sub_section(std::move(name), std::move(heading));
    s.columns = {
        column("kr", "Key result", k_term, Align::left, true),
        column("ref", "Ref", k_docs),
        column("title", "Title", k_docs),
        column("owner", "Owner", k_all, Align::left, true, 3),
        column("now", "Now / target", k_term, Align::left, true, 2, 14),
        column("value", "Value", k_docs),
        column("target", "Target", k_docs),
        column("unit", "Unit", k_docs),
        column("score", "Score", k_all, Align::right),
        column("outcome", "Outcome", k_docs),
    };
    if (documents_only)
        for (auto& c : s.columns)
            c.media = k_docs;
    s.more_rows = {
        list.size(),
        [&krs, &list, one_file, documents_only](std::size_t first, std::size_t last, Media media,
                                                std::vector<SheetRow>& out) {
            // Each cell only where it shows (t: the terminal's columns, d: the documents').
            const bool d = in_documents(media), t = documents_only ? d : in_terminal(media);
            if (documents_only && !d) return;
            for (std::size_t at = first; at < last; ++at) {
                const ReviewKr& kr = krs[list[at]];
                const std::string ref = shown_ref(kr.ref, one_file);
                out.push_back(
                    {"kr", 0,
                     row_cells(
                         t ? text_cell(ref + "  " + kr.title) : SheetCell{},
                         d ? text_cell(ref) : SheetCell{}, d ? text_cell(kr.title) : SheetCell{},
                         text_cell(kr.owner, Style::dim),
                         t ? value_cell(kr.value, kr.target, kr.unit, kr.milestone) : SheetCell{},
                         d ? value_cell(kr.value, std::nullopt, "", kr.milestone) : SheetCell{},
                         d ? value_cell(kr.target, std::nullopt, "", kr.milestone) : SheetCell{},
                         d ? text_cell(kr.unit) : SheetCell{},
                         styled(score_cell(kr.score), style_of(band_for(kr.score))),
                         d ? status_cell(kr.outcome) : SheetCell{})});
            }
        }};
    return s;
}

// KRs over a window: value before and now, the change, the change of progress in points, and
// the notes of the check-ins in the window (under the KR in the terminal).
Section moved_section(std::string name, std::string heading, const std::vector<ReviewKr>& krs,
                      const ReviewKrs& list, bool one_file) {
    Section s = sub_section(std::move(name), std::move(heading));
    s.columns = {
        column("kr", "Key result", k_term, Align::left, true),
        column("ref", "Ref", k_docs),
        column("title", "Title", k_docs),
        column("owner", "Owner", k_docs),
        column("value_before", "Before", k_all, Align::right, false, 3),
        column("value", "Now", k_all, Align::right),
        column("change", "Change", k_all, Align::right),
        column("progress_change", "Progress", k_all, Align::right, false, 2),
        column("unit", "Unit", k_docs),
        column("notes", "Notes", k_docs),
    };
    const std::size_t k_columns = s.columns.size();
    s.more_rows = {
        list.size(), [&krs, &list, one_file, k_columns](std::size_t first, std::size_t last,
                                                        Media media, std::vector<SheetRow>& out) {
            // Each cell only where it shows (t: the terminal's columns, d: the documents').
            const bool t = in_terminal(media), d = in_documents(media);
            for (std::size_t at = first; at < last; ++at) {
                const ReviewKr& kr = krs[list[at]];
                const std::string ref = shown_ref(kr.ref, one_file);
                std::string notes;
                if (d)
                    for (const auto& n : kr.notes)
                        if (!n.note.empty())
                            notes += fmt::format("{}{}: {}", notes.empty() ? "" : "; ",
                                                 n.date.iso(), n.note);
                out.push_back(
                    {"kr", 0,
                     row_cells(t ? text_cell(ref + "  " + kr.title) : SheetCell{},
                               d ? text_cell(ref) : SheetCell{},
                               d ? text_cell(kr.title) : SheetCell{},
                               d ? text_cell(kr.owner) : SheetCell{},
                               styled(value_cell(kr.value_before, std::nullopt, "", kr.milestone),
                                      Style::dim),
                               value_cell(kr.value, std::nullopt, kr.unit, kr.milestone),
                               change_cell(kr.value - kr.value_before),
                               points_cell(kr.progress - kr.progress_before),
                               d ? text_cell(kr.unit) : SheetCell{},
                               d ? text_cell(std::move(notes)) : SheetCell{})});
                if (!t) continue; // the notes under a KR show only in the terminal
                for (const auto& n : kr.notes)
                    if (!n.note.empty()) {
                        SheetRow note{"note", 1, std::vector<SheetCell>(k_columns, text_cell("")),
                                      k_term};
                        note.cells[0] =
                            text_cell(fmt::format("    {}  {}", n.date.iso(), n.note), Style::dim);
                        out.push_back(std::move(note));
                    }
            }
        }};
    return s;
}

Section kpi_section(std::string name, std::string heading, const std::vector<KpiRow>& kpis,
                    bool one_file) {
    Section s = sub_section(std::move(name), std::move(heading));
    s.columns = kpi_columns(false);
    s.more_rows = {kpis.size(), [&kpis, one_file](std::size_t first, std::size_t last, Media,
                                                  std::vector<SheetRow>& out) {
                       for (std::size_t at = first; at < last; ++at) {
                           SheetRow row =
                               kpi_sheet_row(kpis[at], shown_ref(kpis[at].ref, one_file), false);
                           row.kind = "kpi";
                           out.push_back(std::move(row));
                       }
                   }};
    return s;
}

// A terminal line that names an item: "  ref  title", then `tail` spans.
Line item_line(const std::string& ref, const std::string& title, std::vector<Span> tail = {}) {
    Line l = line("  " + ref + "  " + title, Style::plain, k_term);
    for (auto& span : tail)
        l.spans.push_back(std::move(span));
    return l;
}

Line none_line() {
    return line("  none", Style::plain, k_term);
}

} // namespace

std::string review_json(const Review& rv, const Spill& spill) {
    return json_document(spill, [&](JsonWriter& w) {
        write_report_body(w, rv.report);
        write_totals(w, rv.report);
        date_field(w, "since", rv.since);
        w.field("window_start", rv.window_start.iso());
        w.field("overall_before", rv.overall_before);
        w.key("distribution");
        w.begin_object();
        static const char* k_buckets[] = {"0.0-0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", "0.8-1.0"};
        for (std::size_t i = 0; i < 5; ++i)
            w.field(k_buckets[i], static_cast<double>(rv.distribution[i]));
        w.field("green", static_cast<double>(rv.bands[0]));
        w.field("yellow", static_cast<double>(rv.bands[1]));
        w.field("red", static_cast<double>(rv.bands[2]));
        w.end_object();
        review_krs(w, "delivered", rv, rv.delivered);
        review_krs(w, "in_progress", rv, rv.in_progress);
        review_krs(w, "missed", rv, rv.missed);
        review_objectives(w, "missed_commitments", rv.missed_commitments);
        string_array(w, "dropped", rv.dropped);
        review_krs(w, "movers", rv, rv.movers);
        review_krs(w, "no_recent_checkin", rv, rv.silent);
        kpi_list(w, "kpi_alerts", rv.kpi_alerts);
        kpi_list(w, "kpi_stale", rv.kpi_stale);
        review_objectives(w, "notes", rv.retro);
        review_krs(w, "moved", rv, rv.moved);
        review_krs(w, "not_moved", rv, rv.not_moved);
    });
}

Sheet review_sheet(const Review& rv) {
    const Report& r = rv.report;
    const bool one = r.one_file;
    Sheet sheet;
    sheet.title = (r.title.empty() ? std::string() : r.title + " — ") +
                  (rv.since ? "weekly review" : "review");
    sheet.subtitle = report_subtitle(r);
    sheet.head = report_head(r);
    const auto score_text = [](std::optional<double> s) {
        return s ? format_score(*s) : std::string("-");
    };

    Section summary;
    summary.name = summary.heading = "Scores";
    summary.heading_media = k_docs;
    summary.columns = {column("owner", "Owner", k_docs), column("objectives", "Objectives", k_docs),
                       column("score", "Score", k_docs), column("band", "Band", k_docs),
                       column("confidence", "Confidence", k_docs)};
    for (const auto& o : r.owners)
        summary.rows.push_back(
            {"owner",
             0,
             {text_cell(o.owner), number_cell(static_cast<double>(o.objectives)),
              score_cell(o.score), band_cell(o.band), percent_cell(o.confidence)}});
    summary.rows.push_back(
        {"overall",
         0,
         {text_cell("overall"), number_cell(static_cast<double>(r.objectives.size())),
          score_cell(r.overall), band_cell(r.overall_band), text_cell("")}});
    const Span band{std::string(to_string(r.overall_band)), style_of(r.overall_band)};
    // The average confidence of each objective's active KRs, and where a carried one came from.
    Section confidence;
    confidence.name = "Confidence by objective";
    confidence.heading = "Confidence by objective (average of its active KRs)";
    confidence.columns = {column("ref", "Ref", k_docs), column("title", "Title", k_docs),
                          column("score", "Score", k_docs),
                          column("confidence", "Confidence", k_docs),
                          column("carried_from", "Carried from", k_docs)};
    for (const auto& o : r.objectives) {
        if (o.status == Status::dropped) continue;
        const std::string ref = shown_ref(o.ref, one);
        const SheetCell conf = percent_cell(o.confidence);
        confidence.before.push_back(item_line(ref, o.title, {{"  " + conf.text}}));
        if (!o.carried_from.empty())
            confidence.before.push_back(
                line("    carried from " + shown_ref(o.carried_from, one), Style::dim, k_term));
        confidence.rows.push_back({"objective",
                                   0,
                                   {text_cell(ref), text_cell(o.title), score_cell(o.score), conf,
                                    text_cell(shown_ref(o.carried_from, one))}});
    }
    if (confidence.rows.empty()) confidence.before.push_back(none_line());
    if (rv.since) {
        const std::string since = rv.since->iso();
        Line l;
        l.media = k_term;
        l.spans = {{fmt::format("Since {}: overall score {} → {} (", since,
                                score_text(rv.overall_before), score_text(r.overall))},
                   band,
                   {")"}};
        summary.before.push_back(std::move(l));
        summary.after.push_back(
            line(fmt::format("Overall score on {}: {}.", since, score_text(rv.overall_before)),
                 Style::plain, k_docs));
        sheet.sections.push_back(std::move(summary));
        sheet.sections.push_back(std::move(confidence));
        sheet.sections.push_back(moved_section(
            "Moved since " + since, fmt::format("Moved since {} ({})", since, rv.moved.size()),
            rv.krs, rv.moved, one));
        sheet.sections.push_back(kr_section("Did not move",
                                            fmt::format("Did not move ({})", rv.not_moved.size()),
                                            rv.krs, rv.not_moved, one));
        sheet.sections.push_back(
            kpi_section("KPIs in warning or breach",
                        fmt::format("KPIs in warning or breach ({})", rv.kpi_alerts.size()),
                        rv.kpi_alerts, one));
        return sheet;
    }
    Line overall;
    overall.media = k_term;
    overall.spans = {{"Overall score " + score_text(r.overall) + " ("}, band, {")"}};
    summary.before.push_back(std::move(overall));
    for (const auto& o : r.owners) {
        Line l;
        l.media = k_term;
        l.spans = {{fmt::format("  {}  {} (", pad_right(escape_control(o.owner), 12),
                                score_text(o.score))},
                   {std::string(to_string(o.band)), style_of(o.band)},
                   {o.confidence ? ") · confidence " + format_percent(*o.confidence) : ")"}};
        summary.before.push_back(std::move(l));
    }
    summary.after.push_back(line(
        fmt::format("Key result scores: 0.0-0.2: {}, 0.2-0.4: {}, 0.4-0.6: {}, 0.6-0.8: {}, "
                    "0.8-1.0: {} (green {}, yellow {}, red {}).",
                    rv.distribution[0], rv.distribution[1], rv.distribution[2], rv.distribution[3],
                    rv.distribution[4], rv.bands[0], rv.bands[1], rv.bands[2]),
        Style::plain, k_docs));
    sheet.sections.push_back(std::move(summary));
    sheet.sections.push_back(std::move(confidence));

    Section distribution;
    distribution.media = k_term;
    distribution.heading =
        fmt::format("Key result scores ({})", rv.bands[0] + rv.bands[1] + rv.bands[2]);
    static const char* k_buckets[] = {"0.0-0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", "0.8-1.0"};
    std::size_t most = 1;
    for (auto n : rv.distribution)
        most = std::max(most, n);
    for (std::size_t i = 0; i < 5; ++i) {
        std::string blocks;
        for (std::size_t b = 0; b < rv.distribution[i] * 30 / most; ++b)
            blocks += "█";
        Line l;
        l.media = k_term;
        l.spans = {{fmt::format("  {}  {}  ", k_buckets[i],
                                pad_left(fmt::format("{}", rv.distribution[i]), 3))},
                   {blocks, i >= 3   ? Style::green
                            : i == 2 ? Style::yellow
                                     : Style::red}};
        distribution.before.push_back(std::move(l));
    }
    distribution.before.push_back(
        line(fmt::format("  green {} · yellow {} · red {}", rv.bands[0], rv.bands[1], rv.bands[2]),
             Style::plain, k_term));
    sheet.sections.push_back(std::move(distribution));

    Section objectives;
    objectives.name = objectives.heading = "Objectives";
    objectives.media = k_docs;
    objectives.columns = {column("ref", "Ref"),
                          column("title", "Title"),
                          column("owner", "Owner"),
                          column("type", "Type"),
                          column("score", "Score"),
                          column("band", "Band"),
                          column("confidence", "Confidence"),
                          column("note", "Note")};
    for (const auto& o : r.objectives)
        objectives.rows.push_back(
            {o.status == Status::dropped ? "dropped" : "objective",
             0,
             {text_cell(shown_ref(o.ref, one)), text_cell(o.title), text_cell(o.owner),
              text_cell(to_string(o.type)), score_cell(o.score), band_cell(o.band),
              percent_cell(o.confidence),
              text_cell(o.missed_commitment ? "missed commitment"
                        : o.carried_from.empty()
                            ? ""
                            : "carried from " + shown_ref(o.carried_from, one))}});
    sheet.sections.push_back(std::move(objectives));

    sheet.sections.push_back(
        kr_section("Delivered (score >= 0.7)",
                   fmt::format("Delivered, score >= 0.7 ({})", rv.delivered.size()), rv.krs,
                   rv.delivered, one));
    sheet.sections.push_back(kr_section("In progress",
                                        fmt::format("In progress ({})", rv.in_progress.size()),
                                        rv.krs, rv.in_progress, one));
    sheet.sections.push_back(
        kr_section("Missed", fmt::format("Missed ({})", rv.missed.size()), rv.krs, rv.missed, one));

    Section commitments;
    commitments.name = "Missed commitments";
    commitments.heading = fmt::format("Missed commitments ({})", rv.missed_commitments.size());
    commitments.columns = {column("ref", "Ref", k_docs), column("title", "Title", k_docs),
                           column("owner", "Owner", k_docs), column("score", "Score", k_docs)};
    if (rv.missed_commitments.empty()) commitments.before.push_back(none_line());
    for (const auto& o : rv.missed_commitments) {
        const std::string ref = shown_ref(o.ref, one);
        commitments.before.push_back(
            item_line(ref, o.title, {{"  "}, {score_text(o.score), Style::red}}));
        commitments.rows.push_back(
            {"objective",
             0,
             {text_cell(ref), text_cell(o.title), text_cell(o.owner), score_cell(o.score)}});
    }
    sheet.sections.push_back(std::move(commitments));

    Section dropped;
    dropped.name = "Dropped";
    dropped.heading = fmt::format("Dropped ({})", rv.dropped.size());
    dropped.columns = {column("item", "Item", k_docs)};
    if (rv.dropped.empty()) dropped.before.push_back(none_line());
    for (const auto& d : rv.dropped) {
        dropped.before.push_back(line("  " + d, Style::plain, k_term));
        dropped.rows.push_back({"dropped", 0, {text_cell(d)}});
    }
    sheet.sections.push_back(std::move(dropped));

    const std::string window = rv.window_start.iso();
    sheet.sections.push_back(moved_section("Biggest movers since " + window,
                                           "Biggest movers since " + window, rv.krs, rv.movers,
                                           one));

    Section silent = kr_section(
        "No check-in for 14 days",
        fmt::format("No check-in for {} days ({})", k_checkin_gap_days, rv.silent.size()), rv.krs,
        rv.silent, one, true);
    // The terminal names each silent KR on a line with its days; documents keep the table.
    silent.empty.clear();
    if (rv.silent.empty()) silent.before.push_back(none_line());
    for (const std::size_t at : rv.silent) {
        const ReviewKr& kr = rv.krs[at];
        silent.before.push_back(item_line(
            shown_ref(kr.ref, one), kr.title,
            {{"  "}, {fmt::format("{} days", kr.days_silent.value_or(0)), Style::yellow}}));
    }
    sheet.sections.push_back(std::move(silent));

    sheet.sections.push_back(kpi_section(
        "KPIs in warning or breach",
        fmt::format("KPIs in warning or breach ({})", rv.kpi_alerts.size()), rv.kpi_alerts, one));
    sheet.sections.push_back(kpi_section(
        "Stale KPIs", fmt::format("Stale KPIs ({})", rv.kpi_stale.size()), rv.kpi_stale, one));

    Section notes;
    notes.name = notes.heading = "Notes";
    notes.columns = {column("ref", "Ref", k_docs), column("title", "Title", k_docs),
                     column("notes", "Notes", k_docs)};
    if (rv.retro.empty()) notes.before.push_back(none_line());
    for (const auto& o : rv.retro) {
        const std::string ref = shown_ref(o.ref, one);
        notes.before.push_back(item_line(ref, o.title));
        notes.before.push_back(line("    " + o.notes, Style::plain, k_term));
        notes.rows.push_back(
            {"objective", 0, {text_cell(ref), text_cell(o.title), text_cell(o.notes)}});
    }
    sheet.sections.push_back(std::move(notes));
    return sheet;
}

} // namespace okr::report
