// Accounts in process: who may manage them, what a password must be, sign-in with its lockout,
// sessions ended by a password change or a disable, API tokens kept hashed and revocable.
#include "ops/accounts.hpp"
#include "ops/secrets.hpp"
#include "ops_fixture.hpp"

#include <algorithm>

using namespace kibaru;
using kibaru::test::OpsTest;

namespace {

class OpsAccounts : public OpsTest {
protected:
    void SetUp() override {
        OpsTest::SetUp();
        ASSERT_TRUE(ops::add_user(env(), "awa", "staff", "correct horse"));
    }
    // The three steps of a sign-in, from `peer`.
    ops::Result<ops::Login> login(const std::string& password, const std::string& at,
                                  const std::string& peer = "10.0.0.1") {
        const auto e = env("", ops::Role::auditor, at);
        auto attempt = ops::begin_login(e, "awa", peer);
        if (!attempt) {
            return attempt.error();
        }
        return ops::finish_login(e, *attempt,
                                 ops::verify_password(attempt->password_hash, password));
    }
};

} // namespace

TEST_F(OpsAccounts, only_an_admin_manages_accounts_and_passwords_need_ten_characters) {
    const auto staff = env("awa", ops::Role::staff);
    auto refused = ops::add_user(staff, "bob", "auditor", "long enough!");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ops::ErrorKind::forbidden);
    auto short_password = ops::add_user(env(), "bob", "auditor", "short");
    ASSERT_FALSE(short_password);
    EXPECT_EQ(short_password.error().field, "password");
    auto taken = ops::add_user(env(), "awa", "auditor", "long enough!");
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().kind, ops::ErrorKind::conflict);
    auto bad_role = ops::add_user(env(), "bob", "root", "long enough!");
    ASSERT_FALSE(bad_role);
    EXPECT_EQ(bad_role.error().field, "role");
    EXPECT_EQ(sql("SELECT actor || ' ' || action || ' ' || subject FROM audit_log"),
              "admin user.add awa");
    EXPECT_EQ(sql("SELECT substr(password_hash, 1, 10) FROM users"), "$argon2id$");
}

// The console says why in French: each refusal of an account change carries a listed code and
// its values beside the English text.
TEST_F(OpsAccounts, a_refused_account_change_gives_its_reason_as_a_listed_code) {
    const auto why = [](const auto& refused) {
        EXPECT_FALSE(refused);
        const auto refusal = refused ? core::Refusal{} : refused.error().why;
        EXPECT_NE(std::find(ops::k_account_refusal_codes.begin(),
                            ops::k_account_refusal_codes.end(), refusal.code),
                  ops::k_account_refusal_codes.end())
            << "unlisted code \"" << refusal.code << "\"";
        return refusal;
    };
    using Args = std::vector<std::string>;
    auto r = why(ops::add_user(env(), "bob smith", "staff", "long enough!"));
    EXPECT_EQ(r.code, "account_bad_name");
    EXPECT_EQ(r.args, Args{"bob smith"});
    r = why(ops::add_user(env(), "bob", "staff", "short"));
    EXPECT_EQ(r.code, "account_short_password");
    EXPECT_EQ(r.args, Args{"10"});
    EXPECT_EQ(why(ops::add_user(env(), "bob", "root", "long enough!")).code, "account_bad_role");
    EXPECT_EQ(why(ops::add_user(env(), "awa", "staff", "long enough!")).code, "account_exists");
    r = why(ops::set_user_status(env(), "nobody", "disabled"));
    EXPECT_EQ(r.code, "account_unknown_user");
    EXPECT_EQ(r.args, Args{"nobody"});
    EXPECT_EQ(why(ops::set_user_status(env("awa", ops::Role::admin), "awa", "disabled")).code,
              "account_self_disable");
}

