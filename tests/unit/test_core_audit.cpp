#include "core/audit.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;

namespace {

AuditEntry sample() {
    return {1,
            "2019-01-08T09:00:00Z",
            "awa",
            "contacts.optout",
            "+22376123456",
            R"({"from":"active","to":"opted_out"})"};
}

} // namespace

TEST(CoreAudit, sha256_matches_the_standard_test_vector) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CoreAudit, sha256_streamed_in_pieces_matches_the_million_a_vector) {
    Sha256 streamed; // pieces cross the internal buffering threshold many times
    const std::string thousand(1000, 'a');
    for (int i = 0; i < 1000; ++i) {
        streamed.update(thousand);
    }
    EXPECT_EQ(streamed.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    Sha256 framed; // field() is "<length>:<bytes>\n"
    framed.field("abc");
    framed.field(std::string(20000, 'x'));
    EXPECT_EQ(framed.hex(), sha256_hex("3:abc\n20000:" + std::string(20000, 'x') + "\n"));
}

TEST(CoreAudit, hash_input_is_the_documented_framing) {
    EXPECT_EQ(audit_hash_input("ab", {7, "t", "u", "act", "s", "{}"}),
              "kibaru-audit-v1\n2:ab\n1:7\n1:t\n1:u\n3:act\n1:s\n2:{}\n");
}

TEST(CoreAudit, hash_is_sha256_of_the_input) {
    const auto entry = sample();
    EXPECT_EQ(audit_hash(k_audit_genesis, entry),
              sha256_hex(audit_hash_input(k_audit_genesis, entry)));
}

TEST(CoreAudit, every_field_and_the_link_change_the_hash) {
    const auto base = audit_hash(k_audit_genesis, sample());
    auto changed = [&](auto mutate) {
        auto e = sample();
        mutate(e);
        return audit_hash(k_audit_genesis, e);
    };
    EXPECT_NE(changed([](AuditEntry& e) { e.seq = 2; }), base);
    EXPECT_NE(changed([](AuditEntry& e) { e.at = "2019-01-08T09:00:01Z"; }), base);
    EXPECT_NE(changed([](AuditEntry& e) { e.actor = "moussa"; }), base);
    EXPECT_NE(changed([](AuditEntry& e) { e.action = "contacts.optin"; }), base);
    EXPECT_NE(changed([](AuditEntry& e) { e.subject = "+22376123457"; }), base);
    EXPECT_NE(changed([](AuditEntry& e) { e.details = "{}"; }), base);
    EXPECT_NE(audit_hash(std::string(64, '1'), sample()), base);
}

TEST(CoreAudit, framing_keeps_field_boundaries_apart) {
    AuditEntry a = sample();
    AuditEntry b = sample();
    a.actor = "ab";
    a.action = "c";
    b.actor = "a";
    b.action = "bc";
    EXPECT_NE(audit_hash(k_audit_genesis, a), audit_hash(k_audit_genesis, b));
}
