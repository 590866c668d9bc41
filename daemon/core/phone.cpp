#include "core/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace kibaru::core {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

const PhoneNumberUtil& util() {
    return *PhoneNumberUtil::GetInstance();
}

// People write numbers with spaces, dots, dashes, slashes and parentheses, and spreadsheets add
// non-breaking spaces. Anything else (letters, '*', '#') is not a number we will text:
// libphonenumber would accept vanity letters ("1-800-FLOWERS"), which never appear in a producer
// list.
Result<std::string> precheck(std::string_view raw) {
    std::string cleaned;
    cleaned.reserve(raw.size());
    int digits = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (std::isdigit(c)) {
            ++digits;
            cleaned.push_back(static_cast<char>(c));
        } else if (c == '+' || c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' ||
                   c == '/' || c == '\t') {
            cleaned.push_back(static_cast<char>(c));
        } else if (c == 0xC2 && i + 1 < raw.size() &&
                   static_cast<unsigned char>(raw[i + 1]) == 0xA0) { // U+00A0 no-break space
            cleaned.push_back(' ');
            ++i;
        } else {
            return Error{"contains characters that are not part of a phone number"};
        }
    }
    if (digits == 0) {
        return Error{"is empty"};
    }
    if (digits < 4) {
        return Error{"is too short to be a phone number"};
    }
    if (digits > 17) {
        return Error{"is too long to be a phone number"};
    }
    return cleaned;
}

Result<PhoneNumber> parse(std::string_view raw, const std::string& region) {
    auto cleaned = precheck(raw);
    if (!cleaned) {
        return cleaned.error();
    }
    PhoneNumber number;
    switch (util().Parse(*cleaned, region, &number)) {
    case PhoneNumberUtil::NO_PARSING_ERROR:
        return number;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
        return Error{"has an unknown country code"};
    case PhoneNumberUtil::TOO_SHORT_NSN:
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
        return Error{"is too short to be a phone number"};
    case PhoneNumberUtil::TOO_LONG_NSN:
        return Error{"is too long to be a phone number"};
    default:
        return Error{"is not a phone number"};
    }
}

std::string e164(const PhoneNumber& number) {
    std::string out;
    util().Format(number, PhoneNumberUtil::E164, &out);
    return out;
}

const char* type_name(PhoneNumberUtil::PhoneNumberType type) {
    switch (type) {
    case PhoneNumberUtil::FIXED_LINE:
        return "fixed-line";
    case PhoneNumberUtil::TOLL_FREE:
        return "toll-free";
    case PhoneNumberUtil::PREMIUM_RATE:
        return "premium-rate";
    case PhoneNumberUtil::SHARED_COST:
        return "shared-cost";
    case PhoneNumberUtil::VOIP:
        return "VoIP";
    case PhoneNumberUtil::PERSONAL_NUMBER:
        return "personal";
    case PhoneNumberUtil::PAGER:
        return "pager";
    case PhoneNumberUtil::UAN:
        return "UAN";
    case PhoneNumberUtil::VOICEMAIL:
        return "voicemail";
    default:
        return "non-mobile";
    }
}

} // namespace

bool is_supported_region(std::string_view region) {
    std::set<std::string> regions;
    util().GetSupportedRegions(&regions);
    return regions.count(std::string(region)) > 0;
}

PhoneNormalizer::PhoneNormalizer(std::string default_region)
    : m_region(std::move(default_region)) {}

Result<std::string> PhoneNormalizer::mobile_e164(std::string_view raw) const {
    auto number = parse(raw, m_region);
    if (!number) {
        return number.error();
    }
    // GetNumberType already matches the number against every pattern of its region, so a
    // separate IsValidNumber call would only repeat that work (UNKNOWN means invalid).
    const auto type = util().GetNumberType(*number);
    if (type == PhoneNumberUtil::MOBILE || type == PhoneNumberUtil::FIXED_LINE_OR_MOBILE) {
        return e164(*number);
    }
    if (type == PhoneNumberUtil::UNKNOWN) {
        std::string region;
        util().GetRegionCodeForCountryCode(number->country_code(), &region);
        return Error{"is not a valid number in " +
                     (region.empty() || region == "ZZ"
                          ? "+" + std::to_string(number->country_code())
                          : region)};
    }
    return Error{std::string("is a ") + type_name(type) + " number, not a mobile"};
}

Result<std::string> PhoneNormalizer::any_e164(std::string_view raw) const {
    auto number = parse(raw, m_region);
    if (!number) {
        return number.error();
    }
    return e164(*number);
}

} // namespace kibaru::core