TEST_F(OpsAccounts, a_wrong_password_fails_and_five_failures_lock_the_name_for_15_minutes) {
    EXPECT_TRUE(login("correct horse", "2019-01-08T09:00:00Z"));
    for (int i = 0; i < 5; ++i) {
        auto wrong = login("wrong", "2019-01-08T09:01:00Z");
        ASSERT_FALSE(wrong);
        EXPECT_EQ(wrong.error().kind, ops::ErrorKind::unauthorized);
    }
    auto locked = login("correct horse", "2019-01-08T09:02:00Z", "10.0.0.2");
    ASSERT_FALSE(locked);
    EXPECT_EQ(locked.error().kind, ops::ErrorKind::too_many) << "locked whatever the address";
    EXPECT_TRUE(login("correct horse", "2019-01-08T09:16:01Z")) << "15 minutes later";
}

// The lock lasts 15 minutes from the fifth failure, not until the first is 15 minutes old; 429
// says when it ends.
TEST_F(OpsAccounts, a_lockout_lasts_15_minutes_from_the_failure_that_set_it) {
    ASSERT_FALSE(login("wrong", "2019-01-08T10:00:00Z"));
    for (int i = 0; i < 4; ++i) {
        ASSERT_FALSE(login("wrong", "2019-01-08T10:13:00Z"));
    }
    auto locked = login("correct horse", "2019-01-08T10:15:30Z");
    ASSERT_FALSE(locked) << "the first failure is over 15 minutes old, the lock is not";
    EXPECT_EQ(locked.error().kind, ops::ErrorKind::too_many);
    EXPECT_EQ(locked.error().retry_after_seconds, 750) << "until 10:28:00";
    EXPECT_NE(locked.error().message.find("13 min"), std::string::npos) << locked.error().message;
    EXPECT_FALSE(login("correct horse", "2019-01-08T10:27:59Z"));
    EXPECT_TRUE(login("correct horse", "2019-01-08T10:28:00Z"));
}

// Anyone may try to sign in, so what a failure leaves must stay small: a megabyte-long name is
// kept to 65 bytes (no account's name is longer than 64) and still locks, and failures the
// lockout will never read again are forgotten.
TEST_F(OpsAccounts, failed_sign_ins_leave_only_what_the_lockout_needs) {
    const std::string huge(1 << 20, 'x');
    auto try_huge = [&](const std::string& at, const std::string& peer) {
        const auto e = env("", ops::Role::auditor, at);
        auto attempt = ops::begin_login(e, huge, peer);
        return attempt ? ops::finish_login(e, *attempt, false).error().kind : attempt.error().kind;
    };
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(try_huge("2019-01-08T09:00:00Z", "10.0.0." + std::to_string(i)),
                  ops::ErrorKind::unauthorized);
    }
    EXPECT_EQ(try_huge("2019-01-08T09:01:00Z", "10.0.0.9"), ops::ErrorKind::too_many)
        << "five failures of the same long name lock it, from any address";
    EXPECT_EQ(sql("SELECT count(*) || ' ' || max(length(name)) FROM login_failures"), "5 65");
    ASSERT_FALSE(login("wrong", "2019-01-08T09:31:00Z"));
    EXPECT_EQ(sql("SELECT count(*) || ' ' || max(name) FROM login_failures"), "1 awa")
        << "30 minutes on, the long name's failures are forgotten";
}

TEST_F(OpsAccounts, a_password_needs_ten_characters_not_ten_bytes) {
    auto five_accents = ops::add_user(env(), "eve", "staff", "ééééé"); // 10 bytes
    ASSERT_FALSE(five_accents);
    EXPECT_EQ(five_accents.error().field, "password");
    EXPECT_TRUE(ops::add_user(env(), "eve", "staff", "ɛɛɛɛɛɛɛɛɛɛ")) << "ten Bambara letters";
}

