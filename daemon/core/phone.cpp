#include "core/phone.hpp"

#include "core/config.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

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
// list. Returns the digits, after a '+' when the number starts with one.
Result<std::string> precheck(std::string_view raw, Refusal* why) {
    std::string cleaned;
    cleaned.reserve(raw.size());
    int digits = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (std::isdigit(c)) {
            ++digits;
            cleaned.push_back(static_cast<char>(c));
        } else if (c == '+') {
            if (!cleaned.empty()) {
                return refuse(why, "phone_plus_inside", "has a '+' that is not at the start");
            }
            cleaned.push_back('+');
        } else if (c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' || c == '/' ||
                   c == '\t') {
            // a separator: dropped
        } else if (c == 0xC2 && i + 1 < raw.size() &&
                   static_cast<unsigned char>(raw[i + 1]) == 0xA0) { // U+00A0 no-break space
            ++i;
        } else {
            return refuse(why, "phone_bad_characters",
                          "contains characters that are not part of a phone number");
        }
    }
    if (digits == 0) {
        return refuse(why, "phone_empty", "is empty");
    }
    if (digits < 4) {
        return refuse(why, "phone_too_short", "is too short to be a phone number");
    }
    if (digits > 17) {
        return refuse(why, "phone_too_long", "is too long to be a phone number");
    }
    return cleaned;
}

// libphonenumber's full parser: handles every writing (international prefixes, national
// prefixes, a country code written without '+'), at about 5 us a number.
Result<PhoneNumber> full_parse(const std::string& cleaned, const std::string& region,
                               Refusal* why) {
    PhoneNumber number;
    switch (util().Parse(cleaned, region, &number)) {
    case PhoneNumberUtil::NO_PARSING_ERROR:
        return number;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
        return refuse(why, "phone_unknown_country", "has an unknown country code");
    case PhoneNumberUtil::TOO_SHORT_NSN:
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
        return refuse(why, "phone_too_short", "is too short to be a phone number");
    case PhoneNumberUtil::TOO_LONG_NSN:
        return refuse(why, "phone_too_long", "is too long to be a phone number");
    default:
        return refuse(why, "phone_not_a_number", "is not a phone number");
    }
}

