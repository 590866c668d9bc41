#include "core/profiles/orange.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace kibaru::core;

namespace {

GatewaySettings orange() {
    GatewaySettings s;
    s.name = "orange-api";
    s.callback_segment = "orange-api";
    s.profile = "orange";
    s.url = "https://api.orange.com/";
    s.client_id = "app";
    s.secret = "s3cret";
    s.sender = "KIBARU";
    s.sender_number = "+22370000000";
    s.public_url = "http://kibaru.example.org:8080";
    s.callback_token = "tok";
    s.access_token = "bearer-1";
    return s;
}

} // namespace

TEST(CoreGatewayOrange, the_token_request_is_client_credentials_with_basic_auth) {
    const auto r = orange_token_request(orange());
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.url, "https://api.orange.com/oauth/v3/token");
    EXPECT_EQ(r.headers[0], "Authorization: Basic " + base64("app:s3cret"));
    EXPECT_EQ(r.body, "grant_type=client_credentials");
}

TEST(CoreGatewayOrange, the_token_answer_gives_the_token_and_its_lifetime) {
    auto t = read_orange_token_reply(
        200, R"({"token_type":"Bearer","access_token":"abc","expires_in":"3600"})");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->token, "abc");
    EXPECT_EQ(t->expires_in.count(), 3600);
    EXPECT_EQ(read_orange_token_reply(200, R"({"access_token":"x","expires_in":7776000})")
                  ->expires_in.count(),
              7776000);
    const auto refused = read_orange_token_reply(401, R"({"error":"invalid_client"})");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("HTTP 401: invalid_client"), std::string::npos);
    EXPECT_FALSE(read_orange_token_reply(200, "{}"));
}

TEST(CoreGatewayOrange, a_send_is_a_json_request_with_the_bearer_token_and_our_ref) {
    const auto r =
        orange_send_request(orange(), {"+22376123456", "Prix 650", SmsEncoding::gsm7, "42"});
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.url,
              "https://api.orange.com/smsmessaging/v1/outbound/tel%3A%2B22370000000/requests");
    EXPECT_EQ(r.headers[0], "Authorization: Bearer bearer-1");
    const auto body = nlohmann::json::parse(r.body)["outboundSMSMessageRequest"];
    EXPECT_EQ(body["address"], "tel:+22376123456");
    EXPECT_EQ(body["senderAddress"], "tel:+22370000000");
    EXPECT_EQ(body["senderName"], "KIBARU");
    EXPECT_EQ(body["outboundSMSTextMessage"]["message"], "Prix 650");
    EXPECT_EQ(body["receiptRequest"]["callbackData"], "42");
    EXPECT_EQ(body["receiptRequest"]["notifyURL"],
              "http://kibaru.example.org:8080/dlr/orange-api?token=tok");
}

TEST(CoreGatewayOrange, a_201_is_accepted_with_the_id_of_its_resource) {
    const auto ok = read_orange_reply(
        201,
        R"({"outboundSMSMessageRequest":{"resourceURL":"https://api.orange.com/smsmessaging/v1/outbound/tel:+22370000000/requests/abc-123"}})");
    EXPECT_EQ(ok.verdict, SendVerdict::accepted);
    EXPECT_EQ(ok.gateway_id, "abc-123");
    const auto refused = read_orange_reply(
        400,
        R"({"requestError":{"serviceException":{"messageId":"SVC0002","text":"Invalid input"}}})");
    EXPECT_EQ(refused.verdict, SendVerdict::permanent);
    EXPECT_EQ(refused.error, "HTTP 400: SVC0002 Invalid input");
    EXPECT_EQ(read_orange_reply(503, "").verdict, SendVerdict::transient);
}

TEST(CoreGatewayOrange, an_incoming_sms_gives_its_sender_without_the_uri_scheme) {
    // inboundSMSMessageNotification.inboundSMSMessage, flattened as the callback listener does.
    const auto sms = parse_inbound("orange", {{"senderAddress", "tel:+22376123456"},
                                              {"destinationAddress", "tel:+22370000000"},
                                              {"message", "PRIX SESAME KITA"},
                                              {"messageId", "mo-81"},
                                              {"dateTime", "2019-01-08T09:00:00Z"}});
    ASSERT_TRUE(sms) << sms.error().message;
    EXPECT_EQ(sms->from, "+22376123456");
    EXPECT_EQ(sms->text, "PRIX SESAME KITA");
    EXPECT_EQ(sms->gateway_message_id, "mo-81");
    EXPECT_FALSE(parse_inbound("orange", {{"message", "PRIX"}})) << "no sender";
}

TEST(CoreGatewayOrange, delivery_reports_name_the_ref_and_the_state) {
    auto delivered = parse_orange_report(
        {{"callbackData", "42"}, {"deliveryStatus", "DeliveredToTerminal"}, {"address", "x"}});
    ASSERT_TRUE(delivered);
    EXPECT_EQ(delivered->ref, "42");
    EXPECT_EQ(delivered->state, DeliveryState::delivered);
    EXPECT_EQ(
        parse_orange_report({{"callbackData", "42"}, {"deliveryStatus", "DeliveryImpossible"}})
            ->state,
        DeliveryState::failed);
    EXPECT_EQ(
        parse_orange_report({{"callbackData", "42"}, {"deliveryStatus", "DeliveredToNetwork"}})
            ->state,
        DeliveryState::sent);
    EXPECT_FALSE(parse_orange_report({{"deliveryStatus", "DeliveredToTerminal"}}));
    EXPECT_FALSE(parse_orange_report({{"callbackData", "42"}, {"deliveryStatus", "Lost"}}));
}
