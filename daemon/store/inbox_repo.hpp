// The inbox (the `inbox` table): every incoming SMS, stored once, with what it matched and the
// reply it got; and the counts the reply limits are decided on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::store {

class Database;

struct InboxRow {
    std::int64_t id = 0;
    std::string received_at;
    std::string phone;
    std::optional<std::int64_t> contact_id;
    std::string contact_name; // when read back
    std::string text;
    std::string matched;
    std::string detail;
    std::optional<std::string> reply; // the latest typed by staff, else the automatic one
    std::string replied_at;
    std::string replied_by; // "kibaru" for the automatic reply
    // No reply a person wrote, and either none at all or only the help text sent to a message
    // Kibaru did not understand: someone should read it.
    bool needs_person() const { return replied_by != "kibaru" ? !reply : matched == "none"; }
    std::string gateway;
    std::string gateway_message_id;
    std::string dedup_key;
};

class InboxRepo {
public:
    explicit InboxRepo(Database& db) : m_db(db) {}

    // Stores `row`; nothing (nullopt) when a message with its dedup_key is already stored.
    std::optional<std::int64_t> insert(const InboxRow& row);

    // The automatic reply of message `id` (a reply typed by staff is a row of `replies`).
    void set_reply(std::int64_t id, const std::string& text, const std::string& at,
                   const std::string& by);

    // Messages from `phone` received at or after `since` that got an automatic reply; with
    // `matched`, only those that matched it ("help").
    std::int64_t replied_since(const std::string& phone, const std::string& since,
                               const std::string& matched = "") const;

    std::optional<InboxRow> find(std::int64_t id) const;

    // Newest first, received at or after `since` ("" for all), optionally only those that need
    // a person (see InboxRow::needs_person); at most `limit`, before the id `before` (0 for the
    // newest: paging).
    std::vector<InboxRow> list(const std::string& since, bool unanswered, std::int64_t limit,
                               std::int64_t before = 0) const;

private:
    Database& m_db;
};

} // namespace kibaru::store
