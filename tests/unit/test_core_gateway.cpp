#include "core/gateway.hpp"

#include "core/callbacks.hpp"
#include "core/gateway_profile.hpp"
#include "core/json_number.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace kibaru::core;

namespace {

GatewaySettings settings(const std::string& profile) {
    GatewaySettings s;
    s.profile = profile;
    s.callback_segment = profile;
    s.url = "http://127.0.0.1:13013/cgi-bin/sendsms";
    s.username = "kibaru";
    s.secret = "s3cret";
    s.sender = "KIBARU";
    s.public_url = "http://127.0.0.1:8080/";
    s.callback_token = "tok";
    return s;
}

OutgoingSms sms(std::string text = "Prix 650 FCFA", SmsEncoding encoding = SmsEncoding::gsm7) {
    return {"+22376123456", std::move(text), encoding, "42"};
}

std::string query_param(const std::string& url, const std::string& name) {
    const auto at = url.find("&" + name + "=") != std::string::npos
                        ? url.find("&" + name + "=") + 1
                        : url.find("?" + name + "=") + 1;
    const auto start = at + name.size() + 1;
    return url.substr(start, url.find('&', start) - start);
}

} // namespace

TEST(CoreGateway, kannel_request_carries_credentials_text_and_a_dlr_url_with_our_ref) {
    const auto r = build_gateway_request(settings("kannel"), sms());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->method, "GET");
    EXPECT_EQ(r->url.rfind("http://127.0.0.1:13013/cgi-bin/sendsms?username=kibaru&password="
                           "s3cret&from=KIBARU&to=%2B22376123456&text=Prix%20650%20FCFA",
                           0),
              0u)
        << r->url;
    EXPECT_EQ(query_param(r->url, "charset"), "UTF-8");
    EXPECT_EQ(query_param(r->url, "dlr-mask"), "31");
    EXPECT_EQ(query_param(r->url, "dlr-url"),
              url_encode("http://127.0.0.1:8080/dlr/kannel?token=tok&ref=42&type=%d&ts=%T"
                         "&reply=%A&smsc_id=%F"));
}

TEST(CoreGateway, a_named_gateways_reports_come_to_its_own_path) {
    auto s = settings("kannel");
    s.callback_segment = "orange";
    const auto r = build_gateway_request(s, sms());
    EXPECT_EQ(
        query_param(r->url, "dlr-url").rfind(url_encode("http://127.0.0.1:8080/dlr/orange?"), 0),
        0u)
        << query_param(r->url, "dlr-url");
}

TEST(CoreGateway, kannel_ucs2_goes_as_coding_2_utf16be_without_charset) {
    const auto r = build_gateway_request(settings("kannel"), sms("bɛ", SmsEncoding::ucs2));
    EXPECT_EQ(query_param(r->url, "coding"), "2");
    EXPECT_EQ(query_param(r->url, "text"), "%00b%02%5B");
    EXPECT_EQ(r->url.find("charset"), std::string::npos);
}

TEST(CoreGateway, kannel_replies) {
    const auto s = settings("kannel");
    EXPECT_EQ(read_gateway_reply(s, 202, "0: Accepted for delivery", {}).verdict,
              SendVerdict::accepted);
    EXPECT_EQ(read_gateway_reply(s, 202, "3: Queued for later delivery", {}).verdict,
              SendVerdict::accepted);
    EXPECT_EQ(read_gateway_reply(s, 403, "Authorization failed for sendsms", {}).verdict,
              SendVerdict::permanent);
    EXPECT_EQ(read_gateway_reply(s, 503, "Temporal failure, try again later.", {}).verdict,
              SendVerdict::transient);
    const auto refused = read_gateway_reply(s, 0, "", {}, "Couldn't connect to server");
    EXPECT_EQ(refused.verdict, SendVerdict::transient);
    EXPECT_EQ(refused.error, "Couldn't connect to server");
}

