#include "core/campaign.hpp"
#include "core/schedule.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;

namespace {

// A campaign every field of which is valid, for a test to change.
Campaign valid_campaign(const char* start = "2026-06-01", const char* day = "tue",
                        const char* time = "08:00", const char* zone = "Africa/Bamako",
                        int weeks = 21) {
    Campaign c;
    c.name = "test";
    c.commodity = "sesame";
    c.start_date = start;
    c.send_day = day;
    c.send_time = time;
    c.timezone = zone;
    c.weeks = weeks;
    return c;
}

WeekPlan plan(const char* start, const char* day, const char* time, const char* zone,
              int weeks = 21) {
    auto p = plan_campaign(valid_campaign(start, day, time, zone, weeks));
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return *p;
}

Instant at(const char* text) {
    return *parse_instant(text);
}

} // namespace

TEST(CoreSchedule, week_one_opens_on_the_first_send_day_on_or_after_the_start) {
    EXPECT_EQ(format_utc(plan("2019-01-07", "tue", "08:00", "Africa/Bamako").opens_at(1)),
              "2019-01-08T08:00:00Z");
    EXPECT_EQ(format_utc(plan("2019-01-08", "tue", "08:00", "Africa/Bamako").opens_at(1)),
              "2019-01-08T08:00:00Z");
    EXPECT_EQ(format_utc(plan("2019-01-09", "mardi", "08:00", "Africa/Bamako").opens_at(1)),
              "2019-01-15T08:00:00Z");
}

TEST(CoreSchedule, weeks_run_across_a_year_end_and_a_leap_day) {
    const auto p = plan("2019-12-24", "tue", "08:00", "Africa/Bamako");
    EXPECT_EQ(format_utc(p.opens_at(2)), "2019-12-31T08:00:00Z");
    EXPECT_EQ(format_utc(p.opens_at(3)), "2020-01-07T08:00:00Z");
    EXPECT_EQ(format_utc(p.opens_at(10)), "2020-02-25T08:00:00Z");
    EXPECT_EQ(format_utc(p.opens_at(11)), "2020-03-03T08:00:00Z");
    EXPECT_EQ(format_utc(p.closes_at(21)), "2020-05-19T08:00:00Z");
}

TEST(CoreSchedule, a_week_closes_when_the_next_opens) {
    const auto p = plan("2019-01-08", "tue", "08:00", "Africa/Bamako");
    for (int k = 1; k <= 21; ++k) {
        EXPECT_EQ(p.closes_at(k), p.opens_at(k + 1));
        EXPECT_EQ(p.closes_at(k) - p.opens_at(k), std::chrono::hours{24 * 7}) << "Bamako: no DST";
    }
}

TEST(CoreSchedule, keeps_local_send_time_across_daylight_saving) {
    const auto p = plan("2019-03-19", "tue", "08:00", "Europe/Paris");
    EXPECT_EQ(format_utc(p.opens_at(1)), "2019-03-19T07:00:00Z"); // CET, UTC+1
    EXPECT_EQ(format_utc(p.opens_at(2)), "2019-03-26T07:00:00Z");
    EXPECT_EQ(format_utc(p.opens_at(3)), "2019-04-02T06:00:00Z"); // CEST since 31 March
    EXPECT_EQ(p.closes_at(2) - p.opens_at(2), std::chrono::hours{24 * 7 - 1});
    const auto autumn = plan("2019-10-22", "tue", "08:00", "Europe/Paris");
    EXPECT_EQ(format_utc(autumn.opens_at(2)), "2019-10-29T07:00:00Z"); // back to CET
}

TEST(CoreSchedule, a_send_time_in_the_dst_gap_opens_at_the_end_of_the_gap) {
    const auto p = plan("2019-03-03", "sun", "02:30", "America/New_York");
    EXPECT_EQ(format_utc(p.opens_at(1)), "2019-03-03T07:30:00Z");
    EXPECT_EQ(format_utc(p.opens_at(2)), "2019-03-10T07:00:00Z"); // 02:30 does not exist
    EXPECT_EQ(format_utc(p.opens_at(3)), "2019-03-17T06:30:00Z");
}

TEST(CoreSchedule, finds_the_week_open_at_an_instant) {
    const auto p = plan("2019-03-19", "tue", "08:00", "Europe/Paris", 3);
    EXPECT_EQ(p.week_at(at("2019-03-19T06:59:59Z")), 0);
    EXPECT_EQ(p.week_at(at("2019-03-19T07:00:00Z")), 1);
    EXPECT_EQ(p.week_at(at("2019-03-26T06:59:59Z")), 1);
    EXPECT_EQ(p.week_at(at("2019-04-02T05:59:59Z")), 2);
    EXPECT_EQ(p.week_at(at("2019-04-02T06:00:00Z")), 3);
    EXPECT_EQ(p.week_at(at("2019-04-09T06:00:00Z")), 4) << "after the last week";
    EXPECT_EQ(p.week_at(at("2020-01-01T00:00:00Z")), 4);
}

