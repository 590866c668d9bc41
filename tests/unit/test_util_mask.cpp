#include "util/mask.hpp"

#include <gtest/gtest.h>

using kibaru::util::mask_phones;

TEST(UtilMask, masks_e164_numbers_as_spec_shows) {
    EXPECT_EQ(mask_phones("sent to +22376123456 ok"), "sent to +22376****56 ok");
}

TEST(UtilMask, masks_every_number_in_a_line) {
    EXPECT_EQ(mask_phones("+22376123456,+33612345678"), "+22376****56,+33612****78");
}

TEST(UtilMask, leaves_other_text_alone) {
    EXPECT_EQ(mask_phones("1+1=2, +1234, 76123456"), "1+1=2, +1234, 76123456");
}