TEST(CoreGateway, africastalking_request_and_per_recipient_status_codes) {
    const auto s = settings("africastalking");
    const auto r = build_gateway_request(s, sms());
    EXPECT_EQ(r->method, "POST");
    EXPECT_NE(std::find(r->headers.begin(), r->headers.end(), "apiKey: s3cret"), r->headers.end());
    EXPECT_EQ(r->body, "username=kibaru&to=%2B22376123456&message=Prix%20650%20FCFA&from=KIBARU");
    auto reply = [](int code, const char* status) {
        return nlohmann::json{{"SMSMessageData",
                               {{"Message", "Sent to 1/1"},
                                {"Recipients",
                                 {{{"statusCode", code},
                                   {"number", "+22376123456"},
                                   {"status", status},
                                   {"cost", "XOF 15"},
                                   {"messageId", "ATXid_1"}}}}}}}
            .dump();
    };
    const auto ok = read_gateway_reply(s, 201, reply(101, "Success"), {});
    EXPECT_EQ(ok.verdict, SendVerdict::accepted);
    EXPECT_EQ(ok.gateway_id, "ATXid_1");
    EXPECT_EQ(read_gateway_reply(s, 201, reply(102, "Queued"), {}).verdict, SendVerdict::accepted);
    EXPECT_EQ(read_gateway_reply(s, 201, reply(403, "InvalidPhoneNumber"), {}).verdict,
              SendVerdict::permanent);
    EXPECT_EQ(read_gateway_reply(s, 201, reply(405, "InsufficientBalance"), {}).verdict,
              SendVerdict::transient);
    EXPECT_EQ(read_gateway_reply(s, 201, reply(500, "InternalServerError"), {}).verdict,
              SendVerdict::transient);
    EXPECT_EQ(read_gateway_reply(s, 401, "The supplied authentication is invalid", {}).verdict,
              SendVerdict::permanent);
}

// A reply whose fields have types other than the documentation's is read, never thrown on: the
// fuzzer found that a statusCode sent as text ("ATXid_2") ended the daemon (nlohmann's value()
// throws on a type mismatch).
TEST(CoreGateway, a_reply_with_fields_of_unexpected_types_is_read_not_thrown_on) {
    const auto at = settings("africastalking");
    const auto text_code = read_gateway_reply(
        at, 201,
        R"({"SMSMessageData":{"Message":"Sent to 2/1","Recipients":[{"statusCode":"ATXid_2"}]}})",
        {});
    EXPECT_EQ(text_code.verdict, SendVerdict::permanent);
    EXPECT_NE(text_code.error.find("Africa's Talking 0"), std::string::npos) << text_code.error;
    const auto odd = read_gateway_reply(
        at, 201,
        R"({"SMSMessageData":{"Message":7,"Recipients":[{"statusCode":"101","messageId":12,)"
        R"("status":["x"]}]}})",
        {});
    EXPECT_EQ(odd.verdict, SendVerdict::accepted) << "a code written as text is still read";
    EXPECT_EQ(odd.gateway_id, "12");
    EXPECT_EQ(
        read_gateway_reply(at, 201, R"({"SMSMessageData":{"Message":[1],"Recipients":[]}})", {})
            .error,
        "no recipient in reply: [1]");
    EXPECT_EQ(read_gateway_reply(at, 201,
                                 R"({"SMSMessageData":{"Recipients":[{"statusCode":1e300}]}})", {})
                  .verdict,
              SendVerdict::permanent)
        << "a code past int is no code";
    const auto twilio = settings("twilio");
    const auto sid = read_gateway_reply(twilio, 201, R"({"sid":12})", {});
    EXPECT_EQ(sid.verdict, SendVerdict::accepted);
    EXPECT_EQ(sid.gateway_id, "12");
    const auto huge = read_gateway_reply(twilio, 400, R"({"code":1e300,"message":{"a":1}})", {});
    EXPECT_EQ(huge.verdict, SendVerdict::permanent);
    EXPECT_EQ(huge.error, R"(HTTP 400: {"a":1})");
}

TEST(CoreGateway, twilio_request_uses_basic_auth_and_a_status_callback) {
    auto s = settings("twilio");
    s.username = "ACxxxx";
    const auto r = build_gateway_request(s, sms());
    EXPECT_NE(std::find(r->headers.begin(), r->headers.end(),
                        "Authorization: Basic " + base64("ACxxxx:s3cret")),
              r->headers.end());
    EXPECT_NE(r->body.find("To=%2B22376123456&From=KIBARU&Body=Prix%20650%20FCFA&StatusCallback="),
              std::string::npos);
    EXPECT_NE(r->body.find(url_encode("http://127.0.0.1:8080/dlr/twilio?token=tok&ref=42")),
              std::string::npos);
}

