// Weekly message templates: "{name}, sésame S{week}: {market} {price_min}-{price_max} {unit}".
// Placeholders are {identifier}; "{{" and "}}" are literal braces. Rendering uses fmt's named
// arguments; this file only finds the placeholders, so that an unknown one is refused by name
// when the message is saved rather than discovered at send time. Pure computation.
#pragma once

#include "core/refusal.hpp"
#include "core/result.hpp"

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kibaru::core {

// Filled per contact when a message is sent.
inline constexpr std::array<std::string_view, 3> k_contact_placeholders = {"name", "organisation",
                                                                           "region"};
// Filled from the campaign and the week.
inline constexpr std::array<std::string_view, 3> k_campaign_placeholders = {"week", "weeks",
                                                                            "commodity"};

// True for the six placeholders a stored weekly message may keep.
bool is_message_placeholder(std::string_view name);

// The placeholders of `text` in order of first appearance, without repeats. Fails on a lone
// brace or a malformed placeholder ("{Name!}"), naming the character position (and telling
// `why`: msg_lone_brace or msg_bad_placeholder, [position]).
Result<std::vector<std::string>> template_placeholders(std::string_view text,
                                                       Refusal* why = nullptr);

using TemplateValues = std::vector<std::pair<std::string, std::string>>; // name -> value

// Rendering has two stages. `messages render` fills a template's data columns and stores the
// result, which must still be a template (the contact placeholders are filled at send time);
// sending fills the rest and produces the final text. Keeping the stages apart is what keeps a
// literal brace literal: "{{" stays "{{" through the first stage and becomes "{" only at the end.

// Stage one: fills the placeholders `values` names, keeps the others as written, keeps literal
// braces doubled and doubles the braces of values. The result is again a valid template.
std::string fill_template(std::string_view text, const TemplateValues& values);

// The final text: fills the placeholders `values` names ("{x}" is kept for one it does not
// name) and turns "{{" and "}}" into literal braces. Values are copied verbatim.
// `text` must have passed template_placeholders; otherwise it is returned unchanged.
std::string render_template(std::string_view text, const TemplateValues& values);

} // namespace kibaru::core