// The common writings, without the regular expressions of the full parser (about 4x faster,
// which matters for a million-row import): "+" and a country code, or a national number of a
// region without a national prefix. Returns false when the number needs the full parser.
bool quick_parse(const std::string& cleaned, int region_country_code, bool region_has_prefix,
                 bool idd_is_00, PhoneNumber& number) {
    std::string_view digits(cleaned);
    int country_code = region_country_code;
    const bool plus = !digits.empty() && digits.front() == '+';
    const bool idd = idd_is_00 && digits.size() > 2 && digits.substr(0, 2) == "00";
    if (plus || idd) {
        digits.remove_prefix(plus ? 1 : 2);
        country_code = 0;
        for (std::size_t length = 1; length <= 3 && length < digits.size(); ++length) {
            const int candidate = std::stoi(std::string(digits.substr(0, length)));
            std::string region;
            util().GetRegionCodeForCountryCode(candidate, &region);
            if (region != "ZZ") { // country codes are prefix-free: the first match is it

                country_code = candidate;
                digits.remove_prefix(length);
                break;
            }
        }
        if (country_code == 0) {
            return false;
        }
    } else if (region_has_prefix) {
        return false;
    }
    // A leading zero (international prefix "00", Italian-style numbers) needs the full parser.
    if (digits.empty() || digits.size() > 17 || digits.front() == '0') {
        return false;
    }
    number.set_country_code(country_code);
    number.set_national_number(std::stoull(std::string(digits)));
    return true;
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

PhoneNormalizer::PhoneNormalizer(std::string default_region, NumberingPlan plan)
    : m_region(std::move(default_region)), m_plan(std::move(plan)),
      m_country_code(util().GetCountryCodeForRegion(m_region)) {
    std::string prefix;
    util().GetNddPrefixForRegion(m_region, true, &prefix);
    m_has_national_prefix = !prefix.empty();
    // libphonenumber keeps international prefixes private; ask its parser whether "00" is one
    // here, with the region's own example mobile number.
    PhoneNumber example;
    if (util().GetExampleNumberForType(m_region, PhoneNumberUtil::MOBILE, &example)) {
        std::string national;
        util().GetNationalSignificantNumber(example, &national);
        PhoneNumber parsed;
        m_idd_is_00 = util().Parse("00" + std::to_string(m_country_code) + national, m_region,
                                   &parsed) == PhoneNumberUtil::NO_PARSING_ERROR &&
                      util().IsNumberMatch(parsed, example) == PhoneNumberUtil::EXACT_MATCH;
    }
}

Result<std::string> PhoneNormalizer::mobile_e164(std::string_view raw, Refusal* why) const {
    auto cleaned = precheck(raw, why);
    if (!cleaned) {
        return cleaned.error();
    }
    // The numbering plan first: for Mali its table answers alone, without the pattern
    // matching of GetNumberType (which also misses the ranges opened since Debian's release).
    // GetNumberType matches the number against every pattern of its region, so a separate
    // IsValidNumber call would only repeat that work (UNKNOWN means invalid).
    PhoneNumber quick;
    if (quick_parse(*cleaned, m_country_code, m_has_national_prefix, m_idd_is_00, quick)) {
        auto formatted = e164(quick);
        const auto verdict = m_plan.classify(formatted);
        if (verdict.mobile) {
            return formatted;
        }
        if (!verdict.covered) {
            const auto type = util().GetNumberType(quick);
            if (type == PhoneNumberUtil::MOBILE || type == PhoneNumberUtil::FIXED_LINE_OR_MOBILE) {
                return formatted;
            }
        }
        // Anything else goes through the full parser, so unusual writings (a country code
        // without '+') get libphonenumber's exact answer.
    }
    auto number = full_parse(*cleaned, m_region, why);
    if (!number) {
        return number.error();
    }
    auto formatted = e164(*number);
    if (m_plan.classify(formatted).mobile) {
        return formatted;
    }
    return refusal(formatted, static_cast<int>(number->country_code()),
                   static_cast<int>(util().GetNumberType(*number)), why);
}

Result<std::string> PhoneNormalizer::refusal(const std::string& formatted, int country_code,
                                             int type_code, Refusal* why) const {
    const auto type = static_cast<PhoneNumberUtil::PhoneNumberType>(type_code);
    const auto verdict = m_plan.classify(formatted);
    std::string region;
    util().GetRegionCodeForCountryCode(country_code, &region);
    if (region.empty() || region == "ZZ") {
        region = "+" + std::to_string(country_code);
    }
    if (verdict.covered) {
        const auto national = static_cast<int>(formatted.size()) - 1 -
                              static_cast<int>(std::to_string(country_code).size());
        if (national != verdict.national_length) {
            return refuse(why, "phone_wrong_length",
                          "has " + std::to_string(national) + " digits after +" +
                              std::to_string(country_code) + ", where numbers in " + region +
                              " have " + std::to_string(verdict.national_length),
                          {std::to_string(national), std::to_string(country_code), region,
                           std::to_string(verdict.national_length)});
        }
        if (type == PhoneNumberUtil::MOBILE || type == PhoneNumberUtil::FIXED_LINE_OR_MOBILE) {
            return refuse(why, "phone_not_mobile_range",
                          "is not in a mobile range of " + region + "'s numbering plan (as of " +
                              std::string(k_numbering_plan_date) +
                              "); a range opened since goes in [contacts] extra_mobile_prefixes",
                          {region, std::string(k_numbering_plan_date)});
        }
    } else if (type == PhoneNumberUtil::MOBILE || type == PhoneNumberUtil::FIXED_LINE_OR_MOBILE) {
        return formatted;
    }
    if (type == PhoneNumberUtil::UNKNOWN) {
        return refuse(why, "phone_not_valid", "is not a valid number in " + region, {region});
    }
    const std::string message = std::string("is a ") + type_name(type) + " number, not a mobile";
    switch (type) {
    case PhoneNumberUtil::FIXED_LINE:
        return refuse(why, "phone_fixed_line", message);
    case PhoneNumberUtil::TOLL_FREE:
        return refuse(why, "phone_toll_free", message);
    case PhoneNumberUtil::PREMIUM_RATE:
        return refuse(why, "phone_premium_rate", message);
    case PhoneNumberUtil::SHARED_COST:
    case PhoneNumberUtil::VOIP:
    case PhoneNumberUtil::PERSONAL_NUMBER:
    case PhoneNumberUtil::PAGER:
    case PhoneNumberUtil::UAN:
    case PhoneNumberUtil::VOICEMAIL:
        return refuse(why, "phone_other_type", message, {type_name(type)});
    default:
        return refuse(why, "phone_not_mobile", message);
    }
}

Result<std::string> PhoneNormalizer::any_e164(std::string_view raw, Refusal* why) const {
    auto cleaned = precheck(raw, why);
    if (!cleaned) {
        return cleaned.error();
    }
    auto number = full_parse(*cleaned, m_region, why);
    if (!number) {
        return number.error();
    }
    return e164(*number);
}

NumberingPlan numbering_plan(const ContactsConfig& contacts) {
    NumberingPlan plan;
    for (const auto& spec : contacts.extra_mobile_prefixes) {
        if (auto added = plan.add(spec); !added) {
            throw std::invalid_argument("[contacts] extra_mobile_prefixes: " +
                                        added.error().message);
        }
    }
    return plan;
}

PhoneNormalizer phone_normalizer(const ContactsConfig& contacts) {
    return PhoneNormalizer(contacts.default_region, numbering_plan(contacts));
}

} // namespace kibaru::core