TEST(CoreGateway, twilio_replies_and_error_codes) {
    const auto s = settings("twilio");
    const auto ok = read_gateway_reply(s, 201, R"({"sid":"SM123","status":"queued"})", {});
    EXPECT_EQ(ok.verdict, SendVerdict::accepted);
    EXPECT_EQ(ok.gateway_id, "SM123");
    const auto bad = read_gateway_reply(
        s, 400,
        R"({"code":21211,"message":"The 'To' number is not a valid phone number.","status":400})",
        {});
    EXPECT_EQ(bad.verdict, SendVerdict::permanent);
    EXPECT_NE(bad.error.find("21211"), std::string::npos);
    EXPECT_EQ(read_gateway_reply(s, 429, R"({"code":20429,"message":"Too Many Requests"})",
                                 std::chrono::seconds{3})
                  .retry_after,
              std::chrono::seconds{3});
}

TEST(CoreGateway, generic_fills_and_escapes_templates_and_finds_the_id) {
    auto s = settings("generic");
    s.url = "http://127.0.0.1:9000/send";
    const auto r = build_gateway_request(s, sms("Dit \"bonjour\"\n"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->body, R"({"to":"+22376123456","text":"Dit \"bonjour\"\n","ref":"42"})");
    EXPECT_NE(std::find(r->headers.begin(), r->headers.end(), "Authorization: Bearer s3cret"),
              r->headers.end());
    EXPECT_EQ(read_gateway_reply(s, 200, R"({"id":"abc"})", {}).gateway_id, "abc");
    s.generic.message_id_regex = "id=([0-9]+)";
    EXPECT_EQ(read_gateway_reply(s, 200, "OK id=77", {}).gateway_id, "77");
    // A long reply is searched in its first 4 KiB only: std::regex recurses per character
    // matched, and 64 KiB of it overflowed the stack.
    s.generic.message_id_regex = "id=(.*)";
    const std::string huge = "id=" + std::string(64 * 1024, 'a');
    EXPECT_EQ(read_gateway_reply(s, 200, huge, {}).gateway_id, std::string(4093, 'a'));
    s.generic.content_type = "application/x-www-form-urlencoded";
    s.generic.body = "to={to}&text={text}";
    EXPECT_EQ(build_gateway_request(s, sms("a b"))->body, "to=%2B22376123456&text=a%20b");
}

TEST(CoreGateway, utf16be_bytes_decode_to_utf8) {
    EXPECT_EQ(utf8_from_utf16be(utf16be("Sɛnɛkɛ 🌾")), "Sɛnɛkɛ 🌾");
    EXPECT_EQ(utf8_from_utf16be(std::string("\xD8\x3C\x00\x61", 4)), "\xEF\xBF\xBD"
                                                                     "a")
        << "a high surrogate without its low one";
    EXPECT_EQ(utf8_from_utf16be(std::string("\xDF\x3E", 2)), "\xEF\xBF\xBD");
    EXPECT_EQ(utf8_from_utf16be(std::string("\x00\x61\x00", 3)), "a\xEF\xBF\xBD") << "odd byte";
}

TEST(CoreGateway, encodings) {
    EXPECT_EQ(url_encode("a b+é"), "a%20b%2B%C3%A9");
    EXPECT_EQ(utf16be("🌾"), std::string("\xD8\x3C\xDF\x3E", 4));
    EXPECT_EQ(base64("Man"), "TWFu");
    EXPECT_EQ(base64("Ma"), "TWE=");
    EXPECT_EQ(base64("M"), "TQ==");
}

