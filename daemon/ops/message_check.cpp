#include "ops/message_check.hpp"

#include "store/campaigns_repo.hpp"

#include <algorithm>

namespace kibaru::ops {

std::vector<std::string> campaign_languages(const core::Config& config,
                                            const core::Campaign& campaign) {
    return campaign.languages.empty() ? config.contacts.languages : campaign.languages;
}

Result<MessageShape> check_message(store::CampaignsRepo& repo, const core::Config& config,
                                   const core::Campaign& campaign, int week,
                                   const std::string& language, const std::string& text) {
    const std::string where = "week " + std::to_string(week) + " (" + language + "): ";
    if (week < 1 || week > campaign.weeks) {
        return invalid("week " + std::to_string(week) + " is out of range: campaign " +
                           std::to_string(campaign.id) + " has weeks 1 to " +
                           std::to_string(campaign.weeks),
                       "week");
    }
    const auto languages = campaign_languages(config, campaign);
    if (std::find(languages.begin(), languages.end(), language) == languages.end()) {
        std::string known;
        for (const auto& l : languages) {
            known += (known.empty() ? "" : ", ") + l;
        }
        return invalid("language \"" + language + "\" is not one of this campaign's (" + known +
                           ")",
                       "language");
    }
    if (text.empty()) {
        return with_why(invalid(where + "the message is empty", "text"), {"msg_empty"});
    }
    core::Refusal why;
    const auto placeholders = core::template_placeholders(text, &why);
    if (!placeholders) {
        return with_why(invalid(where + placeholders.error().message, "text"), std::move(why));
    }
    for (const auto& name : *placeholders) {
        if (!core::is_message_placeholder(name)) {
            return with_why(invalid(where + "unknown placeholder {" + name +
                                        "} (a message may use {name}, {organisation}, {region}, "
                                        "{week}, {weeks}, {commodity}; other values come from "
                                        "messages render --data)",
                                    "text"),
                            {"msg_unknown_placeholder", {name}});
        }
    }
    const auto mode = *core::parse_encoding_mode(config.sms.encoding);
    MessageShape shape;
    std::string problem;
    auto measure = [&](const core::Contact& contact, const std::string& phone) {
        if (!problem.empty()) {
            return;
        }
        // Said only on failure: this runs for every contact of the audience.
        const auto who = [&] { return phone.empty() ? std::string() : " (for " + phone + ")"; };
        auto sms = core::render_message(text, campaign, week, contact, mode, &why);
        if (!sms) {
            problem = where + sms.error().message + who();
            if (!phone.empty() && why.code == "msg_no_gsm7") {
                why = {"msg_no_gsm7_for", {why.args.front(), phone}};
            }
            return;
        }
        if (sms->shape.segments > config.sms.max_segments) {
            const std::string encoding(core::encoding_name(sms->shape.encoding));
            problem = where + "the message needs " + std::to_string(sms->shape.segments) + " " +
                      encoding + " segments, more than [sms] max_segments = " +
                      std::to_string(config.sms.max_segments) + who();
            why = {phone.empty() ? "msg_too_many_segments" : "msg_too_many_segments_for",
                   {std::to_string(sms->shape.segments), encoding,
                    std::to_string(config.sms.max_segments)}};
            if (!phone.empty()) {
                why.args.push_back(phone);
            }
            return;
        }
        if (sms->shape.encoding == core::SmsEncoding::ucs2) {
            shape.encoding = core::SmsEncoding::ucs2;
        }
        shape.segments = std::max(shape.segments, sms->shape.segments);
        shape.total_segments += sms->shape.segments;
    };
    repo.for_each_in_audience(campaign, language, [&](const store::ContactRow& row) {
        ++shape.audience;
        measure(row.contact, row.contact.phone);
    });
    if (shape.audience == 0) {
        measure(core::Contact{}, "");
        shape.total_segments = 0;
    }
    if (!problem.empty()) {
        return with_why(invalid(problem, "text"), std::move(why));
    }
    return shape;
}

} // namespace kibaru::ops