// `users enable` lifts a lockout at once, the one by address too: the address that failed on
// this account may sign in again (a successful sign-in of another name lifts nothing).
TEST_F(OpsAccounts, enabling_the_account_lifts_its_lockout_by_name_and_by_address) {
    ASSERT_TRUE(ops::add_user(env(), "bina", "staff", "another horse"));
    for (int i = 0; i < 5; ++i) {
        ASSERT_FALSE(login("wrong", "2019-01-08T09:01:00Z", "10.0.0.9"));
    }
    const auto e = env("", ops::Role::auditor, "2019-01-08T09:02:00Z");
    auto by_address = ops::begin_login(e, "bina", "10.0.0.9");
    ASSERT_FALSE(by_address);
    EXPECT_EQ(by_address.error().kind, ops::ErrorKind::too_many) << "that address is locked";
    ASSERT_TRUE(ops::set_user_status(env("admin", ops::Role::admin, "2019-01-08T09:03:00Z"), "awa",
                                     "active"));
    EXPECT_TRUE(ops::begin_login(e, "bina", "10.0.0.9"));
    EXPECT_TRUE(login("correct horse", "2019-01-08T09:04:00Z", "10.0.0.9"));
}

TEST_F(OpsAccounts, sessions_end_with_a_password_change_a_disable_or_idle_time) {
    const auto first = login("correct horse", "2019-01-08T09:00:00Z");
    ASSERT_TRUE(first);
    const auto at = [&](const std::string& t) { return env("", ops::Role::auditor, t); };
    const auto who = ops::session_principal(at("2019-01-08T10:00:00Z"), first->session_token, 720);
    ASSERT_TRUE(who);
    EXPECT_EQ(who->name, "awa");
    EXPECT_EQ(who->role, ops::Role::staff);
    EXPECT_FALSE(ops::session_principal(at("2019-01-08T22:01:00Z"), first->session_token, 720))
        << "idle 12 hours";
    const auto second = login("correct horse", "2019-01-09T09:00:00Z");
    ASSERT_TRUE(ops::change_password(env("admin", ops::Role::admin, "2019-01-09T09:01:00Z"), "awa",
                                     "battery staple"));
    EXPECT_FALSE(ops::session_principal(at("2019-01-09T09:02:00Z"), second->session_token, 720));
    const auto third = login("battery staple", "2019-01-09T09:03:00Z");
    ASSERT_TRUE(third);
    ASSERT_TRUE(ops::set_user_status(env(), "awa", "disabled"));
    EXPECT_FALSE(ops::session_principal(at("2019-01-09T09:04:00Z"), third->session_token, 720));
    EXPECT_FALSE(login("battery staple", "2019-01-09T09:05:00Z")) << "a disabled account";
    EXPECT_EQ(third->csrf_token, ops::csrf_token_for(third->session_token));
    EXPECT_NE(third->csrf_token, ops::csrf_token_for(first->session_token));
}

TEST_F(OpsAccounts, api_tokens_are_kept_hashed_and_stop_working_once_revoked) {
    const auto issued = ops::issue_token(env(), "awa", "export script");
    ASSERT_TRUE(issued);
    EXPECT_EQ(issued->token.rfind("kb_", 0), 0u);
    EXPECT_EQ(sql("SELECT count(*) FROM api_tokens WHERE token_hash = '" + issued->token + "'"),
              "0");
    EXPECT_EQ(sql("SELECT coalesce(last_used_at, 'never') FROM api_tokens"), "never");
    const auto who = ops::token_principal(env(), issued->token);
    ASSERT_TRUE(who);
    EXPECT_EQ(who->name, "awa");
    EXPECT_EQ(who->session_id, 0);
    EXPECT_EQ(sql("SELECT last_used_at FROM api_tokens"), "2019-01-08T09:00:00Z");
    ASSERT_TRUE(
        ops::token_principal(env("", ops::Role::auditor, "2019-01-08T09:00:30Z"), issued->token));
    EXPECT_EQ(sql("SELECT last_used_at FROM api_tokens"), "2019-01-08T09:00:00Z")
        << "kept to the minute: no write for every request";
    ASSERT_TRUE(
        ops::token_principal(env("", ops::Role::auditor, "2019-01-08T09:02:00Z"), issued->token));
    EXPECT_EQ(sql("SELECT last_used_at FROM api_tokens"), "2019-01-08T09:02:00Z");
    ASSERT_TRUE(ops::revoke_token(env(), issued->id));
    EXPECT_FALSE(ops::token_principal(env(), issued->token));
    auto again = ops::revoke_token(env(), issued->id);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, ops::ErrorKind::not_found);
}
