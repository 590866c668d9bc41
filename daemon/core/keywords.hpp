// What a producer's incoming SMS asks for ("prix sesame kita", "sɔngɔ bɛnɛ Kita",
// "ABONNER riz", "STOP"), read with the words of [keywords] and [inbound]. Pure, no I/O.
//
// Producers write on basic phones, in French or Bambara, with or without accents and Bambara
// letters, with stray punctuation and the odd typo. So every word is compared folded
// (core::fold_keyword: "sɔngɔ" -> "SONGO", "bɛnɛ" -> "BENE", "arrêt" -> "ARRET"); the first
// word must be a keyword exactly, and the commodity after it may be one typo off when it is long
// enough that one typo cannot turn it into another word ("sesam" is sesame, "ris" is not rice).
// A text whose first word is no keyword (a greeting, garbage, an emoji) reads as Intent::none:
// it is kept and answered, if at all, by a person, never by a guess.
#pragma once

#include "core/config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

enum class Intent { none, price, subscribe, unsubscribe, help, stop, start };

// "none", "price", "subscribe", "unsubscribe", "help", "stop", "start".
std::string_view intent_name(Intent intent);

struct SmsRequest {
    Intent intent = Intent::none;
    std::string keyword;        // the first word, folded ("PRIX"); "" for a text without words
    std::string commodity;      // canonical name from commodity_words ("sesame"), "" when none
    std::string commodity_word; // the word as written, folded, that named it ("SESAM"), or ""
    // The commodity word replies name it by, folded: the one written when it is among the
    // commodity's words ("MALO"), else its first ("SESAME" for "SESAM" or "sesame"). Never the
    // canonical name, which producers do not use ("rice"): a reply saying "DESABONNER RIZ" must
    // work when sent back.
    std::string commodity_keyword;
    std::string market; // the words after the commodity, folded, one space apart ("KITA")
    // When no commodity was recognised (help, stop, an unknown commodity, no intent): the words
    // after the keyword, folded, one space apart ("MIL KITA"), for the reply or a person to read.
    std::string rest;
};

// Reads `text`. The first word decides the intent: the stop and start keywords of `inbound`
// first (so STOP always wins), then price, subscribe, unsubscribe and help, each compared folded
// and exactly. For price, subscribe and unsubscribe the second word is looked up among
// `commodity_words`: equal once folded, else within one typo (see within_one_typo) of exactly
// one commodity's words; the words after it are the market.
//
// Words are runs of letters, digits and non-ASCII characters after folding; ASCII punctuation and
// white space separate them ("Prix: sesam, Kita" is PRIX SESAM KITA). Invalid UTF-8 bytes read
// as U+FFFD (a word character), so "STOP \xFF" is still a STOP and the result is valid UTF-8.
// Linear in the length of the text; never throws on any text.
SmsRequest parse_sms_request(std::string_view text, const KeywordsConfig& keywords,
                             const InboundConfig& inbound);

// True when `a` and `b` are at most one edit apart: one byte inserted, deleted or replaced, or two
// adjacent bytes swapped ("SESAM"/"SESAME", "SEGOO"/"SEGOU", "KIAT"/"KITA"; not "KITA"/"KATI",
// whose swapped letters are not adjacent; "RIS"/"RIZ"). Compared byte-wise as given: pass folded
// text. When either is shorter than 3 bytes they must be equal: one edit of a two-letter word
// is too much of a guess.
bool within_one_typo(std::string_view a, std::string_view b);

// The name among `known` (as stored: "Ségou", "Kita") that `written` designates: the one equal to
// it once both are folded (spaces inside kept, ends trimmed), else the only one within one typo
// of it. "" when none is, or when two different names are equally close ("Kata" is one letter
// from both "Kita" and "Kati"). An exact match beats a typo: "Kita" is Kita even beside "Kati".
std::string match_name(std::string_view written, const std::vector<std::string>& known);

} // namespace kibaru::core
