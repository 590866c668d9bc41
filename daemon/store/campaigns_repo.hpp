// The campaigns table, the audience a campaign's filters select from the contacts, and the
// weekly messages. All SQL about campaigns and messages lives here.
#pragma once

#include "core/campaign.hpp"
#include "store/contacts_repo.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::store {

class Database;

struct MessageRow {
    std::int64_t campaign_id = 0;
    int week = 0;
    std::string language;
    std::string text;
    std::string encoding;
    int segments = 0;
    std::string updated_at;
};

// The WHERE clause (over `contacts`) selecting a campaign's audience, with its parameters in
// order. Lists match as whole ';'-separated items; regions compare in lower case.
struct AudienceQuery {
    std::string where;
    std::vector<std::string> params;
};
// With `active_only` false the contacts' status is left out (to judge it as of another time).
AudienceQuery audience_query(const core::Campaign& campaign, bool active_only = true);
void bind_params(Statement& statement, const std::vector<std::string>& params, int first = 1);

class CampaignsRepo {
public:
    explicit CampaignsRepo(Database& db) : m_db(db) {}

    // Inserts `campaign` (its id is ignored) and returns the new id.
    std::int64_t create(const core::Campaign& campaign);
    std::optional<core::Campaign> find(std::int64_t id);
    std::vector<core::Campaign> list();
    void set_status(std::int64_t id, const std::string& status, const std::string& at);

    // Active contacts matching the campaign's commodity and filters, counted by language.
    std::map<std::string, std::int64_t> audience_by_language(const core::Campaign& campaign);
    // Streams the audience of one language ordered by contact id.
    void for_each_in_audience(const core::Campaign& campaign, const std::string& language,
                              const std::function<void(const ContactRow&)>& visit);
    // True when the contact with `phone` is in the campaign's audience.
    bool in_audience(const core::Campaign& campaign, const std::string& phone);

    void set_message(const MessageRow& message);
    std::optional<MessageRow> message(std::int64_t campaign_id, int week,
                                      const std::string& language);
    std::vector<MessageRow> messages(std::int64_t campaign_id);

private:
    Database& m_db;
};

} // namespace kibaru::store
