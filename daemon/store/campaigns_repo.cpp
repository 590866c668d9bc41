#include "store/campaigns_repo.hpp"

#include "core/utf8.hpp"
#include "store/sqlite.hpp"

namespace kibaru::store {

namespace {

std::string join(const std::vector<std::string>& items, bool lower) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ";") + item;
    }
    return lower ? core::ascii_lower(out) : out;
}

std::vector<std::string> split(std::string_view text) {
    std::vector<std::string> items;
    while (!text.empty()) {
        const auto cut = text.find(';');
        items.emplace_back(text.substr(0, cut));
        if (cut == std::string_view::npos) {
            break;
        }
        text.remove_prefix(cut + 1);
    }
    return items;
}

constexpr const char* k_select_campaign =
    "SELECT id, name, commodity, start_date, weeks, send_day, send_time, timezone, regions, "
    "kinds, languages, status, created_at, updated_at FROM campaigns ";

core::Campaign read_campaign(const Statement& s) {
    core::Campaign c;
    c.id = s.column_int(0);
    c.name = s.column_text(1);
    c.commodity = s.column_text(2);
    c.start_date = s.column_text(3);
    c.weeks = static_cast<int>(s.column_int(4));
    c.send_day = s.column_text(5);
    c.send_time = s.column_text(6);
    c.timezone = s.column_text(7);
    c.regions = split(s.column_view(8));
    c.kinds = split(s.column_view(9));
    c.languages = split(s.column_view(10));
    c.status = s.column_text(11);
    c.created_at = s.column_text(12);
    c.updated_at = s.column_text(13);
    return c;
}

} // namespace

AudienceQuery audience_query(const core::Campaign& c, bool active_only) {
    AudienceQuery q;
    q.where = std::string(active_only ? "WHERE status = 'active' AND " : "WHERE ") +
              "instr(';' || commodities || ';', ';' || ? || ';') > 0";
    q.params.push_back(c.commodity);
    if (!c.regions.empty()) {
        q.where += " AND instr(';' || ? || ';', ';' || lower(region) || ';') > 0";
        q.params.push_back(join(c.regions, true));
    }
    if (!c.kinds.empty()) {
        q.where += " AND instr(';' || ? || ';', ';' || kind || ';') > 0";
        q.params.push_back(join(c.kinds, false));
    }
    if (!c.languages.empty()) {
        q.where += " AND instr(';' || ? || ';', ';' || language || ';') > 0";
        q.params.push_back(join(c.languages, false));
    }
    return q;
}

void bind_params(Statement& s, const std::vector<std::string>& params, int first) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        s.bind(first + static_cast<int>(i), params[i]);
    }
}

std::int64_t CampaignsRepo::create(const core::Campaign& c) {
    auto s = m_db.prepare(
        "INSERT INTO campaigns (name, commodity, start_date, weeks, send_day, send_time, "
        "timezone, regions, kinds, languages, status, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind_all(c.name, c.commodity, c.start_date, c.weeks, c.send_day, c.send_time, c.timezone,
               join(c.regions, false), join(c.kinds, false), join(c.languages, false), c.status,
               c.created_at, c.updated_at);
    s.run();
    return m_db.last_insert_rowid();
}

std::optional<core::Campaign> CampaignsRepo::find(std::int64_t id) {
    auto s = m_db.prepare(std::string(k_select_campaign) + "WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) {
        return std::nullopt;
    }
    return read_campaign(s);
}

std::vector<core::Campaign> CampaignsRepo::list() {
    auto s = m_db.prepare(std::string(k_select_campaign) + "ORDER BY id");
    std::vector<core::Campaign> campaigns;
    while (s.step()) {
        campaigns.push_back(read_campaign(s));
    }
    return campaigns;
}

void CampaignsRepo::set_status(std::int64_t id, const std::string& status, const std::string& at) {
    auto s = m_db.prepare("UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ?");
    s.bind_all(status, at, id);
    s.run();
}

std::map<std::string, std::int64_t>
CampaignsRepo::audience_by_language(const core::Campaign& campaign) {
    const auto q = audience_query(campaign);
    auto s =
        m_db.prepare("SELECT language, count(*) FROM contacts " + q.where + " GROUP BY language");
    bind_params(s, q.params);
    std::map<std::string, std::int64_t> counts;
    while (s.step()) {
        counts[s.column_text(0)] = s.column_int(1);
    }
    return counts;
}

void CampaignsRepo::for_each_in_audience(const core::Campaign& campaign,
                                         const std::string& language,
                                         const std::function<void(const ContactRow&)>& visit) {
    const auto q = audience_query(campaign);
    auto s =
        m_db.prepare(std::string(k_contact_select) + q.where + " AND language = ? ORDER BY id");
    bind_params(s, q.params);
    s.bind(static_cast<int>(q.params.size()) + 1, language);
    while (s.step()) {
        visit(read_contact_row(s));
    }
}

bool CampaignsRepo::in_audience(const core::Campaign& campaign, const std::string& phone) {
    const auto q = audience_query(campaign);
    auto s = m_db.prepare("SELECT 1 FROM contacts " + q.where + " AND phone = ?");
    bind_params(s, q.params);
    s.bind(static_cast<int>(q.params.size()) + 1, phone);
    return s.step();
}

void CampaignsRepo::set_message(const MessageRow& m) {
    auto s = m_db.prepare(
        "INSERT INTO messages (campaign_id, week, language, text, encoding, segments, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, week, language) DO "
        "UPDATE SET text = excluded.text, encoding = excluded.encoding, segments = "
        "excluded.segments, updated_at = excluded.updated_at");
    s.bind_all(m.campaign_id, m.week, m.language, m.text, m.encoding, m.segments, m.updated_at);
    s.run();
}

namespace {

constexpr const char* k_select_message =
    "SELECT campaign_id, week, language, text, encoding, segments, updated_at FROM messages ";

MessageRow read_message(const Statement& s) {
    return MessageRow{
        s.column_int(0),  static_cast<int>(s.column_int(1)), s.column_text(2), s.column_text(3),
        s.column_text(4), static_cast<int>(s.column_int(5)), s.column_text(6)};
}

} // namespace

std::optional<MessageRow> CampaignsRepo::message(std::int64_t campaign_id, int week,
                                                 const std::string& language) {
    auto s = m_db.prepare(std::string(k_select_message) +
                          "WHERE campaign_id = ? AND week = ? AND language = ?");
    s.bind_all(campaign_id, week, language);
    if (!s.step()) {
        return std::nullopt;
    }
    return read_message(s);
}

std::vector<MessageRow> CampaignsRepo::messages(std::int64_t campaign_id) {
    auto s = m_db.prepare(std::string(k_select_message) +
                          "WHERE campaign_id = ? ORDER BY week, language");
    s.bind(1, campaign_id);
    std::vector<MessageRow> rows;
    while (s.step()) {
        rows.push_back(read_message(s));
    }
    return rows;
}

} // namespace kibaru::store
