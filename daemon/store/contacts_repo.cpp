#include "store/contacts_repo.hpp"

#include "store/sqlite.hpp"

namespace kibaru::store {

ContactUpserter::ContactUpserter(Database& db,
                                 const std::array<bool, core::k_contact_columns.size()>& present,
                                 std::string now, bool dry_run)
    : m_db(db),
      m_find(std::make_unique<Statement>(db.prepare("SELECT id FROM contacts WHERE phone = ?"))),
      m_max_id_before(db.scalar_int("SELECT coalesce(max(id), 0) FROM contacts")),
      m_highest_id(m_max_id_before), m_now(std::move(now)), m_dry_run(dry_run) {
    if (dry_run) {
        return;
    }
    std::string updates;
    for (std::size_t i = 1; i < core::k_contact_columns.size(); ++i) {
        if (present[i]) {
            const std::string column(core::k_contact_columns[i]);
            updates += column + " = excluded." + column + ", ";
        }
    }
    // No RETURNING: SQLite gathers a RETURNING statement's rows in an ephemeral table it opens
    // and closes on every execution, which cost 7 us a row, half of a million-row import. A
    // new row's id is the connection's last insert rowid instead (an update leaves it as it
    // was), and an updated contact's id is looked up by its phone.
    m_stmt = std::make_unique<Statement>(db.prepare(
        "INSERT INTO contacts (phone, name, organisation, kind, region, commodities, language, "
        "tags, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?) "
        "ON CONFLICT (phone) DO UPDATE SET " +
        updates + "updated_at = excluded.updated_at"));
    m_tally = std::make_unique<Statement>(
        db.prepare("UPDATE contact_tallies SET contacts = contacts + 1 WHERE status = 'active'"));
}

ContactUpserter::~ContactUpserter() = default;

std::int64_t ContactUpserter::find(const std::string& phone) {
    auto& s = *m_find;
    s.bind_static(1, phone);
    const std::int64_t found = s.step() ? s.column_int(0) : 0;
    s.reset();
    return found;
}

std::int64_t ContactUpserter::upsert(const core::Contact& c) {
    if (m_dry_run) {
        if (const auto found = find(c.phone); found != 0) {
            return found;
        }
        const auto next = m_max_id_before + 1 + static_cast<std::int64_t>(m_would_insert.size());
        return m_would_insert.try_emplace(c.phone, next).first->second;
    }
    auto& s = *m_stmt;
    const auto rowid_before = m_db.last_insert_rowid();
    s.bind_static(1, c.phone);
    s.bind_static(2, c.name);
    s.bind_static(3, c.organisation);
    s.bind_static(4, c.kind);
    s.bind_static(5, c.region);
    s.bind_static(6, c.commodities);
    s.bind_static(7, c.language);
    s.bind_static(8, c.tags);
    s.bind_static(9, m_now);
    s.bind_static(10, m_now);
    s.step();
    s.reset();
    // Only an insert changes the last insert rowid. Should a new id happen to equal the rowid
    // before (another table's), it is looked up like an update's.
    auto id = m_db.last_insert_rowid();
    if (id == rowid_before) {
        id = find(c.phone);
    }
    // A new row's id is one above the highest there is: above every id this upserter has seen,
    // where a phone written twice in one file comes back with the id of its first writing.
    if (id > m_highest_id) {
        m_highest_id = id;
        m_tally->run();
    }
    return id;
}

ContactRow read_contact_row(const Statement& s) {
    ContactRow row;
    row.id = s.column_int(0);
    row.contact.phone = s.column_view(1);
    row.contact.name = s.column_view(2);
    row.contact.organisation = s.column_view(3);
    row.contact.kind = s.column_view(4);
    row.contact.region = s.column_view(5);
    row.contact.commodities = s.column_view(6);
    row.contact.language = s.column_view(7);
    row.contact.tags = s.column_view(8);
    row.status = s.column_view(9);
    row.created_at = s.column_view(10);
    row.updated_at = s.column_view(11);
    return row;
}

std::optional<ContactRow> ContactsRepo::find(const std::string& phone) {
    // Cached: every incoming SMS looks its sender up.
    auto& s = m_db.cached(std::string(k_contact_select) + "WHERE phone = ?");
    s.bind(1, phone);
    std::optional<ContactRow> row;
    if (s.step()) {
        row = read_contact_row(s);
    }
    s.reset(); // no read snapshot left open on the daemon's connection
    return row;
}

std::optional<std::string>
ContactsRepo::set_status(const std::string& phone, const std::string& status, const std::string& at,
                         const std::string& source, const std::string& actor) {
    auto found = find(phone);
    if (!found) {
        return std::nullopt;
    }
    if (found->status != status) {
        auto update = m_db.prepare("UPDATE contacts SET status = ?, updated_at = ? WHERE id = ?");
        update.bind_all(status, at, found->id);
        update.run();
        auto event = m_db.prepare("INSERT INTO contact_status_events (contact_id, at, status, "
                                  "source, actor) VALUES (?, ?, ?, ?, ?)");
        event.bind_all(found->id, at, status, source, actor);
        event.run();
    }
    return found->status;
}

void ContactsRepo::set_commodities(std::int64_t id, const std::string& commodities,
                                   const std::string& at) {
    auto update = m_db.prepare("UPDATE contacts SET commodities = ?, updated_at = ? WHERE id = ?");
    update.bind_all(commodities, at, id);
    update.run();
}

void ContactsRepo::for_each(const ContactFilter& filter,
                            const std::function<void(const ContactRow&)>& visit) {
    select(filter, 0, -1, visit);
}

void ContactsRepo::page(const ContactFilter& filter, std::int64_t after, int limit,
                        const std::function<void(const ContactRow&)>& visit) {
    select(filter, after, limit, visit);
}

void ContactsRepo::select(const ContactFilter& filter, std::int64_t after, int limit,
                          const std::function<void(const ContactRow&)>& visit) {
    std::string sql = std::string(k_contact_select) + "WHERE id > :after";
    if (filter.commodity) {
        sql += " AND instr(';' || commodities || ';', ';' || :commodity || ';') > 0";
    }
    if (filter.region) {
        sql += " AND region = :region COLLATE NOCASE";
    }
    if (filter.status) {
        sql += " AND status = :status";
    }
    if (filter.search) {
        // Part of the phone, the name or the organisation, case-insensitively (ASCII).
        sql += " AND (instr(phone, :search) > 0 OR instr(lower(name), lower(:search)) > 0 OR "
               "instr(lower(organisation), lower(:search)) > 0)";
    }
    sql += " ORDER BY id LIMIT :limit";
    auto s = m_db.prepare(sql);
    int i = 0;
    s.bind(++i, after);
    for (const auto* value : {&filter.commodity, &filter.region, &filter.status, &filter.search}) {
        if (*value) {
            s.bind(++i, **value);
        }
    }
    s.bind(++i, std::int64_t{limit});
    while (s.step()) {
        visit(read_contact_row(s));
    }
}

std::map<std::string, std::int64_t> ContactsRepo::count_by_status() {
    std::map<std::string, std::int64_t> counts;
    for (const auto status : core::k_contact_statuses) {
        counts[std::string(status)] = 0;
    }
    auto s = m_db.prepare("SELECT status, contacts FROM contact_tallies");
    while (s.step()) {
        counts[s.column_text(0)] = s.column_int(1);
    }
    return counts;
}

} // namespace kibaru::store
