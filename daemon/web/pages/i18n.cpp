#include "web/pages/i18n.hpp"

#include <cmath>
#include <cstdio>

namespace kibaru::web::pages {

Lang parse_lang(std::string_view code) {
    return code == "en" ? Lang::en : Lang::fr;
}

std::string_view lang_code(Lang lang) {
    return lang == Lang::en ? "en" : "fr";
}

// Every string of the console's pages, in French and English.
const std::vector<Entry>& catalogue() {
    static const std::vector<Entry> entries = {
        {"nav.label", "Navigation principale", "Main navigation"},
        {"nav.skip", "Aller au contenu", "Skip to content"},
        {"nav.overview", "Vue d'ensemble", "Overview"},
        {"nav.contacts", "Contacts", "Contacts"},
        {"nav.campaigns", "Campagnes", "Campaigns"},
        {"nav.audit", "Audit", "Audit"},
        {"nav.inbox", "Messages reçus", "Inbox"},
        {"inbox.explain",
         "Les SMS envoyés par les producteurs, les plus récents d'abord, avec ce que Kibaru a "
         "compris et la réponse envoyée.",
         "The SMS producers sent, newest first, with what Kibaru understood and the reply sent."},
        {"inbox.all", "Tous les messages", "All messages"},
        {"inbox.only_unanswered", "Seulement ceux sans réponse", "Only those without a reply"},
        {"inbox.caption", "Messages reçus", "Messages received"},
        {"inbox.received", "Reçu le", "Received"},
        {"inbox.from", "De", "From"},
        {"inbox.text", "Message", "Message"},
        {"inbox.matched", "Compris", "Understood"},
        {"inbox.reply", "Réponse", "Reply"},
        {"inbox.send", "Répondre", "Reply"},
        {"inbox.automatic", "réponse automatique", "automatic reply"},
        {"inbox.by", "par", "by"},
        {"inbox.unanswered", "sans réponse", "no reply"},
        {"inbox.empty", "Aucun message reçu.", "No message received."},
        {"inbox.older", "Messages plus anciens", "Older messages"},
        {"inbox.no_message", "Ce message n'existe pas.", "This message does not exist."},
        {"inbox.matched_price", "prix", "price"},
        {"inbox.matched_subscribe", "abonnement", "subscribe"},
        {"inbox.matched_unsubscribe", "désabonnement", "unsubscribe"},
        {"inbox.matched_help", "aide", "help"},
        {"inbox.matched_stop", "STOP", "STOP"},
        {"inbox.matched_start", "reprise", "START"},
        {"inbox.matched_none", "non compris", "not understood"},
        {"nav.users", "Utilisateurs", "Users"},
        {"nav.sign_out", "Se déconnecter", "Sign out"},
        {"nav.back_home", "Retour à la vue d'ensemble", "Back to the overview"},
        {"role.admin", "administrateur", "admin"},
        {"role.staff", "équipe", "staff"},
        {"role.auditor", "auditeur", "auditor"},
        {"form.errors", "Le formulaire n'a pas été accepté", "The form was not accepted"},
        {"form.required", "à remplir", "required"},
        {"form.number", "un nombre entier", "a whole number"},
        {"error.forbidden", "Accès refusé", "Not allowed"},
        {"error.not_found", "Introuvable", "Not found"},
        {"error.generic", "Erreur", "Error"},
        {"page.next", "Page suivante", "Next page"},
        {"signin.title", "Connexion", "Sign in"},
        {"signin.name", "Nom d'utilisateur", "User name"},
        {"signin.password", "Mot de passe", "Password"},
        {"signin.submit", "Se connecter", "Sign in"},
        {"signin.wrong", "Nom ou mot de passe incorrect.", "Wrong name or password."},
        {"signin.locked",
         "Trop d'essais manqués : réessayez dans 15 minutes, ou demandez à un administrateur.",
         "Too many failed attempts: try again in 15 minutes, or ask an admin."},
        {"signin.no_account",
         "Aucun compte n'existe encore. Sur le serveur, créez le premier administrateur avec :",
         "No account exists yet. On the server, create the first admin with:"},
        {"status.active", "actif", "active"},
        {"status.paused", "en pause", "paused"},
        {"status.cancelled", "annulée", "cancelled"},
        {"status.opted_out", "désinscrit", "opted out"},
        {"state.pending", "en attente", "pending"},
        {"state.sending", "en cours d'envoi", "sending"},
        {"state.retrying", "nouvel essai prévu", "retrying"},
        {"state.sent", "envoyés", "sent"},
        {"state.delivered", "remis", "delivered"},
        {"state.failed", "échoués", "failed"},
        {"state.expired", "expirés", "expired"},
        {"state.skipped", "ignorés", "skipped"},
        {"state.unknown", "incertains", "in doubt"},
        {"overview.campaigns", "Campagnes en cours", "Running campaigns"},
        {"overview.week", "Semaine", "Week"},
        {"overview.not_started", "Pas encore commencée.", "Not started yet."},
        {"overview.progress", "Avancement de la semaine", "Progress of the week"},
        {"overview.targeted", "visés", "targeted"},
        {"overview.next_opening", "Prochaine ouverture :", "Next opening:"},
        {"overview.warnings", "À traiter", "Needs attention"},
        {"overview.no_campaign", "Aucune campagne en cours.", "No campaign running."},
        {"overview.create_one", "En créer une", "Create one"},
        {"overview.gateway", "Passerelles SMS", "SMS gateways"},
        {"gateway.one", "Passerelle", "Gateway"},
        {"warning.missing_message", "pas encore de message", "no message yet"},
        {"warning.write_it", "l'écrire", "write it"},
        {"warning.in_doubt",
         "envois incertains (le démon s'est arrêté pendant l'envoi) : un rapport de remise les "
         "résoudra, ou un nouvel envoi",
         "sends in doubt (the daemon stopped while sending): a delivery report will settle them, "
         "or a resend"},
        {"gateway.no_outage", "aucune panne enregistrée", "no outage recorded"},
        {"gateway.outage", "en panne", "down"},
        {"gateway.recovered", "rétablie", "recovered"},
        {"gateway.since", "depuis", "since"},
        {"contacts.search", "Rechercher", "Search"},
        {"contacts.search_hint", "Une partie du numéro, du nom ou de l'organisation",
         "Part of the phone number, the name or the organisation"},
        {"contacts.any_status", "tous", "any"},
        {"contacts.find", "Chercher", "Find"},
        {"contacts.import", "Importer des contacts", "Import contacts"},
        {"contacts.none", "Aucun contact ne correspond.", "No contact matches."},
        {"contact.phone", "Téléphone", "Phone"},
        {"contact.name", "Nom", "Name"},
        {"contact.organisation", "Organisation", "Organisation"},
        {"contact.kind", "Type", "Kind"},
        {"contact.region", "Région", "Region"},
        {"contact.commodities", "Filières", "Commodities"},
        {"contact.language", "Langue", "Language"},
        {"contact.status", "Statut", "Status"},
        {"contact.operator", "Opérateur", "Operator"},
        {"contact.created", "Ajouté le", "Added"},
        {"contact.optout", "Désinscrire (plus aucun SMS)", "Opt out (no more SMS)"},
        {"contact.optin", "Réinscrire", "Opt back in"},
        {"contact.history", "Désinscriptions et réinscriptions", "Opt-outs and opt-ins"},
        {"contact.deliveries", "SMS et leur historique", "SMS and their history"},
        {"contact.no_delivery", "Aucun SMS pour l'instant.", "No SMS yet."},
        {"import.explain",
         "Choisissez un fichier CSV (colonnes phone, name, organisation, kind, region, "
         "commodities, language, tags). Il est d'abord vérifié : rien n'est enregistré avant "
         "que vous ayez revu le résultat.",
         "Choose a CSV file (columns phone, name, organisation, kind, region, commodities, "
         "language, tags). It is checked first: nothing is saved before you have reviewed the "
         "result."},
        {"import.file", "Fichier de contacts", "Contacts file"},
        {"import.file_hint", "CSV en UTF-8, une ligne d'en-tête", "CSV in UTF-8, a header row"},
        {"import.check", "Vérifier le fichier", "Check the file"},
        {"import.no_file", "Choisissez un fichier.", "Choose a file."},
        {"import.again", "Choisir un autre fichier", "Choose another file"},
        {"import.review", "Vérification de l'import", "Import review"},
        {"import.rows", "lignes", "rows"},
        {"import.new", "nouveaux", "new"},
        {"import.updated", "mis à jour", "updated"},
        {"import.rejected", "refusés", "rejected"},
        {"import.duplicates", "numéros en double (la dernière ligne l'emporte)",
         "duplicate phones (the later row wins)"},
        {"import.duplicate", "doublon", "duplicate"},
        {"import.problems", "Lignes refusées et doublons", "Rejected rows and duplicates"},
        {"import.download_rejects", "Télécharger les lignes refusées (CSV)",
         "Download the rejected rows (CSV)"},
        {"import.line", "Ligne", "Line"},
        {"import.field", "Champ", "Field"},
        {"import.reason", "Raison", "Reason"},
        {"import.commit", "Importer", "Import"},
        {"import.commit_valid", "Importer les lignes valides", "Import the valid rows"},
        {"import.cancel", "Annuler", "Cancel"},
        {"import.gone", "Ce fichier n'est plus disponible : envoyez-le à nouveau.",
         "This file is no longer available: send it again."},
        {"import.done", "Contacts importés :", "Contacts imported:"},
        {"campaign.name", "Nom", "Name"},
        {"campaign.commodity", "Filière", "Commodity"},
        {"campaign.commodity_hint", "sesame, rice, fonio…", "sesame, rice, fonio…"},
        {"campaign.start", "Début", "Start"},
        {"campaign.start_hint",
         "La semaine 1 s'ouvre le premier jour d'envoi à partir de cette date",
         "Week 1 opens on the first send day on or after this date"},
        {"campaign.weeks", "Semaines", "Weeks"},
        {"campaign.weeks_word", "semaines", "weeks"},
        {"campaign.send_day", "Jour d'envoi", "Send day"},
        {"campaign.send_time", "Heure d'envoi", "Send time"},
        {"campaign.timezone", "Fuseau horaire", "Time zone"},
        {"campaign.regions", "Régions (facultatif)", "Regions (optional)"},
        {"campaign.kinds", "Types de contacts (facultatif)", "Kinds of contacts (optional)"},
        {"campaign.kinds_hint", "producer, po, mpe, seed_company, other — séparés par des virgules",
         "producer, po, mpe, seed_company, other — comma-separated"},
        {"campaign.languages", "Langues (facultatif)", "Languages (optional)"},
        {"campaign.list_hint", "Séparées par des virgules ; vide : toutes",
         "Comma-separated; empty: all"},
        {"campaign.status", "Statut", "Status"},
        {"campaign.new", "Nouvelle campagne", "New campaign"},
        {"campaign.create", "Créer la campagne", "Create the campaign"},
        {"campaign.field_name", "Nom", "Name"},
        {"campaign.field_commodity", "Filière", "Commodity"},
        {"campaign.field_start", "Début", "Start"},
        {"campaign.report", "Rapport", "Report"},
        {"campaign.deliveries", "SMS un par un", "SMS one by one"},
        {"campaign.timeline", "Les semaines", "The weeks"},
        {"campaign.pause", "Mettre en pause", "Pause"},
        {"campaign.resume", "Reprendre", "Resume"},
        {"campaign.cancel", "Annuler la campagne", "Cancel the campaign"},
        {"confirm.pause",
         "Plus aucun SMS de cette campagne ne partira jusqu'à la reprise. Les semaines "
         "continuent de s'ouvrir ; ce qui n'est pas envoyé avant la fin de sa semaine expire.",
         "No SMS of this campaign will leave until it is resumed. Weeks still open; what is not "
         "sent before its week ends expires."},
        {"confirm.resume", "Les envois reprennent là où ils s'étaient arrêtés.",
         "Sending picks up where it stopped."},
        {"confirm.cancel",
         "Définitif : aucun autre SMS de cette campagne ne partira, ce qui n'est pas encore envoyé "
         "est abandonné. Les rapports restent.",
         "Final: no further SMS of this campaign will leave, what is not sent yet is dropped. "
         "The reports stay."},
        {"confirm.back", "Non, revenir à la campagne", "No, back to the campaign"},
        {"week.week", "Semaine", "Week"},
        {"week.opens", "ouverture", "opens"},
        {"week.closes", "fermeture", "closes"},
        {"week.state", "État", "State"},
        {"week.messages", "Messages", "Messages"},
        {"week.progress", "Avancement", "Progress"},
        {"week.open", "en cours", "open"},
        {"week.closed", "terminée", "closed"},
        {"week.upcoming", "à venir", "upcoming"},
        {"week.missing", "manquant", "missing"},
        {"week.not_opened", "pas encore ouverte", "not opened yet"},
        {"day.mon", "lundi", "Monday"},
        {"day.tue", "mardi", "Tuesday"},
        {"day.wed", "mercredi", "Wednesday"},
        {"day.thu", "jeudi", "Thursday"},
        {"day.fri", "vendredi", "Friday"},
        {"day.sat", "samedi", "Saturday"},
        {"day.sun", "dimanche", "Sunday"},
        {"editor.language", "Langue", "Language"},
        {"editor.audience", "contacts", "contacts"},
        {"editor.text", "Message", "Message"},
        {"editor.placeholders",
         "Vous pouvez écrire {name}, {organisation}, {region}, {week}, {weeks}, {commodity}.",
         "You may write {name}, {organisation}, {region}, {week}, {weeks}, {commodity}."},
        {"editor.characters", "caractères", "characters"},
        {"editor.segment", "SMS", "SMS"},
        {"editor.segments", "SMS (message en plusieurs parties)", "SMS (a message in parts)"},
        {"editor.cost", "coût", "cost"},
        {"editor.replace", "Remplacer", "Replace"},
        {"editor.no_replacement", "(pas d'équivalent GSM-7 : le SMS passera en UCS-2)",
         "(no GSM-7 equivalent: the SMS will be UCS-2)"},
        {"editor.save", "Enregistrer", "Save"},
        {"editor.saved", "Message enregistré.", "Message saved."},
        {"resend.title", "Envois à reprendre", "Sends to try again"},
        {"resend.hint",
         "La semaine est en cours : ces envois peuvent repartir une fois. Une fois la semaine "
         "terminée, plus rien n'est renvoyé.",
         "The week is open: these sends can go out once more. Once the week has closed, nothing "
         "is sent again."},
        {"resend.unknown", "Envois incertains", "Sends in doubt"},
        {"resend.unknown_why",
         "Le serveur s'est arrêté pendant leur envoi et aucun accusé de réception n'est venu "
         "depuis : les renvoyer peut faire recevoir le message deux fois à certains.",
         "The server stopped while they were going out and no delivery report came since: "
         "sending them again may give some producers the message twice."},
        {"resend.failed", "Envois en échec", "Failed sends"},
        {"resend.failed_why", "Refusés par la passerelle ou non remis au téléphone.",
         "Refused by the gateway or not delivered to the phone."},
        {"resend.go", "Renvoyer", "Send again"},
        {"resend.done", "envois remis dans la file d'envoi.", "sends queued again."},
        {"editor.preview", "Tel que reçu", "As received"},
        {"editor.test", "Envoi d'essai", "Test send"},
        {"editor.test_hint",
         "Envoie maintenant le message de la semaine, tel que reçu, à un téléphone de l'équipe, "
         "par la passerelle qui prend ce numéro. Ce n'est pas un envoi de la campagne ; il est "
         "inscrit au journal d'audit.",
         "Sends the week's message now, as received, to a staff phone, through the gateway that "
         "takes that number. It is not a campaign send; it is written to the audit log."},
        {"editor.test_phone", "Téléphone", "Phone"},
        {"editor.test_go", "Envoyer l'essai", "Send the test"},
        {"editor.test_sent", "SMS d'essai accepté par la passerelle",
         "Test SMS accepted by gateway"},
        {"editor.test_refused", "La passerelle n'a pas accepté le SMS d'essai",
         "The gateway did not accept the test SMS"},
        {"editor.test_no_message", "Aucun message n'est écrit pour cette langue cette semaine.",
         "No message is written for this language this week."},
        {"editor.test_unavailable", "Aucune passerelle n'est configurée pour la console.",
         "No gateway is configured for the console."},
        {"editor.week_cost", "Coût de la semaine :", "Cost of the week:"},
        {"editor.render", "Remplir depuis un modèle et des prix",
         "Fill from a template and prices"},
        {"editor.render_hint",
         "Un modèle (fichier texte avec {price} etc.) et un CSV avec une colonne week et une "
         "colonne par valeur : les messages de toutes les semaines du fichier.",
         "A template (a text file with {price} etc.) and a CSV with a week column and one column "
         "per value: the messages of every week in the file."},
        {"editor.template", "Modèle", "Template"},
        {"editor.data", "Valeurs par semaine (CSV)", "Values per week (CSV)"},
        {"editor.render_go", "Remplir et enregistrer", "Fill and save"},
        {"editor.no_template", "Choisissez un modèle.", "Choose a template."},
        {"editor.no_data", "Choisissez un fichier de valeurs.", "Choose a values file."},
        {"editor.no_week", "Cette semaine n'existe pas.", "This week does not exist."},
        {"report.title", "Rapport", "Report"},
        {"report.chart", "SMS par semaine : remis, envoyés, échoués, expirés, incertains",
         "SMS per week: delivered, sent, failed, expired, in doubt"},
        {"punct.colon", " : ", ": "},
        {"report.caption", "Une ligne par semaine, ouverte ou non",
         "One row per week, opened or not"},
        {"report.campaign", "Campagne", "Campaign"},
        {"report.csv_weeks", "Semaines (CSV)", "Weeks (CSV)"},
        {"report.csv_deliveries", "Tous les SMS (CSV)", "Every SMS (CSV)"},
        {"report.total", "total", "total"},
        {"report.week", "Semaine", "Week"},
        {"report.targeted", "visés", "targeted"},
        {"report.sent", "envoyés", "sent"},
        {"report.delivered", "remis", "delivered"},
        {"report.failed", "échoués", "failed"},
        {"report.expired", "expirés", "expired"},
        {"report.unknown", "incertains", "in doubt"},
        {"report.delivery_rate", "taux de remise", "delivery rate"},
        {"report.segments", "SMS facturés", "SMS billed"},
        {"report.cost", "coût", "cost"},
        {"delivery.attempts", "Essais", "Attempts"},
        {"delivery.updated", "Dernier changement", "Last change"},
        {"delivery.detail", "Détail", "Detail"},
        {"audit.explain",
         "Chaque changement est inscrit dans un journal chaîné : la vérification recalcule la "
         "chaîne et dit si une ligne a été modifiée, ajoutée ou supprimée.",
         "Every change is written to a chained log: verifying recomputes the chain and says "
         "whether a line was edited, added or deleted."},
        {"audit.verify", "Vérifier le journal", "Verify the log"},
        {"audit.intact", "journal intact", "log intact"},
        {"audit.broken", "journal ALTÉRÉ", "log TAMPERED WITH"},
        {"audit.entries", "entrées vérifiées", "entries checked"},
        {"audit.events", "événements de SMS vérifiés", "SMS events checked"},
        {"audit.at_entry", "à l'entrée", "at entry"},
        {"audit.export", "Exporter", "Export"},
        {"audit.checkpoint", "Point de contrôle", "Checkpoint"},
        {"audit.checkpoint_explain",
         "La tête du journal en ce moment. Notez-la hors du serveur (cahier, rapport imprimé, "
         "SMS) : « kibaru audit verify --checkpoint » la compare plus tard, et une réécriture du "
         "journal par qui détient la base ne peut plus y correspondre.",
         "The head of the log now. Keep it outside the server (notebook, printed report, SMS): "
         "\"kibaru audit verify --checkpoint\" compares it later, and a rewrite of the log by "
         "whoever holds the database can no longer match it."},
        {"audit.sent", "Points de contrôle envoyés aux témoins",
         "Checkpoints texted to the witnesses"},
        {"audit.sent_none",
         "Aucun pour l'instant ([audit] witnesses dans la configuration : le démon en envoie un à "
         "chaque fin de semaine de campagne).",
         "None yet ([audit] witnesses in the configuration: the daemon texts one when each "
         "campaign week closes)."},
        {"audit.sent_at", "Envoyé le", "Sent"},
        {"audit.witness", "Témoin", "Witness"},
        {"audit.sent_text", "SMS", "SMS"},
        {"audit.state", "État", "State"},
        {"audit.sent_pending", "en attente", "pending"},
        {"audit.sent_retrying", "nouvel essai prévu", "retrying"},
        {"audit.sent_sending", "en cours d'envoi", "sending"},
        {"audit.sent_sent", "envoyé", "sent"},
        {"audit.sent_delivered", "remis", "delivered"},
        {"audit.sent_failed", "échoué", "failed"},
        {"audit.sent_unknown", "incertain", "in doubt"},
        {"audit.csv", "Journal (CSV)", "Log (CSV)"},
        {"audit.json", "Journal (JSON)", "Log (JSON)"},
        {"users.name", "Nom", "Name"},
        {"users.role", "Rôle", "Role"},
        {"users.status", "Statut", "Status"},
        {"users.last_login", "Dernière connexion", "Last sign-in"},
        {"users.actions", "Actions", "Actions"},
        {"users.disable", "Désactiver", "Disable"},
        {"users.enable", "Réactiver", "Enable"},
        {"users.disabled", "désactivé", "disabled"},
        {"users.add", "Ajouter un utilisateur", "Add a user"},
        {"users.password", "Mot de passe", "Password"},
        {"users.password_hint", "Au moins 10 caractères", "At least 10 characters"},
        {"users.new_password", "Nouveau mot de passe", "New password"},
        {"users.reset_password", "Changer le mot de passe", "Change the password"},
        {"users.password_changed", "Mot de passe changé pour", "Password changed for"},
        {"users.token_label", "Usage du jeton", "What the token is for"},
        {"users.issue_token", "Créer un jeton d'API", "Issue an API token"},
        {"users.token_once", "Jeton d'API (affiché cette seule fois, copiez-le maintenant) pour",
         "API token (shown this once, copy it now) for"},
        {"users.tokens", "Jetons d'API", "API tokens"},
        {"users.revoke", "Révoquer", "Revoke"},
        {"users.revoked", "révoqué le", "revoked"},
    };
    return entries;
}

std::string tr(Lang lang, std::string_view key) {
    for (const auto& e : catalogue()) {
        if (e.key == key) {
            return std::string(lang == Lang::en ? e.en : e.fr);
        }
    }
    return "[" + std::string(key) + "]";
}

namespace {

std::string grouped(std::uint64_t value, std::string_view separator) {
    std::string digits = std::to_string(value);
    std::string out;
    const auto n = digits.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (i > 0 && (n - i) % 3 == 0) {
            out += separator;
        }
        out += digits[i];
    }
    return out;
}

constexpr std::string_view k_narrow_space = "\u202F"; // French thousands separator

} // namespace

