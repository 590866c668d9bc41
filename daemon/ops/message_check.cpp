#include "ops/message_check.hpp"

#include "store/campaigns_repo.hpp"

#include <algorithm>

namespace kibaru::ops {

std::vector<std::string> campaign_languages(const core::Config& config,
                                            const core::Campaign& campaign) {
    return campaign.languages.empty() ? config.contacts.languages : campaign.languages;
}

core::Result<MessageShape> check_message(store::CampaignsRepo& repo, const core::Config& config,
                                         const core::Campaign& campaign, int week,
                                         const std::string& language, const std::string& text) {
    const std::string where = "week " + std::to_string(week) + " (" + language + "): ";
    if (week < 1 || week > campaign.weeks) {
        return core::Error{"week " + std::to_string(week) + " is out of range: campaign " +
                           std::to_string(campaign.id) + " has weeks 1 to " +
                           std::to_string(campaign.weeks)};
    }
    const auto languages = campaign_languages(config, campaign);
    if (std::find(languages.begin(), languages.end(), language) == languages.end()) {
        std::string known;
        for (const auto& l : languages) {
            known += (known.empty() ? "" : ", ") + l;
        }
        return core::Error{"language \"" + language + "\" is not one of this campaign's (" + known +
                           ")"};
    }
    if (text.empty()) {
        return core::Error{where + "the message is empty"};
    }
    const auto placeholders = core::template_placeholders(text);
    if (!placeholders) {
        return core::Error{where + placeholders.error().message};
    }
    for (const auto& name : *placeholders) {
        if (!core::is_message_placeholder(name)) {
            return core::Error{where + "unknown placeholder {" + name +
                               "} (a message may use {name}, {organisation}, {region}, {week}, "
                               "{weeks}, {commodity}; other values come from messages render "
                               "--data)"};
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
        return core::Error{problem};
    }
    return shape;
}

} // namespace kibaru::ops
