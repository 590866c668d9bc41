#include "store/audience_digest.hpp"

#include "store/sqlite.hpp"

#include <charconv>

namespace kibaru::store {

AudienceDigest::AudienceDigest() {
    m_sha.update("kibaru-audience-v1\n");
}

void AudienceDigest::add(std::int64_t delivery_id, std::string_view contact_id,
                         std::string_view phone) {
    char id[24];
    m_sha.field(
        {id, static_cast<std::size_t>(std::to_chars(id, id + sizeof id, delivery_id).ptr - id)});
    m_sha.field(contact_id);
    m_sha.field(phone);
}

std::string AudienceDigest::hex() {
    return m_sha.hex();
}

std::string audience_digest(Database& db, std::int64_t first_id, std::int64_t last_id) {
    // The week's contacts were inserted in contact order, so the join walks the contacts
    // table forward, as the opening's own scan did.
    auto rows = db.prepare("SELECT d.id, d.contact_id, coalesce(c.phone, '') FROM deliveries d "
                           "LEFT JOIN contacts c ON c.id = d.contact_id WHERE d.id BETWEEN ? AND "
                           "? ORDER BY d.id");
    rows.bind_all(first_id, last_id);
    AudienceDigest digest;
    while (rows.step()) {
        digest.add(rows.column_int(0), rows.column_view(1), rows.column_view(2));
    }
    return digest.hex();
}

} // namespace kibaru::store
