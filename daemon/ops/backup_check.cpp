#include "ops/backup_check.hpp"

#include "ops/admin.hpp"
#include "store/integrity.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

#include <filesystem>

namespace kibaru::ops {

namespace {

// The schema versions that brought the audit log and the delivery events' seals.
constexpr int k_audit_schema = 2;
constexpr int k_events_schema = 4;

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) {
        out += (out.empty() ? "" : "; ") + line;
    }
    return out;
}

} // namespace

std::string CopyVerdict::problem() const {
    if (!readable) {
        return file + " is not a Kibaru database" +
               (integrity.empty() ? std::string() : ": " + joined(integrity));
    }
    if (!integrity.empty()) {
        return file + " is damaged (integrity_check: " + joined(integrity) + ")";
    }
    if (schema_version > newest_schema) {
        return file + " has schema version " + std::to_string(schema_version) +
               ", newer than this kibaru understands (" + std::to_string(newest_schema) +
               "): upgrade kibaru first";
    }
    if (audit_checked && !audit.ok()) {
        return file + ": audit log broken" +
               (audit.broken_seq > 0 ? " at entry " + std::to_string(audit.broken_seq)
                                     : std::string()) +
               ": " + audit.problem;
    }
    return "";
}

CopyVerdict verify_copy(const std::string& file, const std::atomic<bool>* cancel) {
    CopyVerdict verdict;
    verdict.file = file;
    verdict.newest_schema = store::current_schema_version();
    std::unique_ptr<store::Database> db;
    try {
        db = store::Database::open_read_only(file);
    } catch (const store::StoreError& e) {
        if (!store::is_damage(e.code())) {
            throw; // missing, unreadable: not a verdict on the copy
        }
        verdict.readable = false;
        verdict.integrity = {e.what()};
        return verdict;
    }
    db->interrupt_when(cancel);
    if (static_cast<std::int32_t>(db->scalar_int("PRAGMA application_id")) !=
        store::k_application_id) {
        verdict.readable = false;
        return verdict;
    }
    verdict.integrity = store::integrity_problems(*db, store::Check::full);
    if (!verdict.integrity.empty()) {
        return verdict;
    }
    verdict.schema_version = store::schema_version(*db);
    if (verdict.schema_version > verdict.newest_schema || verdict.schema_version < k_audit_schema) {
        return verdict;
    }
    verdict.audit_checked = true;
    verdict.audit = verdict.schema_version >= k_events_schema ? verify_audit(*db)
                                                              : store::AuditLog(*db).verify();
    verdict.audit_seq = db->scalar_int("SELECT seq FROM audit_head WHERE id = 1");
    return verdict;
}

bool is_database_file(const std::string& path, const std::string& database_path) {
    namespace fs = std::filesystem;
    if (database_path == ":memory:") {
        return false;
    }
    std::error_code ec;
    const auto db = fs::weakly_canonical(fs::absolute(database_path), ec);
    const auto target = fs::weakly_canonical(fs::absolute(path), ec);
    for (const char* suffix : {"", "-wal", "-shm", "-journal", ".lock"}) {
        if (target == fs::path(db.string() + suffix)) {
            return true;
        }
    }
    return fs::exists(path, ec) && fs::equivalent(path, database_path, ec); // a hard link
}

util::Json copy_verdict_json(const CopyVerdict& verdict) {
    util::Json out = {{"file", verdict.file}};
    if (verdict.integrity.empty() && verdict.readable) {
        out["integrity"] = "ok";
    } else {
        out["integrity"] = verdict.integrity;
    }
    out["schema_version"] = verdict.schema_version;
    if (verdict.audit_checked) {
        out["audit"] = audit_verdict_json(verdict.audit);
    } else {
        out["audit"] = nullptr;
    }
    out["audit_seq"] = verdict.audit_seq;
    out["ok"] = verdict.ok();
    if (!verdict.ok()) {
        out["problem"] = verdict.problem();
    }
    return out;
}

} // namespace kibaru::ops
