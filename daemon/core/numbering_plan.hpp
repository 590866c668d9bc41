// Which numbers are mobiles, and which operator holds them, where libphonenumber's metadata is
// out of date: Debian 12 ships libphonenumber 8.12.57, older than Mali's current plan, and
// refuses real producers' numbers (85 xx xx xx at Orange, 52/53 at Telecel).
//
// The table is Mali's plan as the national regulator (AMRTP) published it and libphonenumber's
// 2025 metadata and carrier data carry it (resources/PhoneNumberMetadata.xml, territory ML, and
// resources/carrier/en/223.txt): 8 digits after +223;
//   Orange Mali        7x, 82-85, 90-94, 2001xxxx
//   Moov Africa Malitel 6x, 89, 95-99, 2079xxxx, 217xxxxx
//   Telecel (ex-Atel)  50-53
// For a country the table covers its answer is final: a number of the right length in one of
// these ranges is a mobile whatever libphonenumber says, any other number is not one. Ranges
// opened after this release come from `[contacts] extra_mobile_prefixes` ("+22386" or
// "+22386:orange"), for Mali or any other country.
//
// Pure computation, immutable once built: shared by the import's validating threads.
#pragma once

#include "core/result.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

// When the built-in table was last checked against its sources (libphonenumber 2025 data).
inline constexpr std::string_view k_numbering_plan_date = "2025";

// Operator names, as `operators` in [[gateways]] and the `operator` column write them.
inline constexpr std::array<std::string_view, 3> k_operators = {"orange", "moov", "telecel"};

struct MobileRange {
    std::string prefix;      // digits after '+', the country code included: "22385"
    std::string operator_id; // one of k_operators, or "" when not known
};

class NumberingPlan {
public:
    // The built-in table (Mali).
    NumberingPlan();

    // Adds a range written "+22386" or "+22386:orange"; an Error says what is wrong with it.
    Result<bool> add(std::string_view spec);

    struct Verdict {
        bool covered = false; // the plan knows the country: its answer is final
        bool mobile = false;  // in a mobile range, with the country's length when covered
        std::string_view operator_id{};
        int national_length = 0; // when covered: the digits a number has after the country code
        int country_code = 0;    // when covered
    };
    // What the plan says of an E.164 number ("+22385123456").
    Verdict classify(std::string_view e164) const;

    // The operator holding an E.164 number, "" when the plan does not know it.
    std::string_view operator_of(std::string_view e164) const;

    const std::vector<MobileRange>& ranges() const { return m_ranges; }

private:
    struct Country {
        std::string code; // "223"
        int national_length;
    };
    const MobileRange* longest_match(std::string_view digits) const;

    std::vector<MobileRange> m_ranges;
    std::vector<Country> m_countries;
};

} // namespace kibaru::core
