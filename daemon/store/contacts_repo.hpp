// The contacts table and its opt-out history. All SQL about contacts lives here.
#pragma once

#include "core/contact.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace kibaru::store {

class Database;
class Statement;

struct ContactRow {
    std::int64_t id = 0;
    core::Contact contact;
    std::string status;
    std::string created_at;
    std::string updated_at;
};

struct ContactFilter {
    std::optional<std::string> commodity;
    std::optional<std::string> region; // compared case-insensitively
    std::optional<std::string> status;
    std::optional<std::string> search{}; // part of the phone, name or organisation
};

// Inserts or updates contacts by phone with one prepared statement. On update only the columns
// the import file has are overwritten (a file without `name` keeps known names), and the status
// (an opt-out) is always kept.
class ContactUpserter {
public:
    // `present[i]` tells whether core::k_contact_columns[i] is in the file. A `dry_run`
    // upserter only reads: it answers the id the contact has, or the one it would get, and
    // takes no write lock (a preview must not hold up the dispatcher).
    ContactUpserter(Database& db, const std::array<bool, core::k_contact_columns.size()>& present,
                    std::string now, bool dry_run = false);
    ~ContactUpserter();
    // Writes `contact` and returns its row id.
    std::int64_t upsert(const core::Contact& contact);
    // True when `id` (from upsert) was created by this upserter rather than existing before.
    bool is_new(std::int64_t id) const { return id > m_max_id_before; }

private:
    std::int64_t find(const std::string& phone); // its id, 0 when it has none
    Database& m_db;
    std::unique_ptr<Statement> m_stmt;  // the upsert (none in a dry run)
    std::unique_ptr<Statement> m_find;  // a contact's id by phone
    std::unique_ptr<Statement> m_tally; // one more active contact (no trigger does it)
    std::int64_t m_max_id_before;
    std::int64_t m_highest_id; // the highest contact id written so far
    std::string m_now;
    bool m_dry_run;
    std::unordered_map<std::string, std::int64_t> m_would_insert; // dry run: phone -> new id
};

// For the other repositories that read contacts (a campaign's audience): the columns to select,
// in the order read_contact_row expects them.
inline constexpr const char* k_contact_select =
    "SELECT id, phone, name, organisation, kind, region, commodities, language, tags, status, "
    "created_at, updated_at FROM contacts ";
ContactRow read_contact_row(const Statement& statement);

class ContactsRepo {
public:
    explicit ContactsRepo(Database& db) : m_db(db) {}

    std::optional<ContactRow> find(const std::string& phone);

    // Sets the status of the contact with `phone` and records the change in its history.
    // Returns the previous status, or nullopt when no contact has that phone. Setting the
    // status it already has changes nothing and records nothing.
    std::optional<std::string> set_status(const std::string& phone, const std::string& status,
                                          const std::string& at, const std::string& source,
                                          const std::string& actor);

    // Sets the commodities ("rice;sesame") of the contact with `id`.
    void set_commodities(std::int64_t id, const std::string& commodities, const std::string& at);

    // Streams matching contacts ordered by id.
    void for_each(const ContactFilter& filter, const std::function<void(const ContactRow&)>& visit);
    // Streams at most `limit` matching contacts whose id is above `after`, ordered by id.
    void page(const ContactFilter& filter, std::int64_t after, int limit,
              const std::function<void(const ContactRow&)>& visit);

    std::map<std::string, std::int64_t> count_by_status();

private:
    void select(const ContactFilter& filter, std::int64_t after, int limit,
                const std::function<void(const ContactRow&)>& visit);

    Database& m_db;
};

} // namespace kibaru::store
