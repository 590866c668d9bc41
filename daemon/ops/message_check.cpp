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
        return invalid(where + "the message is empty", "text");
    }
    const auto placeholders = core::template_placeholders(text);
    if (!placeholders) {
        return invalid(where + placeholders.error().message, "text");
    }
    for (const auto& name : *placeholders) {
        if (!core::is_message_placeholder(name)) {
            return invalid(where + "unknown placeholder {" + name +
                               "} (a message may use {name}, {organisation}, {region}, {week}, "
                               "{weeks}, {commodity}; other values come from messages render "
                               "--data)",
                           "text");
        }
    }
    const auto mode = *core::parse_encoding_mode(config.sms.encoding);
    MessageShape shape;
    std::string problem;
    auto measure = [&](const core::Contact& contact, const std::string& who) {
        if (!problem.empty()) {
            return;
        }
        auto sms = core::render_message(text, campaign, week, contact, mode);
        if (!sms) {
            problem = where + sms.error().message + who;
            return;
        }
        if (sms->shape.segments > config.sms.max_segments) {
            problem = where + "the message needs " + std::to_string(sms->shape.segments) + " " +
                      std::string(core::encoding_name(sms->shape.encoding)) +
                      " segments, more than [sms] max_segments = " +
                      std::to_string(config.sms.max_segments) + who;
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
        measure(row.contact, " (for " + row.contact.phone + ")");
    });
    if (shape.audience == 0) {
        measure(core::Contact{}, "");
        shape.total_segments = 0;
    }
    if (!problem.empty()) {
        return invalid(problem, "text");
    }
    return shape;
}

} // namespace kibaru::ops
