// Phone number rules: any usual writing of a number ("76 12 34 56", "0022376123456",
// "+223 76-12-34-56") becomes E.164 ("+22376123456"), using libphonenumber's metadata and a
// default region for numbers written without a country code. Only mobile numbers can receive
// the weekly SMS, so contacts must be mobiles: which are is the NumberingPlan's answer for the
// countries it covers (Mali), libphonenumber's for the others.
//
// Pure computation: no I/O. Safe to call from several threads at once (libphonenumber's
// PhoneNumberUtil is immutable after construction), which the contact import relies on.
#pragma once

#include "core/numbering_plan.hpp"
#include "core/refusal.hpp"
#include "core/result.hpp"

#include <array>
#include <string>
#include <string_view>

namespace kibaru::core {

struct ContactsConfig;

// The codes mobile_e164 refuses with; their args are in brackets.
inline constexpr std::array<std::string_view, 15> k_phone_refusal_codes = {
    "phone_plus_inside",      // a '+' not at the start
    "phone_bad_characters",   // letters, '*', '#'...
    "phone_empty",            //
    "phone_too_short",        //
    "phone_too_long",         //
    "phone_unknown_country",  //
    "phone_not_a_number",     //
    "phone_wrong_length",     // [digits, country code, region, digits expected]
    "phone_not_mobile_range", // [region, date of the plan]
    "phone_not_valid",        // [region]
    "phone_fixed_line",       //
    "phone_toll_free",        //
    "phone_premium_rate",     //
    "phone_other_type",       // [libphonenumber's type: shared-cost, VoIP, pager...]
    "phone_not_mobile",       //
};

// True when `region` is a two-letter region libphonenumber knows ("ML", "SN", ...).
bool is_supported_region(std::string_view region);

class PhoneNormalizer {
public:
    // `default_region` must satisfy is_supported_region (the config loader checks it).
    explicit PhoneNormalizer(std::string default_region, NumberingPlan plan = {});

    // The E.164 form of a valid mobile number, or an Error whose message is the reason a person
    // can act on ("fixed-line number, not a mobile", "not a valid number in ML", ...), and
    // then, when `why` is given, the same reason as data.
    Result<std::string> mobile_e164(std::string_view raw, Refusal* why = nullptr) const;

    // The E.164 form of any parseable number, without the validity and mobile checks: used to
    // look up an existing contact however its number is written. `why` as for mobile_e164.
    Result<std::string> any_e164(std::string_view raw, Refusal* why = nullptr) const;

    const std::string& default_region() const { return m_region; }
    const NumberingPlan& plan() const { return m_plan; }

private:
    // The answer for a parsed number whose plan verdict is not "mobile".
    Result<std::string> refusal(const std::string& e164, int country_code, int type,
                                Refusal* why) const;

    std::string m_region;
    NumberingPlan m_plan;
    int m_country_code = 0;             // of the default region
    bool m_has_national_prefix = false; // e.g. France's leading 0; Mali has none
    bool m_idd_is_00 = false;           // "00" dials abroad from the default region
};

// The normalizer of an installation: its default region, the built-in numbering plan and its
// [contacts] extra_mobile_prefixes (checked by the config loader; a bad one throws).
PhoneNormalizer phone_normalizer(const ContactsConfig& contacts);
// The numbering plan alone: the built-in table and the extra prefixes.
NumberingPlan numbering_plan(const ContactsConfig& contacts);

} // namespace kibaru::core
