#include "okr/report/check.hpp"

#include "okr/report/json.hpp"

namespace okr::report {

std::string check_json(const Diagnostics& findings) {
    return json_document({}, [&](JsonWriter& w) {
        std::size_t errors = 0, warnings = 0;
        w.field("schema_version", 1.0);
        w.key("findings");
        w.begin_array();
        for (const auto& d : findings) {
            (d.level == Level::error ? errors : warnings)++;
            w.begin_object();
            w.field("path", d.path);
            w.field("line", static_cast<double>(d.pos.line));
            w.field("column", static_cast<double>(d.pos.column));
            w.field("level", d.level == Level::error ? "error" : "warning");
            w.key("rule");
            w.value(d.rule.empty() ? std::string_view("schema") : std::string_view(d.rule));
            w.field("message", d.message);
            optional_text(w, "hint", d.hint);
            w.end_object();
        }
        w.end_array();
        w.field("errors", static_cast<double>(errors));
        w.field("warnings", static_cast<double>(warnings));
    });
}

} // namespace okr::report