std::string number(std::int64_t value, Lang lang) {
    const bool negative = value < 0;
    const auto magnitude =
        negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    return (negative ? "-" : "") + grouped(magnitude, lang == Lang::fr ? k_narrow_space : ",");
}

std::string decimal(double value, int digits, Lang lang) {
    const double scale = std::pow(10.0, digits);
    const auto scaled = static_cast<std::int64_t>(std::llround(value * scale));
    const auto whole = scaled / static_cast<std::int64_t>(scale);
    const auto fraction = std::llabs(scaled % static_cast<std::int64_t>(scale));
    std::string out = number(whole, lang);
    if (digits > 0) {
        std::string decimals = std::to_string(fraction);
        decimals.insert(
            0,
            static_cast<std::size_t>(digits) -
                std::min<std::size_t>(decimals.size(), static_cast<std::size_t>(digits)),
            '0');
        out += (lang == Lang::fr ? "," : ".") + decimals;
    }
    return out;
}

std::string money(double amount, std::string_view currency, Lang lang) {
    const bool whole = std::fabs(amount - std::round(amount)) < 0.005;
    return decimal(amount, whole ? 0 : 2, lang) + " " + std::string(currency);
}

std::string local_time(core::Instant at, const date::time_zone* zone, Lang lang) {
    static const char* const fr_days[] = {"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."};
    static const char* const en_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const fr_months[] = {"janv.", "févr.", "mars",  "avr.", "mai",  "juin",
                                            "juil.", "août",  "sept.", "oct.", "nov.", "déc."};
    static const char* const en_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto local = date::make_zoned(zone, at).get_local_time();
    const auto day = date::floor<date::days>(local);
    const date::year_month_day ymd{day};
    const date::weekday wd{day};
    const date::hh_mm_ss clock{local - day};
    char time[8];
    std::snprintf(time, sizeof time, "%02d:%02d", static_cast<int>(clock.hours().count()),
                  static_cast<int>(clock.minutes().count()));
    const auto month = static_cast<unsigned>(ymd.month()) - 1;
    const bool fr = lang == Lang::fr;
    return std::string(fr ? fr_days[wd.c_encoding()] : en_days[wd.c_encoding()]) + " " +
           std::to_string(static_cast<unsigned>(ymd.day())) + " " +
           (fr ? fr_months[month] : en_months[month]) + " " +
           std::to_string(static_cast<int>(ymd.year())) + ", " + time + " (" +
           std::string(zone->name()) + ")";
}

} // namespace kibaru::web::pages
