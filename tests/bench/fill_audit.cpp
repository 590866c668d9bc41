// Appends N audit entries to a Kibaru database through the store's own AuditLog (the same
// chaining code the CLI and the daemon use), for scripts/bench.sh's `audit verify` figure.
// Entries look like real ones: an opt-out with a masked phone and a JSON reason.
// Usage: fill_audit DB N
#include "store/audit_log.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: fill_audit DB N\n");
        return 2;
    }
    using namespace kibaru::store;
    auto db = Database::open(argv[1]);
    migrate(*db);
    const long n = std::atol(argv[2]);
    constexpr long k_batch = 50000;
    for (long done = 0; done < n;) {
        Transaction tx(*db);
        for (long i = 0; i < k_batch && done < n; ++i, ++done) {
            const std::string phone = "+2237" + std::to_string(6000000 + done % 1000000);
            AuditLog(*db).append("2026-11-23T05:00:00.000Z", "cli:staff", "contacts.optout", phone,
                                 R"({"reason":"requested by phone call","source":"cli"})");
        }
        tx.commit();
    }
    return 0;
}
