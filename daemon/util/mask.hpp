// Masks phone numbers in log text: "+22376123456" becomes "+22376****56", enough for staff to
// tell numbers apart in a log without the log becoming a contact list.
#pragma once

#include <string>
#include <string_view>

namespace kibaru::util {

// Masks every '+' followed by 8 to 15 digits (E.164) in `text`; everything else is unchanged.
std::string mask_phones(std::string_view text);

} // namespace kibaru::util