TEST(CoreSchedule, send_hours_are_local_and_end_exclusive) {
    const auto hours = *parse_send_hours("07:00-20:00");
    const auto* bamako = *find_zone("Africa/Bamako");
    EXPECT_FALSE(in_send_hours(at("2019-01-08T06:59:59Z"), bamako, hours));
    EXPECT_TRUE(in_send_hours(at("2019-01-08T07:00:00Z"), bamako, hours));
    EXPECT_TRUE(in_send_hours(at("2019-01-08T19:59:59Z"), bamako, hours));
    EXPECT_FALSE(in_send_hours(at("2019-01-08T20:00:00Z"), bamako, hours));
    const auto* paris = *find_zone("Europe/Paris");
    EXPECT_TRUE(in_send_hours(at("2019-07-01T05:30:00Z"), paris, hours)) << "07:30 CEST";
    EXPECT_FALSE(in_send_hours(at("2019-01-01T05:30:00Z"), paris, hours)) << "06:30 CET";
}

TEST(CoreSchedule, bad_inputs_are_all_reported_with_their_option) {
    Campaign c;
    c.name = "x";
    c.commodity = "Sesame!";
    c.start_date = "2019-02-30";
    c.send_day = "someday";
    c.send_time = "25:00";
    c.timezone = "Mars/Olympus";
    c.weeks = 0;
    c.kinds = {"farmer"};
    const auto p = plan_campaign(c);
    ASSERT_FALSE(p.ok());
    for (const char* option : {"--commodity", "--start", "--send-day", "--send-time", "--timezone",
                               "--weeks", "--kind"}) {
        EXPECT_NE(p.error().message.find(option), std::string::npos) << option;
    }
}

TEST(CoreSchedule, a_plan_refused_for_one_field_names_it_and_for_several_names_none) {
    auto c = valid_campaign();
    ASSERT_TRUE(plan_campaign(c).ok());
    c.send_time = "25:00";
    auto p = plan_campaign(c);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().field, "send_time");
    c.kinds = {"farmer", "trader"}; // two problems, one field
    c.send_time = "08:00";
    p = plan_campaign(c);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().field, "kinds");
    c.weeks = 0; // a second field
    p = plan_campaign(c);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().field, "");
}

TEST(CoreSchedule, each_problem_of_a_campaign_names_its_field_in_the_order_of_the_fields) {
    auto c = valid_campaign();
    EXPECT_TRUE(campaign_problems(c).empty());
    c.weeks = 0;
    c.kinds = {"farmer", "trader"};
    c.commodity = "Sésame";
    const auto problems = campaign_problems(c);
    std::vector<std::string> fields;
    for (const auto& problem : problems) {
        fields.push_back(problem.field);
    }
    EXPECT_EQ(fields, (std::vector<std::string>{"commodity", "weeks", "kinds", "kinds"}));
    const auto p = plan_campaign(c);
    ASSERT_FALSE(p.ok());
    for (const auto& problem : problems) { // the CLI's message is the same problems, together
        EXPECT_NE(p.error().message.find(problem.message), std::string::npos) << problem.message;
    }
}

TEST(CoreSchedule, parses_days_times_and_dates) {
    EXPECT_EQ(*parse_weekday("Tuesday"), std::chrono::Tuesday);
    EXPECT_EQ(*parse_weekday("SAM"), std::chrono::Saturday);
    EXPECT_EQ(weekday_name(std::chrono::Sunday), "sun");
    EXPECT_EQ(parse_local_clock("08:30")->minutes, 510);
    EXPECT_EQ(format_local_clock(LocalClock{510}), "08:30");
    EXPECT_FALSE(parse_local_clock("8:30").ok());
    EXPECT_FALSE(parse_date("2019-2-3").ok());
    EXPECT_TRUE(parse_date("2020-02-29").ok());
    EXPECT_FALSE(parse_date("2019-02-29").ok());
    EXPECT_FALSE(parse_send_hours("20:00-07:00").ok());
}

TEST(CoreCampaign, status_changes_follow_the_rules) {
    EXPECT_EQ(*campaign_status_after("active", "pause"), "paused");
    EXPECT_EQ(*campaign_status_after("paused", "resume"), "active");
    EXPECT_EQ(*campaign_status_after("paused", "cancel"), "cancelled");
    EXPECT_FALSE(campaign_status_after("active", "resume").ok());
    EXPECT_FALSE(campaign_status_after("paused", "pause").ok());
    EXPECT_FALSE(campaign_status_after("cancelled", "resume").ok());
}
