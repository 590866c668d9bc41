#include "core/numbering_plan.hpp"

#include <algorithm>
#include <cctype>

namespace kibaru::core {

namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

} // namespace

NumberingPlan::NumberingPlan() {
    m_countries.push_back({"223", 8});
    const auto range = [&](std::string_view national, std::string_view op) {
        m_ranges.push_back({"223" + std::string(national), std::string(op)});
    };
    for (char d = '0'; d <= '9'; ++d) {
        range(std::string("6") + d, "moov");
        range(std::string("7") + d, "orange");
    }
    for (const char* p : {"82", "83", "84", "85", "90", "91", "92", "93", "94", "2001"}) {
        range(p, "orange");
    }
    for (const char* p : {"89", "95", "96", "97", "98", "99", "2079", "217"}) {
        range(p, "moov");
    }
    for (const char* p : {"50", "51", "52", "53"}) {
        range(p, "telecel");
    }
}

Result<bool> NumberingPlan::add(std::string_view spec) {
    const auto colon = spec.find(':');
    const auto prefix = spec.substr(0, colon);
    const auto op = colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
    if (prefix.size() < 2 || prefix.front() != '+' || !all_digits(prefix.substr(1)) ||
        prefix.size() > 16) {
        return Error{"\"" + std::string(spec) +
                     "\" is not a prefix: write '+', the country code and the first digits "
                     "(\"+22386\"), then \":operator\" if it is known"};
    }
    if (colon != std::string_view::npos &&
        std::find(k_operators.begin(), k_operators.end(), op) == k_operators.end()) {
        return Error{"\"" + std::string(spec) + "\": unknown operator \"" + std::string(op) +
                     "\" (orange, moov or telecel)"};
    }
    m_ranges.push_back({std::string(prefix.substr(1)), std::string(op)});
    return true;
}

const MobileRange* NumberingPlan::longest_match(std::string_view digits) const {
    const MobileRange* best = nullptr;
    for (const auto& r : m_ranges) {
        if (digits.substr(0, r.prefix.size()) == r.prefix &&
            (!best || r.prefix.size() > best->prefix.size())) {
            best = &r;
        }
    }
    return best;
}

NumberingPlan::Verdict NumberingPlan::classify(std::string_view e164) const {
    Verdict verdict;
    if (e164.empty() || e164.front() != '+') {
        return verdict;
    }
    const auto digits = e164.substr(1);
    const Country* country = nullptr;
    for (const auto& c : m_countries) {
        if (digits.substr(0, c.code.size()) == c.code) {
            country = &c;
        }
    }
    const auto* range = longest_match(digits);
    if (country) {
        verdict.covered = true;
        verdict.national_length = country->national_length;
        verdict.country_code = std::stoi(country->code);
        const bool right_length =
            digits.size() ==
            country->code.size() + static_cast<std::size_t>(country->national_length);
        verdict.mobile = range && right_length;
    } else {
        verdict.mobile = range != nullptr;
    }
    if (verdict.mobile) {
        verdict.operator_id = range->operator_id;
    }
    return verdict;
}

std::string_view NumberingPlan::operator_of(std::string_view e164) const {
    return classify(e164).operator_id;
}

} // namespace kibaru::core
