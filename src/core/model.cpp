#include "okr/core/model.hpp"

namespace okr {

Note::Note(std::string_view text) {
    if (text.empty()) return;
    const std::size_t size = text.size();
    m_data = new char[sizeof size + size];
    std::memcpy(m_data, &size, sizeof size);
    std::memcpy(m_data + sizeof size, text.data(), size);
}

const char* to_string(KrType t) {
    return t == KrType::metric ? "metric" : "milestone";
}

const char* to_string(ObjectiveType t) {
    return t == ObjectiveType::committed ? "committed" : "aspirational";
}

const char* to_string(Frequency f) {
    switch (f) {
    case Frequency::daily:
        return "daily";
    case Frequency::weekly:
        return "weekly";
    case Frequency::monthly:
        return "monthly";
    case Frequency::quarterly:
        return "quarterly";
    case Frequency::yearly:
        return "yearly";
    }
    return "";
}

int period_days(Frequency f) {
    switch (f) {
    case Frequency::daily:
        return 1;
    case Frequency::weekly:
        return 7;
    case Frequency::monthly:
        return 31;
    case Frequency::quarterly:
        return 92;
    case Frequency::yearly:
        return 366;
    }
    return 1;
}

} // namespace okr
