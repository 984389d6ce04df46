#include "okr/report/score.hpp"

#include "okr/report/status.hpp"
#include "okr/report/text.hpp"

namespace okr::report {

namespace {

constexpr Media k_all = Media::all;
constexpr Media k_term = Media::terminal;
constexpr Media k_docs = Media::documents;

} // namespace

void write_totals(JsonWriter& w, const Report& r) {
    write_owners(w, r);
    w.field("overall", r.overall);
    band_field(w, r.overall_band);
}

std::string score_json(const Report& report, const Spill& spill) {
    return json_document(spill, [&](JsonWriter& w) {
        write_report_body(w, report);
        write_totals(w, report);
    });
}

Sheet score_sheet(const Report& r) {
    Sheet sheet;
    sheet.title = r.title.empty() ? "Scores" : r.title + " — scores";
    sheet.subtitle = report_subtitle(r);
    sheet.head = report_head(r);
    const bool refs = multi_file(r);
    Section s = titled_section("Grading sheet");
    s.empty = "No objectives in this selection. Try --cycle all.";
    s.columns = {
        column("item", "Objective / key result", k_term, Align::left, true),
        column("ref", "Ref", k_docs),
        column("title", "Title", k_docs),
        column("owner", "Owner", k_term, Align::left, true, 3),
        column("owner", "Owner", k_docs),
        column("type", "Type", k_all, Align::left, false, 2),
        column("weight", "Weight", k_all, Align::right, false, 4),
        column("score", "Score", k_all, Align::right),
        column("band", "Band"),
        column("note", "Note", k_all, Align::left, true, 5),
    };
    // The rows of each objective and its KRs, a window at a time, each cell only where it shows
    // (t: the terminal's columns, d: the documents').
    s.more_rows = {
        r.objectives.size(),
        [&r, refs](std::size_t first, std::size_t last, Media media, std::vector<SheetRow>& out) {
            const bool t = in_terminal(media), d = in_documents(media);
            for (std::size_t at = first; at < last; ++at) {
                const ObjectiveRow& o = r.objectives[at];
                std::string note;
                // A closed objective's grade is the one `okr close` froze (SPEC §10).
                const std::string frozen = o.closed ? "frozen on " + o.closed->iso() : "";
                if (o.status == Status::dropped)
                    note = "dropped";
                else if (o.closed)
                    note = frozen;
                if (o.missed_commitment)
                    note = "missed commitment" + (frozen.empty() ? "" : "; " + frozen);
                out.push_back(
                    {o.status == Status::dropped ? "dropped" : "objective", 0,
                     row_cells(
                         t ? text_cell((refs ? o.ref : o.id) + "  " + o.title, Style::bold)
                           : SheetCell{},
                         d ? text_cell(o.ref) : SheetCell{}, d ? text_cell(o.title) : SheetCell{},
                         t ? text_cell(o.owner) : SheetCell{}, d ? text_cell(o.owner) : SheetCell{},
                         text_cell(to_string(o.type),
                                   o.type == ObjectiveType::committed ? Style::bold : Style::plain),
                         number_cell(o.weight), styled(score_cell(o.score), style_of(o.band)),
                         band_cell(o.band),
                         text_cell(std::move(note),
                                   o.missed_commitment ? Style::red : Style::dim))});
                for (const auto& kr : o.krs) {
                    const bool dropped = kr.status == Status::dropped;
                    out.push_back(
                        {dropped ? "dropped" : "kr", 1,
                         row_cells(t ? text_cell("  " + kr.id + "  " + kr.title,
                                                 dropped ? Style::dim : Style::plain)
                                     : SheetCell{},
                                   d ? text_cell(kr.ref) : SheetCell{},
                                   d ? text_cell(kr.title) : SheetCell{},
                                   t ? text_cell(kr.owner == o.owner ? "" : kr.owner) : SheetCell{},
                                   d ? text_cell(kr.owner) : SheetCell{}, text_cell(""),
                                   number_cell(kr.weight),
                                   styled(score_cell(kr.score), style_of(kr.band)),
                                   band_cell(kr.band),
                                   text_cell(dropped                       ? "dropped"
                                             : o.closed && kr.manual_score ? frozen
                                             : kr.manual_score             ? "manual score"
                                                                           : "",
                                             Style::dim))});
                }
            }
        }};
    sheet.sections.push_back(std::move(s));
    Section totals;
    if (r.objectives.empty()) totals.media = k_docs;
    totals.name = totals.heading = "Totals";
    totals.heading_media = k_docs;
    totals.before.push_back(line({}, Style::plain, k_term));
    totals.columns = {column("owner", "Owner", k_all, Align::left, true),
                      column("objectives", "Objectives", k_all, Align::right),
                      column("score", "Score", k_all, Align::right), column("band", "Band")};
    for (const auto& o : r.owners)
        totals.rows.push_back({"owner",
                               0,
                               {text_cell(o.owner.empty() ? "(no owner)" : o.owner),
                                number_cell(static_cast<double>(o.objectives)),
                                styled(score_cell(o.score), style_of(o.band)), band_cell(o.band)}});
    std::size_t counted = 0;
    for (const auto& o : r.owners)
        counted += o.objectives;
    totals.rows.push_back(
        {"overall",
         0,
         {text_cell("overall", Style::bold),
          styled(number_cell(static_cast<double>(counted)), Style::bold),
          styled(score_cell(r.overall), style_of(r.overall_band)), band_cell(r.overall_band)}});
    sheet.sections.push_back(std::move(totals));
    return sheet;
}

} // namespace okr::report
