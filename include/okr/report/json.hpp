#pragma once
// JSON output (SPEC §9): one document per command, stable key names, null for missing numbers.

#include "okr/core/diagnostic.hpp"
#include "okr/report/log.hpp"
#include "okr/report/review.hpp"
#include "okr/report/rows.hpp"
#include "okr/report/tree.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okr::report {

// A small streaming JSON writer that inserts commas and escapes strings.
class JsonWriter {
  public:
    explicit JsonWriter(std::string& out) : m_out(out) {}
    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    void key(std::string_view k);
    void value(std::string_view s);
    void value(const char* s) { value(std::string_view(s)); }
    void value(double d);
    void value(bool b);
    void value(std::optional<double> d);
    void null();
    template <class T> void field(std::string_view k, const T& v) {
        key(k);
        value(v);
    }

  private:
    void separate();
    void newline();
    void write_string(std::string_view s);
    std::string& m_out;
    std::vector<bool> m_first; // per open container: nothing written yet
    bool m_after_key = false;
};

// `okr status --format json`: schema_version, as_of, cycle, cycles, objectives, kpis.
std::string status_json(const Report& report);
// `okr score --format json`: the status document plus owners and overall.
std::string score_json(const Report& report);
// `okr kpi --format json`: schema_version, as_of, kpis.
std::string kpi_json(Date as_of, const std::vector<KpiRow>& kpis);
// `okr review --format json`: the score document plus the review's lists.
std::string review_json(const Review& review);
// `okr tree --format json`: nodes with depth, parent-first order, and loops.
std::string tree_json(const Tree& tree);
// `okr log --format json`: the item and its check-ins.
std::string log_json(const LogReport& log);
// `okr check --format json`: schema_version, findings, errors, warnings.
std::string check_json(const Diagnostics& findings);

} // namespace okr::report
