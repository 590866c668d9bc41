#include "core/campaign.hpp"
#include "core/message_template.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;

TEST(CoreTemplate, finds_placeholders_in_order_without_repeats) {
    const auto names = template_placeholders("{name}: {market} {price_min}-{price_max} {name}");
    ASSERT_TRUE(names.ok());
    EXPECT_EQ(*names, (std::vector<std::string>{"name", "market", "price_min", "price_max"}));
}

TEST(CoreTemplate, doubled_braces_are_literal) {
    const auto names = template_placeholders("{{not}} a {placeholder}");
    EXPECT_EQ(*names, std::vector<std::string>{"placeholder"});
    EXPECT_EQ(render_template("{{x}} {placeholder}", {{"placeholder", "ok"}}), "{x} ok");
}

TEST(CoreTemplate, malformed_braces_are_refused_with_their_position) {
    EXPECT_NE(template_placeholders("prix } fin").error().message.find("character 6"),
              std::string::npos);
    EXPECT_FALSE(template_placeholders("prix {market").ok());
    EXPECT_FALSE(template_placeholders("prix {Market Ségou}").ok());
    EXPECT_FALSE(template_placeholders("prix {}").ok());
    EXPECT_FALSE(template_placeholders("prix {0}").ok());
}

TEST(CoreTemplate, renders_with_named_values) {
    EXPECT_EQ(render_template("{market} {price_min}-{price_max} FCFA/kg",
                              {{"market", "Ségou"}, {"price_min", "610"}, {"price_max", "660"}}),
              "Ségou 610-660 FCFA/kg");
}

TEST(CoreTemplate, two_stage_rendering_keeps_later_placeholders_and_literal_braces) {
    const auto stage1 = fill_template("{name}: {advice} (S{week})", {{"advice", "voir {site}"}});
    EXPECT_EQ(stage1, "{name}: voir {{site}} (S{week})");
    EXPECT_EQ(render_template(stage1, {{"name", "Awa"}, {"week", "3"}}), "Awa: voir {site} (S3)");
}

// Found while writing tests/fuzz/fuzz_template's two-stage property: when the first stage
// filled every placeholder it used to produce final text, so a literal "{{" became "{" and the
// stored message was no template any more ("{ 500 {name}" was then sent with "{name}" unfilled).
TEST(CoreTemplate, a_literal_brace_survives_the_first_stage_even_when_it_fills_everything) {
    const auto stage1 = fill_template("{{ {price} FCFA", {{"price", "500"}});
    EXPECT_EQ(stage1, "{{ 500 FCFA");
    EXPECT_EQ(render_template(stage1, {{"name", "Awa"}}), "{ 500 FCFA");
    const auto partial = fill_template("{{ {price} {name}", {{"price", "500"}});
    EXPECT_TRUE(template_placeholders(partial).ok());
    EXPECT_EQ(render_template(partial, {{"name", "Awa"}}), "{ 500 Awa");
}

TEST(CoreTemplate, filling_with_nothing_changes_nothing) {
    for (const char* text : {"{{x}} {name}", "{{{{", "plain", "{a}{b}}}"}) {
        EXPECT_EQ(fill_template(text, {}), text);
    }
}

TEST(CoreTemplate, message_placeholders_are_the_six_of_the_spec) {
    for (const char* name : {"name", "organisation", "region", "week", "weeks", "commodity"}) {
        EXPECT_TRUE(is_message_placeholder(name)) << name;
    }
    EXPECT_FALSE(is_message_placeholder("market"));
}

TEST(CoreTemplate, message_values_fill_contact_and_week) {
    Campaign c;
    c.weeks = 21;
    c.commodity = "sesame";
    Contact awa;
    awa.name = "Awa";
    awa.region = "Dioila";
    EXPECT_EQ(render_template("{name} ({region}) {commodity} {week}/{weeks} {organisation}.",
                              message_values(c, 3, awa)),
              "Awa (Dioila) sesame 3/21 .");
}

TEST(CoreTemplate, a_message_is_personal_when_it_names_a_contact_field) {
    EXPECT_FALSE(message_is_personal("Sésame S{week}/{weeks}: {commodity} 650 FCFA/kg"));
    EXPECT_FALSE(message_is_personal("Prix {{name}} 650")); // literal braces, not a placeholder
    EXPECT_TRUE(message_is_personal("{name}, sésame 650 FCFA"));
    EXPECT_TRUE(message_is_personal("Kita ({region}) 650"));
    EXPECT_TRUE(message_is_personal("{organisation}: 650"));
    EXPECT_TRUE(message_is_personal("Prix {650")); // not a template: never shared
}
