// The sentences of refusals that the operations layer gives as data (core/refusal.hpp), part of
// the console's catalogue (i18n_catalogue.cpp): one per code of k_row_reject_codes and
// k_phone_refusal_codes (an import's rejects), k_message_refusal_codes (a weekly message),
// k_account_refusal_codes (an account change), k_table_refusal_codes and k_render_refusal_codes
// (a table of values, a template), k_reply_refusal_codes (a hand reply), k_resend_refusal_codes
// (deliveries sent again), k_price_refusal_codes (a row of a price table), k_file_refusal_codes
// and k_header_refusal_codes (a file that cannot be read as a table, a contacts header) and
// k_unknown_refusal_codes (an id or phone naming nothing), keyed "reject.<code>", with {1},
// {2}... where the refusal's values go. A phone's sentence starts with the number as written
// ({1}); its other values follow.
#include "web/pages/i18n.hpp"

namespace kibaru::web::pages {

const std::vector<Entry>& reject_entries() {
    static const std::vector<Entry> entries = {
        {"reject.row_not_utf8",
         "n'est pas du texte UTF-8 valide (enregistrez le fichier en « CSV UTF-8 »)",
         "is not valid UTF-8 (save the file as UTF-8)"},
        {"reject.row_no_phone", "est vide", "is empty"},
        {"reject.row_width", "a {1} champs alors que l'en-tête en a {2}",
         "has {1} fields but the header has {2}"},
        {"reject.row_unnamed_value",
         "a une valeur mais pas de nom dans l'en-tête (nommez la colonne, ou videz-la)",
         "has a value but no name in the header (name the column, or empty it)"},
        {"reject.row_too_long", "dépasse {1} caractères", "is longer than {1} characters"},
        {"reject.row_unknown_kind",
         "« {1} » n'est pas un type connu : producer, po, mpe, seed_company ou other",
         "\"{1}\" is not one of producer, po, mpe, seed_company, other"},
        {"reject.row_bad_commodity",
         "« {1} » n'est pas un nom de filière (lettres a-z sans accent, chiffres, « _ » ou « - » ; "
         "séparez les filières par « ; »)",
         "\"{1}\" is not a commodity name (letters a-z, digits, '_' or '-'; separate names with "
         "';')"},
        {"reject.row_unknown_language", "« {1} » n'est pas une langue configurée ({2})",
         "\"{1}\" is not a configured language ({2})"},
        {"reject.phone_plus_inside", "« {1} » a un « + » ailleurs qu'au début",
         "\"{1}\" has a '+' that is not at the start"},
        {"reject.phone_bad_characters",
         "« {1} » contient des caractères qui ne font pas partie d'un numéro de téléphone",
         "\"{1}\" contains characters that are not part of a phone number"},
        {"reject.phone_empty", "« {1} » ne contient aucun chiffre", "\"{1}\" is empty"},
        {"reject.phone_too_short", "« {1} » est trop court pour être un numéro de téléphone",
         "\"{1}\" is too short to be a phone number"},
        {"reject.phone_too_long", "« {1} » est trop long pour être un numéro de téléphone",
         "\"{1}\" is too long to be a phone number"},
        {"reject.phone_unknown_country", "« {1} » a un indicatif de pays inconnu",
         "\"{1}\" has an unknown country code"},
        {"reject.phone_not_a_number", "« {1} » n'est pas un numéro de téléphone",
         "\"{1}\" is not a phone number"},
        {"reject.phone_wrong_length",
         "« {1} » a {2} chiffres après +{3}, alors que les numéros du pays ({4}) en ont {5}",
         "\"{1}\" has {2} digits after +{3}, where numbers in {4} have {5}"},
        {"reject.phone_not_mobile_range",
         "« {1} » n'est dans aucune tranche mobile du plan de numérotation ({2}, à jour au {3}) ; "
         "une tranche ouverte depuis s'ajoute dans [contacts] extra_mobile_prefixes",
         "\"{1}\" is not in a mobile range of {2}'s numbering plan (as of {3}); a range opened "
         "since goes in [contacts] extra_mobile_prefixes"},
        {"reject.phone_not_valid", "« {1} » n'est pas un numéro valide ({2})",
         "\"{1}\" is not a valid number in {2}"},
        {"reject.phone_fixed_line", "« {1} » est un numéro fixe, pas un mobile",
         "\"{1}\" is a fixed-line number, not a mobile"},
        {"reject.phone_toll_free", "« {1} » est un numéro vert, pas un mobile",
         "\"{1}\" is a toll-free number, not a mobile"},
        {"reject.phone_premium_rate", "« {1} » est un numéro surtaxé, pas un mobile",
         "\"{1}\" is a premium-rate number, not a mobile"},
        {"reject.phone_other_type", "« {1} » n'est pas un mobile (numéro de type {2})",
         "\"{1}\" is a {2} number, not a mobile"},
        {"reject.phone_not_mobile", "« {1} » n'est pas un numéro de mobile",
         "\"{1}\" is a non-mobile number, not a mobile"},
        {"reject.msg_empty", "le message est vide", "the message is empty"},
        {"reject.msg_lone_brace",
         "une accolade « } » seule au caractère {1} (écrivez « }} » pour une accolade)",
         "a lone '}' at character {1} (write '}}' for a literal brace)"},
        {"reject.msg_bad_placeholder",
         "un champ mal écrit au caractère {1} (un champ s'écrit entre accolades, comme {name} ; "
         "écrivez « {{ » pour une accolade)",
         "a malformed placeholder at character {1} (placeholders look like {name}; write '{{' "
         "for a literal brace)"},
        {"reject.msg_unknown_placeholder",
         "champ inconnu {{1}} : un message peut utiliser {name}, {organisation}, {region}, "
         "{week}, {weeks} et {commodity}",
         "unknown placeholder {{1}}: a message may use {name}, {organisation}, {region}, {week}, "
         "{weeks} and {commodity}"},
        {"reject.msg_no_gsm7",
         "le caractère « {1} » n'existe pas en GSM-7 ([sms] encoding = \"translit\" ou \"auto\" "
         "l'accepte)",
         "character \"{1}\" has no GSM-7 form (use [sms] encoding = \"translit\" or \"auto\")"},
        {"reject.msg_no_gsm7_for",
         "le caractère « {1} » n'existe pas en GSM-7 (dans le message de {2} ; [sms] encoding = "
         "\"translit\" ou \"auto\" l'accepte)",
         "character \"{1}\" has no GSM-7 form (in the message for {2}; use [sms] encoding = "
         "\"translit\" or \"auto\")"},
        {"reject.msg_too_many_segments",
         "le message demande {1} SMS ({2}), plus que [sms] max_segments = {3} : raccourcissez-le",
         "the message needs {1} {2} segments, more than [sms] max_segments = {3}: shorten it"},
        {"reject.msg_too_many_segments_for",
         "le message de {4} demande {1} SMS ({2}), plus que [sms] max_segments = {3} : "
         "raccourcissez-le",
         "the message for {4} needs {1} {2} segments, more than [sms] max_segments = {3}: "
         "shorten it"},
        {"reject.account_bad_name",
         "« {1} » n'est pas un nom d'utilisateur possible : de 1 à 64 lettres sans accent, "
         "chiffres et . _ - @",
         "a user name is 1 to 64 letters, digits and . _ - @ (\"{1}\")"},
        {"reject.account_short_password", "le mot de passe doit avoir au moins {1} caractères",
         "the password must have at least {1} characters"},
        {"reject.account_bad_role", "le rôle doit être admin, staff ou auditor (« {1} »)",
         "the role must be admin, staff or auditor (\"{1}\")"},
        {"reject.account_exists", "un utilisateur nommé {1} existe déjà",
         "a user named {1} exists already"},
        {"reject.account_unknown_user", "aucun utilisateur ne s'appelle {1}",
         "no user is named {1}"},
        {"reject.account_self_disable",
         "un administrateur ne peut pas désactiver son propre compte",
         "an admin cannot disable their own account"},
        // A table of messages or of a template's values (ops/csv_table.hpp, ops/messages.hpp).
        {"reject.table_empty", "{1} : le fichier est vide (il faut une ligne d'en-tête)",
         "{1}: the file is empty (a header row is required)"},
        {"reject.table_unknown_column",
         "{1} : en-tête : colonne inconnue « {2} » (les colonnes possibles sont {3})",
         "{1}: header: unknown column \"{2}\" (the columns are {3})"},
        {"reject.table_column_twice", "{1} : en-tête : la colonne « {2} » apparaît deux fois",
         "{1}: header: column \"{2}\" appears twice"},
        {"reject.table_column_missing", "{1} : en-tête : il manque la colonne « {2} »",
         "{1}: header: the \"{2}\" column is missing"},
        {"reject.table_not_utf8",
         "{1} : {2} : le texte n'est pas en UTF-8 (enregistrez le fichier en UTF-8)",
         "{1}: {2}: is not valid UTF-8"},
        {"reject.table_row_width", "{1} : la ligne a {2} champs alors que l'en-tête en a {3}",
         "{1}: row: has {2} fields but the header has {3}"},
        {"reject.table_bad_week", "{1} : semaine : « {2} » n'est pas un numéro de semaine",
         "{1}: week: \"{2}\" is not a week number"},
        {"reject.messages_none", "{1} : aucun message dans le fichier",
         "{1}: no messages in the file"},
        {"reject.render_unknown_placeholder",
         "{1} : champ inconnu {{2}} : ce n'est ni un champ de message ({name}, {organisation}, "
         "{region}, {week}, {weeks}, {commodity}) ni une colonne de {3} ({4})",
         "{1}: unknown placeholder {{2}}: it is not a message placeholder ({name}, "
         "{organisation}, {region}, {week}, {weeks}, {commodity}) nor a column of {3} ({4})"},
        {"reject.render_empty_value", "{1} : {2} est vide, alors que le modèle utilise {{2}}",
         "{1}: {2}: is empty, and the template uses {{2}}"},
        {"reject.render_no_rows", "{1} : aucune ligne pour la langue {2}",
         "{1}: no rows for language {2}"},
        // A file that cannot be read as a table at all (core/record_reader.hpp), and a
        // contacts file's header (core/contact.hpp): {1} is the file and its line.
        {"reject.file_utf16",
         "{1} : ce fichier est du texte UTF-16 (« Texte Unicode » d'Excel) : enregistrez-le "
         "depuis Excel en « CSV UTF-8 » ou « CSV (séparateur : point-virgule) », ou en classeur "
         "(.xlsx)",
         "{1}: is UTF-16 text (Excel's \"Texte Unicode\"): save it from Excel as \"CSV UTF-8\" "
         "or \"CSV (separateur: point-virgule)\", or as a workbook (.xlsx)"},
        {"reject.file_quote_inside_field",
         "{1} : un guillemet au milieu d'un champ sans guillemets (mettez tout le champ entre "
         "guillemets et doublez le guillemet intérieur)",
         "{1}: a quote inside an unquoted field (quote the whole field and double the inner "
         "quote)"},
        {"reject.file_quote_never_closed",
         "{1} : un champ ouvert par un guillemet sur cette ligne n'est jamais fermé",
         "{1}: quoted field opened here is never closed"},
        {"reject.file_text_after_quote", "{1} : du texte après le guillemet qui ferme un champ",
         "{1}: text after a closing quote"},
        {"reject.file_record_too_long",
         "{1} : une ligne de plus de {2} Mio (manque-t-il un guillemet fermant ?)",
         "{1}: record is longer than {2} MiB (is a closing quote missing?)"},
        {"reject.file_quoted_too_long",
         "{1} : un champ ouvert par un guillemet sur cette ligne dépasse {2} Mio (manque-t-il un "
         "guillemet fermant ?)",
         "{1}: quoted field opened here is longer than {2} MiB (is a closing quote missing?)"},
        {"reject.file_old_or_encrypted",
         "{1} : c'est un classeur protégé par un mot de passe ou un ancien fichier .xls : "
         "enregistrez-le depuis Excel en .xlsx sans mot de passe, ou en CSV",
         "{1}: is an encrypted workbook or an old .xls file: save it in Excel as .xlsx without a "
         "password, or as CSV"},
        {"reject.file_workbook_too_large", "{1} : le classeur dépasse {2} : refusé",
         "{1}: the workbook is larger than {2}: refused"},
        {"reject.file_workbook_unreadable",
         "{1} : ce classeur ne peut pas être lu ; s'il a été abîmé, enregistrez-le de nouveau "
         "depuis Excel en .xlsx ou en CSV (détail technique, pour l'informaticien : {2})",
         "{1}: {2}"},
        {"reject.header_unknown_column",
         "{1} : en-tête : colonne inconnue « {2} » (les colonnes possibles sont {3}, ou leurs "
         "noms en français : téléphone, nom, coopérative, type, région, filière, langue, "
         "étiquettes)",
         "{1}: header: unknown column \"{2}\" (expected some of: {3}, or their French names)"},
        {"reject.header_column_twice", "{1} : en-tête : la colonne « {2} » apparaît deux fois",
         "{1}: header: column \"{2}\" appears twice"},
        {"reject.header_no_phone",
         "{1} : en-tête : il n'y a pas de colonne « phone » (ou « téléphone »)",
         "{1}: header: the header has no \"phone\" column"},
        // A reply written by hand in the inbox (ops/inbound.hpp).
        {"reject.reply_empty", "la réponse est vide", "the reply is empty"},
        // Deliveries sent again (ops/resend.hpp).
        {"reject.resend_bad_state",
         "seules les livraisons en doute (unknown) ou en échec (failed) se renvoient, pas « {1} »",
         "--state must be unknown or failed (not \"{1}\")"},
        {"reject.resend_cancelled",
         "la campagne {1} est annulée : ses livraisons ne sont pas renvoyées",
         "campaign {1} is cancelled: its deliveries are not sent again"},
        {"reject.resend_not_opened",
         "la semaine {2} de la campagne {1} n'est pas encore ouverte : elle n'a rien à renvoyer",
         "campaign {1} week {2} has not opened: it has nothing to send again"},
        {"reject.resend_closed",
         "la semaine {2} de la campagne {1} s'est fermée le {3} : une livraison n'est jamais "
         "renvoyée après la fermeture de sa semaine",
         "campaign {1} week {2} closed on {3}: a delivery is never sent again after its week has "
         "closed"},
        // A row of a price table (ops/prices.hpp).
        {"reject.price_bad_date",
         "« {1} » n'est pas une date (AAAA-MM-JJ, ou JJ/MM/AAAA comme l'écrit Excel en français)",
         "\"{1}\" is not a date (YYYY-MM-DD, or DD/MM/YYYY as French Excel writes it)"},
        {"reject.price_unknown_commodity",
         "« {1} » n'est pas une filière connue ({2} ; [keywords] commodity_words)",
         "\"{1}\" is not a known commodity ({2}; [keywords] commodity_words)"},
        {"reject.price_no_market", "le marché est vide", "the market is empty"},
        {"reject.price_not_a_price",
         "« {1} » n'est pas un prix (écrivez 1250 ou 1250,5 ; pas 1,250, qui se lit 1250 ou 1,25)",
         "\"{1}\" is not a price (write 1250 or 1250,5; not 1,250, which reads as 1250 or 1.25)"},
        {"reject.price_max_below_min", "le prix maximum ({2}) est inférieur au prix minimum ({1})",
         "price_max ({2}) is below price_min ({1})"},
        // Ids and phones that name nothing (ops/unknown.hpp).
        {"reject.campaign_unknown", "aucune campagne n'a le numéro {1}", "no campaign has id {1}"},
        {"reject.contact_unknown", "aucun contact n'a le numéro {1}", "no contact has phone {1}"},
    };
    return entries;
}

} // namespace kibaru::web::pages
