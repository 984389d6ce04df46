#include "okr/report/explain.hpp"

#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <string>
#include <vector>

namespace okr::report {
namespace {

// Intermediate numbers show four decimals: enough to follow the arithmetic by hand.
std::string num(double x) {
    return format_number(x, 4);
}

// Numbers that are subtracted one from another, as num() shows them; when two that differ would
// read the same (1 and 1.0000000001 at four decimals), all of them in full (12 significant
// digits, else the shortest form that tells them apart), so that no step divides by a shown 0.
std::vector<std::string> nums_apart(const std::vector<double>& values) {
    auto show_all = [&](auto show) {
        std::vector<std::string> out;
        for (const double v : values)
            out.push_back(show(v));
        for (std::size_t i = 0; i < values.size(); ++i)
            for (std::size_t j = 0; j < values.size(); ++j)
                if (values[i] != values[j] && out[i] == out[j]) return std::vector<std::string>{};
        return out;
    };
    if (auto out = show_all(num); !out.empty()) return out;
    if (auto out = show_all([](double v) { return fmt::format("{}", tidy(v)); }); !out.empty())
        return out;
    return show_all([](double v) { return fmt::format("{}", v); });
}

// `= p`, or why there is no number: a quotient beyond the largest double (a span of 1e-300).
std::string quotient(double p) {
    if (std::isfinite(p)) return "= " + num(p);
    return fmt::format("is beyond the largest number ({}infinite): no progress shows (-)",
                       p < 0 ? "minus " : "");
}

std::string where(const std::string& path, SourcePos pos) {
    return pos.line ? fmt::format("{}:{}", path, pos.line) : path;
}

std::string with_unit(double x, const std::string& unit) {
    if (unit.empty()) return num(x);
    if (unit == "%") return num(x) + "%";
    return num(x) + " " + unit;
}

ExplainStep& add(Explanation& e, std::string step, std::string label) {
    e.steps.push_back({std::move(step), std::move(label), {}, {}});
    return e.steps.back();
}

const char* status_word(Status s) {
    return s == Status::none ? "no status" : to_string(s);
}

// The cycle an objective is graded in, as `evaluate` sees it: unknown cycles end on the as-of date.
Cycle cycle_of(const WorkspaceIndex& index, const Objective& obj, Date as_of, bool& known) {
    const Cycle* c = index.cycle(obj.cycle);
    known = c != nullptr;
    return c ? *c : Cycle{obj.cycle, as_of, as_of};
}

void cycle_steps(Explanation& e, const Cycle& c, bool known, Date as_of) {
    ExplainStep& cy = add(e, "cycle", "Cycle");
    if (known)
        cy.lines.push_back(fmt::format("{}: S = {}, E = {}, E - S = {} days", c.name, c.start.iso(),
                                       c.end.iso(), c.end - c.start));
    else
        cy.lines.push_back(fmt::format("{} is not a known cycle: graded as if it ended on {}",
                                       c.name, as_of.iso()));
    cy.values = {{"name", c.name},
                 {"start", c.start.iso()},
                 {"end", c.end.iso()},
                 {"days", static_cast<double>(c.end - c.start)}};
    const double t = c.elapsed(as_of);
    ExplainStep& el = add(e, "elapsed", "Elapsed");
    const int days = as_of - c.start;
    const int length = c.end - c.start;
    if (length <= 0)
        el.lines.push_back(fmt::format("D = {}: t = {}", as_of.iso(), num(t)));
    else if (days < 0)
        el.lines.push_back(fmt::format("D = {} is before S: t = clamp({} / {}, 0, 1) = 0",
                                       as_of.iso(), days, length));
    else if (days > length)
        el.lines.push_back(fmt::format("D = {} is after E: t = clamp({} / {}, 0, 1) = 1",
                                       as_of.iso(), days, length));
    else
        el.lines.push_back(fmt::format("D = {}: D - S = {} days; t = {} / {} = {} ({} expected)",
                                       as_of.iso(), days, days, length, num(t), format_percent(t)));
    el.values = {{"as_of", as_of.iso()}, {"days_elapsed", static_cast<double>(days)}, {"t", t}};
}

// The status `evaluate` gives: dropped; closed from the day its objective was closed on; else
// by the score and the gap to t.
Status status_of(bool dropped, const Objective& obj, Date as_of, std::optional<double> score,
                 double t) {
    if (dropped) return Status::dropped;
    if (obj.closed && as_of >= *obj.closed) return Status::closed;
    return status_for(score, t);
}

void status_step(Explanation& e, std::optional<double> score, double t, Status status,
                 std::optional<Date> closed) {
    ExplainStep& st = add(e, "status", "Status");
    st.values = {{"t", t}};
    if (status == Status::dropped) {
        st.lines.push_back("dropped: it counts in no score");
    } else if (status == Status::closed) {
        st.lines.push_back(fmt::format("closed on {}: its grade is frozen, so the gap to t no "
                                       "longer makes a status",
                                       closed->iso()));
    } else if (!score) {
        st.lines.push_back("no score, so no status");
    } else if (as_shown(*score) >= 1) {
        st.lines.push_back(fmt::format("s = {} >= 1: done", num(*score)));
    } else {
        const double gap = t - *score;
        const char* range = status == Status::on_track  ? "<= 0.10"
                            : status == Status::at_risk ? "> 0.10 and <= 0.25"
                                                        : "> 0.25";
        st.lines.push_back(fmt::format("gap = t - s = {} - {} = {}, {}: {}", num(t), num(*score),
                                       num(gap), range, status_word(status)));
        st.lines.push_back("(on-track when gap <= 0.10, at-risk when <= 0.25, off-track beyond)");
        st.values.emplace_back("gap", gap);
    }
    st.values.emplace_back("status", std::string(status_word(status)));
}

std::string band_rule(Band b) {
    switch (b) {
    case Band::green:
        return "green (>= 0.7)";
    case Band::yellow:
        return "yellow (>= 0.4, below 0.7)";
    case Band::red:
        return "red (below 0.4)";
    case Band::none:
        break;
    }
    return "none";
}

struct Counted {
    const Checkin* c;
    std::string reason; // empty: counted
};

// The head every explanation starts with: what is explained, where it is written, as of when.
Explanation start_explanation(std::string kind, std::string ref, std::string title,
                              const std::string& path, SourcePos pos, Date as_of) {
    Explanation e;
    e.kind = std::move(kind);
    e.ref = std::move(ref);
    e.title = std::move(title);
    e.file = path;
    e.line = pos.line;
    e.as_of = as_of;
    return e;
}

} // namespace

Explanation explain_kr(const WorkspaceIndex& index, KrRef ref, Date as_of) {
    const GoalFile& file = index.workspace().files[ref.file];
    const Objective& obj = index.at(ObjectiveRef{ref.file, ref.objective});
    const KeyResult& kr = index.at(ref);
    Explanation e = start_explanation("kr", index.ref_of(ref), kr.title, file.path, kr.pos, as_of);
    bool known = false;
    const Cycle cycle = cycle_of(index, obj, as_of, known);
    cycle_steps(e, cycle, known, as_of);
    const double t = cycle.elapsed(as_of);

    if (obj.closed) {
        ExplainStep& cl = add(e, "closed", "Closed");
        cl.lines.push_back(fmt::format(
            "objective {} closed on {} ({}): its grade is the score frozen in the file, and "
            "check-ins after that date are skipped",
            index.ref_of(ObjectiveRef{ref.file, ref.objective}), obj.closed->iso(),
            where(file.path, obj.closed_pos)));
        cl.values = {{"closed", obj.closed->iso()}};
    }

    // Where the current value comes from: the KR's own check-ins, or its KPI's.
    const std::vector<Checkin>* source = &kr.checkins;
    std::string source_path = file.path;
    const Kpi* kpi = nullptr;
    std::string kpi_ref;
    static const std::vector<Checkin> k_none;
    if (kr.kpi) {
        auto r = index.kpi(kr.kpi->text, ref.file, WorkspaceIndex::Explain::found);
        ExplainStep& k = add(e, "kpi", "KPI");
        if (r.found) {
            kpi = &index.at(*r.found);
            kpi_ref = index.ref_of(*r.found);
            source = &kpi->checkins;
            source_path = index.workspace().files[r.found->file].path;
            k.lines.push_back(fmt::format("follows KPI {}: its check-ins dated from S to "
                                          "min(D, E) count, its older history does not",
                                          kpi_ref));
            k.values = {{"kpi", kpi_ref}, {"resolved", true}};
        } else {
            source = &k_none;
            k.lines.push_back(
                fmt::format("follows KPI {}, which does not resolve: the KR keeps its start value",
                            kr.kpi->text));
            k.values = {{"kpi", kr.kpi->text}, {"resolved", false}};
        }
    }

    // Which check-ins count: on or before min(D, E) (and `closed`), and for a KPI from S on.
    std::vector<Counted> all;
    for (const Checkin& c : *source) {
        std::string reason;
        if (c.date > as_of)
            reason = fmt::format("future: after the as-of date {}", as_of.iso());
        else if (known && c.date > cycle.end)
            reason = fmt::format("after the cycle's end {}", cycle.end.iso());
        else if (obj.closed && c.date > *obj.closed)
            reason = fmt::format("after `closed` = {}", obj.closed->iso());
        else if (!counts_after_close(c, obj.closed))
            reason = fmt::format("recorded {}, after `closed` = {}: history, not the frozen grade",
                                 c.recorded->iso(), obj.closed->iso());
        else if (kpi && c.date < cycle.start)
            reason = fmt::format("before the cycle's start {}", cycle.start.iso());
        all.push_back({&c, std::move(reason)});
    }
    const Checkin* latest = nullptr;
    std::vector<const Checkin*> counted;
    for (const Counted& c : all)
        if (c.reason.empty()) {
            counted.push_back(c.c);
            if (!latest || c.c->date >= latest->date) latest = c.c;
        }
    ExplainStep& ch = add(e, "checkins", "Check-ins");
    auto checkin_text = [&](const Checkin& c) {
        return fmt::format("{} value {} ({})", c.date.iso(), num(c.value),
                           where(source_path, c.pos));
    };
    if (latest) {
        ch.lines.push_back("used " + checkin_text(*latest) + ": the latest that counts");
        ch.values = {{"used_date", latest->date.iso()},
                     {"used_value", latest->value},
                     {"used_file", source_path},
                     {"used_line", static_cast<double>(latest->pos.line)}};
    } else {
        ch.lines.push_back(source->empty() ? "none in the file" : "none counts");
        ch.values = {{"used_date", std::monostate{}}};
    }
    std::size_t earlier = 0;
    for (const Counted& c : all)
        if (c.reason.empty() && c.c != latest) ++earlier;
    if (earlier)
        ch.lines.push_back(fmt::format("{} earlier check-in{} count{} for the forecast only",
                                       earlier, earlier == 1 ? "" : "s", earlier == 1 ? "s" : ""));
    double skipped = 0;
    for (const Counted& c : all)
        if (!c.reason.empty()) {
            ch.lines.push_back("skipped " + checkin_text(*c.c) + ": " + c.reason);
            ++skipped;
        }
    ch.values.emplace_back("counted", static_cast<double>(counted.size()));
    ch.values.emplace_back("skipped", skipped);

    // Start, target and current.
    double current = kr.start;
    std::string from = "its start (no check-in counts)";
    if (latest) {
        current = latest->value;
        from = fmt::format("the check-in of {}", latest->date.iso());
    } else if (kr.current && !kr.kpi) {
        current = *kr.current;
        from = fmt::format("the `current` key ({})", where(file.path, kr.current_pos));
    }
    ExplainStep& va = add(e, "values", "Values");
    if (kr.type == KrType::milestone)
        va.lines.push_back(fmt::format("milestone: start 0, target 1 (done), current {} from {}",
                                       num(current), from));
    else
        va.lines.push_back(fmt::format("start {}, target {}, current {} from {}",
                                       with_unit(kr.start, kr.unit), with_unit(kr.target, kr.unit),
                                       with_unit(current, kr.unit), from));
    va.values = {{"start", kr.start}, {"target", kr.target}, {"current", current}};

    const double p = progress(kr.start, kr.target, current);
    ExplainStep& pr = add(e, "progress", "Progress");
    const std::vector<std::string> cst = nums_apart({current, kr.start, kr.target});
    pr.lines.push_back(fmt::format("p = (current - start) / (target - start) = ({} - {}) / ({} - "
                                   "{}) = {} / {} {}",
                                   cst[0], cst[1], cst[2], cst[1], num(current - kr.start),
                                   num(kr.target - kr.start), quotient(p)));
    pr.values = {{"progress", p}};

    const bool dropped = kr.dropped || obj.dropped;
    std::optional<double> score;
    ExplainStep& sc = add(e, "score", "Score");
    if (dropped) {
        sc.lines.push_back(kr.dropped ? "the KR is dropped: no score"
                                      : "its objective is dropped: no score");
        sc.values = {{"score", std::monostate{}}, {"dropped", true}};
    } else if (kr.score) {
        score = *kr.score;
        sc.lines.push_back(fmt::format(
            "s = {}, the `score` in the file{}: it overrides clamp(p, 0, 1) = {}", num(*kr.score),
            obj.closed ? fmt::format(", frozen on {} by `okr close`", obj.closed->iso()) : "",
            num(std::clamp(p, 0.0, 1.0))));
        // A grade in a closed objective is the frozen one, not a manual score (SPEC §10).
        sc.values = {{"score", *kr.score}, {"manual", !obj.closed}};
        if (obj.closed) sc.values.emplace_back("frozen_on", obj.closed->iso());
    } else {
        score = std::clamp(p, 0.0, 1.0);
        sc.lines.push_back(
            fmt::format("s = clamp(p, 0, 1) = {}, shown as {}", num(*score), format_score(*score)));
        sc.values = {{"score", *score}, {"manual", false}};
    }
    const Status status = status_of(dropped, obj, as_of, score, t);
    status_step(e, score, t, status, obj.closed);

    // Confidence: the latest counted check-in that states one.
    const Checkin* confident = nullptr;
    for (const Checkin* c : counted)
        if (c->has_confidence() && (!confident || c->date >= confident->date)) confident = c;
    ExplainStep& co = add(e, "confidence", "Confidence");
    if (confident) {
        co.lines.push_back(fmt::format("{}, from the check-in of {} ({})",
                                       num(*confident->confidence), confident->date.iso(),
                                       where(source_path, confident->pos)));
        co.values = {{"confidence", *confident->confidence}};
    } else {
        co.lines.push_back("none stated");
        co.values = {{"confidence", std::monostate{}}};
    }

    // The forecast: least squares through (0, start) and the counted check-ins.
    ExplainStep& fo = add(e, "forecast", "Forecast");
    std::vector<std::pair<double, double>> points{{0.0, kr.start}};
    for (const Checkin* c : counted)
        points.emplace_back(static_cast<double>(c->date - cycle.start), c->value);
    std::vector<std::string> shown;
    for (const auto& [x, y] : points)
        shown.push_back(fmt::format("({}, {})", num(x), num(y)));
    fo.lines.push_back(fmt::format("points (days since S, value): {}", fmt::join(shown, ", ")));
    double mx = 0, my = 0;
    for (const auto& [x, y] : points) {
        mx += x;
        my += y;
    }
    mx /= static_cast<double>(points.size());
    my /= static_cast<double>(points.size());
    double sxx = 0, sxy = 0;
    for (const auto& [x, y] : points) {
        sxx += (x - mx) * (x - mx);
        sxy += (x - mx) * (y - my);
    }
    std::optional<double> forecast, forecast_score;
    if (counted.empty() || sxx <= 0) {
        fo.lines.push_back("no forecast: it needs a check-in on a day after S");
        fo.values = {{"forecast_value", std::monostate{}}};
    } else {
        const double slope = sxy / sxx;
        const double length = cycle.end - cycle.start;
        forecast = my + slope * (length - mx);
        forecast_score = std::clamp(progress(kr.start, kr.target, *forecast), 0.0, 1.0);
        fo.lines.push_back(fmt::format("means {} days and {}; slope {} / {} = {} a day", num(mx),
                                       num(my), num(sxy), num(sxx), num(slope)));
        fo.lines.push_back(fmt::format("at E (day {}): {} + {} × ({} - {}) = {}", num(length),
                                       num(my), num(slope), num(length), num(mx),
                                       with_unit(*forecast, kr.unit)));
        const std::vector<std::string> fst = nums_apart({*forecast, kr.start, kr.target});
        fo.lines.push_back(fmt::format("projected score clamp(({} - {}) / ({} - {}), 0, 1) = {}",
                                       fst[0], fst[1], fst[2], fst[1], num(*forecast_score)));
        fo.values = {{"mean_day", mx},
                     {"mean_value", my},
                     {"slope", slope},
                     {"forecast_value", *forecast},
                     {"forecast", *forecast_score}};
    }

    e.result.current = current;
    e.result.progress = p;
    e.result.score = score;
    e.result.status = status;
    e.result.band = band_for(score);
    e.result.confidence = confident ? std::optional<double>(confident->confidence) : std::nullopt;
    e.result.forecast = forecast_score;
    e.result.forecast_value = forecast;
    return e;
}

Explanation explain_objective(const WorkspaceIndex& index, ObjectiveRef ref, Date as_of) {
    const GoalFile& file = index.workspace().files[ref.file];
    const Objective& obj = index.at(ref);
    Explanation e =
        start_explanation("objective", index.ref_of(ref), obj.title, file.path, obj.pos, as_of);
    bool known = false;
    const Cycle cycle = cycle_of(index, obj, as_of, known);
    cycle_steps(e, cycle, known, as_of);
    const double t = cycle.elapsed(as_of);
    if (obj.carried_from) {
        ExplainStep& ca = add(e, "carried_from", "Carried");
        ca.lines.push_back(
            fmt::format("continues {} from an earlier cycle", obj.carried_from->text));
        ca.values = {{"carried_from", obj.carried_from->text}};
    }
    if (obj.closed) {
        ExplainStep& cl = add(e, "closed", "Closed");
        cl.lines.push_back(fmt::format("closed on {} ({}): its KRs' scores are frozen in the file",
                                       obj.closed->iso(), where(file.path, obj.closed_pos)));
        cl.values = {{"closed", obj.closed->iso()}};
    }

    ExplainStep& krs = add(e, "key_results", "Key results");
    std::vector<std::string> products, weights;
    double sum = 0, total = 0;
    std::vector<double> confidences;
    for (std::size_t k = 0; k < obj.krs.size(); ++k) {
        const KeyResult& kr = obj.krs[k];
        const Explanation ke = explain_kr(index, KrRef{ref.file, ref.objective, k}, as_of);
        if (ke.result.status == Status::dropped || !ke.result.score) {
            krs.lines.push_back(
                fmt::format("{}  weight {}  dropped: not counted", kr.id, num(kr.weight)));
            continue;
        }
        const double s = *ke.result.score;
        krs.lines.push_back(fmt::format("{}  weight {}  score {}{}", kr.id, num(kr.weight), num(s),
                                        kr.score ? " (from the file)" : ""));
        products.push_back(fmt::format("{} × {}", num(s), num(kr.weight)));
        weights.push_back(num(kr.weight));
        sum += s * kr.weight;
        total += kr.weight;
        if (ke.result.confidence) confidences.push_back(*ke.result.confidence);
    }
    if (obj.krs.empty()) krs.lines.push_back("none");

    std::optional<double> score;
    ExplainStep& me = add(e, "score", "Score");
    if (obj.dropped) {
        me.lines.push_back("the objective is dropped: no score");
        me.values = {{"score", std::monostate{}}, {"dropped", true}};
    } else if (total <= 0) {
        me.lines.push_back("no active key result: no score");
        me.values = {{"score", std::monostate{}}};
    } else {
        score = sum / total;
        me.lines.push_back(fmt::format("weighted mean ({}) / ({}) = {} / {} = {}, shown as {}",
                                       fmt::join(products, " + "), fmt::join(weights, " + "),
                                       num(sum), num(total), num(*score), format_score(*score)));
        me.values = {{"weighted_sum", sum}, {"weights", total}, {"score", *score}};
    }
    const Status status = status_of(obj.dropped, obj, as_of, score, t);
    status_step(e, score, t, status, obj.closed);
    const Band band = obj.dropped ? Band::none : band_for(score);
    ExplainStep& ba = add(e, "band", "Band");
    ba.lines.push_back(score ? fmt::format("{} is {}", format_score(*score), band_rule(band))
                             : "no score, no band");
    ba.values = {{"band", std::string(to_string(band))}};
    if (obj.type == ObjectiveType::committed) {
        ExplainStep& mc = add(e, "commitment", "Commitment");
        const bool missed = known && as_of > cycle.end && score && *score < 1;
        mc.lines.push_back(missed ? "committed, the cycle has ended below 1.0: a missed commitment"
                           : as_of > cycle.end ? "committed, and met"
                                               : "committed: graded at the end of the cycle");
        mc.values = {{"missed_commitment", missed}};
    }
    ExplainStep& co = add(e, "confidence", "Confidence");
    std::optional<double> confidence;
    if (confidences.empty()) {
        co.lines.push_back("no active key result states one");
        co.values = {{"confidence", std::monostate{}}};
    } else {
        double c = 0;
        std::vector<std::string> parts;
        for (double v : confidences) {
            c += v;
            parts.push_back(num(v));
        }
        confidence = c / static_cast<double>(confidences.size());
        co.lines.push_back(fmt::format("mean of the active KRs' confidences ({}) / {} = {}",
                                       fmt::join(parts, " + "), confidences.size(),
                                       num(*confidence)));
        co.values = {{"confidence", *confidence}};
    }
    e.result.score = score;
    e.result.status = status;
    e.result.band = band;
    e.result.confidence = confidence;
    return e;
}

Explanation explain_kpi(const WorkspaceIndex& index, KpiRef ref, Date as_of) {
    const GoalFile& file = index.workspace().files[ref.file];
    const Kpi& k = index.at(ref);
    Explanation e = start_explanation("kpi", index.ref_of(ref), k.title, file.path, k.pos, as_of);

    ExplainStep& bo = add(e, "bounds", "Bounds");
    std::string rule;
    if (k.min && k.max)
        rule = fmt::format("a band: ok inside [{}, {}], else breach", num(*k.min), num(*k.max));
    else if (k.min)
        rule = k.warn
                   ? fmt::format("higher is better: ok at or above {}, warn from {} up to "
                                 "it, breach below {}",
                                 num(*k.min), num(*k.warn), num(*k.warn))
                   : fmt::format("higher is better: ok at or above {}, else breach", num(*k.min));
    else if (k.max)
        rule = k.warn ? fmt::format("lower is better: ok at or below {}, warn above it up to "
                                    "{}, breach above {}",
                                    num(*k.max), num(*k.warn), num(*k.warn))
                      : fmt::format("lower is better: ok at or below {}, else breach", num(*k.max));
    bo.lines.push_back(rule);
    bo.values = {{"min", k.min ? ExplainValue(*k.min) : ExplainValue()},
                 {"max", k.max ? ExplainValue(*k.max) : ExplainValue()},
                 {"warn", k.warn ? ExplainValue(*k.warn) : ExplainValue()}};

    const Checkin* latest = nullptr;
    std::vector<const Checkin*> future;
    for (const Checkin& c : k.checkins) {
        if (c.date > as_of) {
            future.push_back(&c);
            continue;
        }
        if (!latest || c.date >= latest->date) latest = &c;
    }
    ExplainStep& ch = add(e, "checkins", "Check-ins");
    if (latest) {
        ch.lines.push_back(fmt::format("used {} value {} ({}): the latest on or before {}",
                                       latest->date.iso(), num(latest->value),
                                       where(file.path, latest->pos), as_of.iso()));
        ch.values = {{"used_date", latest->date.iso()},
                     {"used_value", latest->value},
                     {"used_file", file.path},
                     {"used_line", static_cast<double>(latest->pos.line)}};
    } else {
        ch.lines.push_back("none on or before the as-of date");
        ch.values = {{"used_date", std::monostate{}}};
    }
    for (const Checkin* c : future)
        ch.lines.push_back(fmt::format("skipped {} value {} ({}): future: after the as-of date {}",
                                       c->date.iso(), num(c->value), where(file.path, c->pos),
                                       as_of.iso()));
    ch.values.emplace_back("skipped", static_cast<double>(future.size()));

    const std::optional<double> value =
        latest ? std::optional<double>(latest->value) : std::nullopt;
    const Health health = kpi_health(k, value);
    ExplainStep& he = add(e, "health", "Health");
    if (!value) {
        he.lines.push_back("no value: unknown");
    } else {
        const double v = *value;
        std::string why;
        if (k.min && k.max)
            why = health == Health::ok
                      ? fmt::format("{} <= {} <= {}", num(*k.min), num(v), num(*k.max))
                      : fmt::format("{} is outside [{}, {}]", num(v), num(*k.min), num(*k.max));
        else if (k.min)
            why = health == Health::ok     ? fmt::format("{} >= min {}", num(v), num(*k.min))
                  : health == Health::warn ? fmt::format("{} < min {}, but >= warn {}", num(v),
                                                         num(*k.min), num(*k.warn))
                  : k.warn                 ? fmt::format("{} < warn {}", num(v), num(*k.warn))
                                           : fmt::format("{} < min {}", num(v), num(*k.min));
        else if (k.max)
            why = health == Health::ok     ? fmt::format("{} <= max {}", num(v), num(*k.max))
                  : health == Health::warn ? fmt::format("{} > max {}, but <= warn {}", num(v),
                                                         num(*k.max), num(*k.warn))
                  : k.warn                 ? fmt::format("{} > warn {}", num(v), num(*k.warn))
                                           : fmt::format("{} > max {}", num(v), num(*k.max));
        he.lines.push_back(fmt::format("{}: {}", why, to_string(health)));
    }
    he.values = {{"value", value ? ExplainValue(*value) : ExplainValue()},
                 {"health", std::string(to_string(health))}};

    ExplainStep& sl = add(e, "stale", "Stale");
    bool stale = false;
    if (!k.frequency) {
        sl.lines.push_back("no frequency: never stale");
    } else if (!latest) {
        sl.lines.push_back(fmt::format("{}, but no check-in yet: not stale (due: see okr due)",
                                       to_string(*k.frequency)));
    } else {
        const int age = as_of - latest->date;
        const int period = period_days(*k.frequency);
        stale = age > period;
        sl.lines.push_back(fmt::format("{}: one period is {} days; the latest check-in is {} days "
                                       "old: {}",
                                       to_string(*k.frequency), period, age,
                                       stale ? fmt::format("older than {}, stale", period)
                                             : fmt::format("at most {}, not stale", period)));
        sl.values = {{"age_days", static_cast<double>(age)},
                     {"period_days", static_cast<double>(period)}};
    }
    sl.values.emplace_back("stale", stale);
    e.result.value = value;
    e.result.health = health;
    e.result.stale = stale;
    return e;
}

namespace {

constexpr Media k_term = Media::terminal;
constexpr Media k_docs = Media::documents;

} // namespace

std::string explain_json(const Explanation& e, const Spill& spill) {
    std::string out;
    JsonWriter w(out, spill);
    auto put = [&](std::string_view key, const ExplainValue& v) {
        w.key(key);
        if (const double* d = std::get_if<double>(&v))
            w.value(*d);
        else if (const std::string* s = std::get_if<std::string>(&v))
            w.value(*s);
        else if (const bool* b = std::get_if<bool>(&v))
            w.value(*b);
        else
            w.null();
    };
    auto opt = [](std::optional<double> d) { return d ? ExplainValue(*d) : ExplainValue(); };
    w.begin_object();
    w.field("schema_version", 1.0);
    w.field("as_of", e.as_of.iso());
    w.field("kind", e.kind);
    w.field("ref", e.ref);
    w.field("title", e.title);
    w.field("file", e.file);
    w.field("line", static_cast<double>(e.line));
    w.key("steps");
    w.begin_array();
    for (const ExplainStep& s : e.steps) {
        w.begin_object();
        w.field("step", s.step);
        w.key("text");
        w.begin_array();
        for (const std::string& l : s.lines)
            w.value(l);
        w.end_array();
        for (const auto& [k, v] : s.values)
            put(k, v);
        w.end_object();
    }
    w.end_array();
    w.key("result");
    w.begin_object();
    if (e.kind == "kpi") {
        put("value", opt(e.result.value));
        w.field("health", to_string(e.result.health));
        w.field("stale", e.result.stale);
    } else {
        if (e.kind == "kr") {
            put("current", opt(e.result.current));
            put("progress", opt(e.result.progress));
        }
        put("score", opt(e.result.score));
        put("status", e.result.status == Status::none
                          ? ExplainValue()
                          : ExplainValue(std::string(to_string(e.result.status))));
        put("band", e.result.band == Band::none
                        ? ExplainValue()
                        : ExplainValue(std::string(to_string(e.result.band))));
        put("confidence", opt(e.result.confidence));
        if (e.kind == "kr") {
            put("forecast", opt(e.result.forecast));
            put("forecast_value", opt(e.result.forecast_value));
        }
    }
    w.end_object();
    w.end_object();
    out += '\n';
    return out;
}

Sheet explain_sheet(const Explanation& e) {
    const char* kind = e.kind == "kr" ? "Key result" : e.kind == "kpi" ? "KPI" : "Objective";
    Sheet sheet;
    sheet.title = fmt::format("{} {}: {}", kind, e.ref, e.title);
    sheet.subtitle = {fmt::format("{}:{}", e.file, e.line), "as of " + e.as_of.iso()};
    sheet.head = {
        line(fmt::format("{} {}  {}", kind, e.ref, e.title), Style::bold, k_term),
        line(fmt::format("{}:{} · as of {}", e.file, e.line, e.as_of.iso()), Style::dim, k_term),
        line({}, Style::plain, k_term)};
    Section s = titled_section("Steps");
    s.columns = {column("step", "Step", k_docs), column("text", "Text", k_docs)};
    // The terminal aligns each step's lines after its label; no width cuts a formula.
    std::size_t width = 0;
    for (const ExplainStep& step : e.steps)
        width = std::max(width, display_width(step.label));
    for (const ExplainStep& step : e.steps)
        for (std::size_t i = 0; i < step.lines.size(); ++i) {
            Line l;
            l.media = k_term;
            l.spans = {{i == 0 ? pad_right(step.label, width) : std::string(width, ' '),
                        i == 0 ? Style::bold : Style::plain},
                       {"  " + step.lines[i]}};
            s.before.push_back(std::move(l));
            s.rows.push_back({"step", 0, {text_cell(step.label), text_cell(step.lines[i])}});
        }
    sheet.sections.push_back(std::move(s));
    return sheet;
}

} // namespace okr::report
