#include "core/audit_checkpoint.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;

TEST(CoreAuditCheckpoint, the_short_form_is_what_a_witness_reads) {
    const AuditCheckpoint c{42, "0123456789abcdef" + std::string(48, 'f'), "2019-01-15T08:00:00Z"};
    EXPECT_EQ(checkpoint_text(c), "KIBARU AUDIT 42 0123456789abcdef");
}

TEST(CoreAuditCheckpoint, claims_are_read_as_typed_or_as_the_sms_reads) {
    const auto plain = parse_checkpoint("42 0123456789ABCDEF");
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_EQ(plain->seq, 42);
    EXPECT_EQ(plain->hex, "0123456789abcdef");
    const auto sms = parse_checkpoint("  Kibaru audit 7   fedcba9876543210ff ");
    ASSERT_TRUE(sms) << sms.error().message;
    EXPECT_EQ(sms->seq, 7);
    EXPECT_EQ(sms->hex, "fedcba9876543210ff");
    const auto witnessed = parse_checkpoint("KIBARU AUDIT 57 0123456789abcdef prev 42");
    ASSERT_TRUE(witnessed) << witnessed.error().message;
    EXPECT_EQ(witnessed->seq, 57) << "the previous checkpoint's seq is not the claim";
    EXPECT_FALSE(parse_checkpoint("42 0123456789abcde")) << "15 digits";
    EXPECT_FALSE(parse_checkpoint("42 0123456789abcdeg"));
    EXPECT_FALSE(parse_checkpoint("0 0123456789abcdef"));
    EXPECT_FALSE(parse_checkpoint("0123456789abcdef"));
    EXPECT_FALSE(parse_checkpoint(""));
    EXPECT_FALSE(parse_checkpoint("42 " + std::string(65, 'a')));
}

TEST(CoreAuditCheckpoint, a_file_skips_comments_and_names_the_bad_line) {
    const auto ok = parse_checkpoint_lines("# week 1\n4 0123456789abcdef\r\n\nKIBARU AUDIT 9 "
                                           "00112233445566778899\n",
                                           "w.txt");
    ASSERT_TRUE(ok) << ok.error().message;
    ASSERT_EQ(ok->size(), 2u);
    EXPECT_EQ((*ok)[1].seq, 9);
    const auto bad = parse_checkpoint_lines("4 0123456789abcdef\n5 12\n", "w.txt");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message.rfind("w.txt:2: ", 0), 0u) << bad.error().message;
}

TEST(CoreAuditCheckpoint, a_claim_holds_while_the_hash_starts_with_it) {
    const auto claim = *parse_checkpoint("4 0123456789abcdef");
    EXPECT_FALSE(checkpoint_mismatch(claim, "0123456789abcdef" + std::string(48, '0')));
    const auto rewritten = checkpoint_mismatch(claim, std::string(64, 'a'));
    ASSERT_TRUE(rewritten);
    EXPECT_NE(rewritten->find("no longer matches"), std::string::npos) << *rewritten;
    const auto cut = checkpoint_mismatch(claim, std::nullopt);
    ASSERT_TRUE(cut);
    EXPECT_NE(cut->find("no longer has"), std::string::npos) << *cut;
}