TEST(CoreGateway, request_target_is_the_path_and_query_after_the_origin) {
    const std::string url = "http://127.0.0.1:13013/cgi-bin/sendsms?to=%2B223&text=a%3Fb";
    const auto split = split_request_target(url);
    ASSERT_TRUE(split);
    EXPECT_EQ(split->origin, "http://127.0.0.1:13013");
    EXPECT_EQ(split->target, "/cgi-bin/sendsms?to=%2B223&text=a%3Fb");
    EXPECT_EQ(std::string(split->origin) + std::string(split->target), url);
    const auto with_user = split_request_target("https://user:pw@sms.example.org/send");
    ASSERT_TRUE(with_user);
    EXPECT_EQ(with_user->origin, "https://user:pw@sms.example.org");
    EXPECT_EQ(with_user->target, "/send");
    // Left whole, for curl to make sense of: no target, no host, a fragment, not absolute.
    const auto ipv6 = split_request_target("http://[::1]:8080/x?a=%20");
    ASSERT_TRUE(ipv6);
    EXPECT_EQ(ipv6->origin, "http://[::1]:8080");
    EXPECT_EQ(ipv6->target, "/x?a=%20");
    EXPECT_TRUE(split_request_target("http://h/a/..b/.c?x=/../")) << "dots inside names";
    // Left whole, for curl to check or normalise: no target, no host, a fragment, not absolute,
    // what would go on the request line unchecked (spaces, CR/LF, backslashes, dot segments).
    for (const char* whole :
         {"http://127.0.0.1:13013", "http://h?q=1", "http:///path", "http://h/p#frag",
          "/cgi-bin/sendsms?x=1", "127.0.0.1/x", "127.0.0.1/x?u=http://y/z", "1http://h/x",
          "ht tp://h/x", "http://h/a b", "http://h/x?a=1\r\nX-Evil: 1", "http://h/a\\b",
          "http://h/a/../b", "http://h/./b", "http://h/a/..", "http://h/a/.?q", "http://h/x\x7f"}) {
        EXPECT_FALSE(split_request_target(whole)) << whole;
    }
}

// The profiles are one registry: each found by its own name, nothing else found, and settings
// made from the configuration carry theirs.
TEST(GatewayProfiles, each_profile_is_found_by_its_name_and_nothing_else) {
    const auto names = gateway_profile_names();
    EXPECT_EQ(names, (std::vector<std::string_view>{"kannel", "africastalking", "twilio", "orange",
                                                    "generic"}));
    for (const auto name : names) {
        const auto* profile = find_gateway_profile(name);
        ASSERT_NE(profile, nullptr) << name;
        EXPECT_EQ(profile->name(), name);
        EXPECT_EQ(profile->needs_token(), name == "orange") << name;
    }
    EXPECT_EQ(find_gateway_profile("smpp"), nullptr);
    EXPECT_EQ(find_gateway_profile("Kannel"), nullptr);
    EXPECT_EQ(find_gateway_profile(""), nullptr);

    Config config;
    config.gateway.profile = "twilio";
    const auto made = GatewaySettings::from_config(config, "secret", "token");
    ASSERT_NE(made.driver, nullptr);
    EXPECT_EQ(made.driver->name(), "twilio");
    EXPECT_THROW((void)build_gateway_request(settings("smpp"), sms()), std::invalid_argument);
    EXPECT_FALSE(parse_delivery_report("smpp", {{"ref", "1"}}).ok());
    EXPECT_FALSE(parse_inbound("smpp", {{"from", "+22376123456"}}).ok());
}

// The one reader of whole numbers from outside JSON (gateway replies, audit details, API bodies):
// nlohmann's get<int64_t>() would read 2^64 - 1 as -1.
TEST(CoreJsonNumber, only_integers_within_int64_are_whole_numbers) {
    using nlohmann::json;
    EXPECT_EQ(kibaru::core::json_whole_number(json::parse("42")), 42);
    EXPECT_EQ(kibaru::core::json_whole_number(json::parse("-7")), -7);
    EXPECT_EQ(kibaru::core::json_whole_number(json::parse("9223372036854775807")), INT64_MAX);
    for (const char* other : {"9223372036854775808", "18446744073709551615", "4.5", "\"4\"", "true",
                              "null", "[1]", "{}"}) {
        EXPECT_FALSE(kibaru::core::json_whole_number(json::parse(other))) << other;
    }
}
