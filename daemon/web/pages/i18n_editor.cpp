// The weekly message editor's texts (its counter, saving, resending, the test send, filling
// from a template), part of the console's catalogue (i18n_catalogue.cpp), one entry per line.
#include "web/pages/i18n.hpp"

namespace kibaru::web::pages {

const std::vector<Entry>& editor_entries() {
    static const std::vector<Entry> entries = {
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
         "Un modèle (fichier texte avec {price} etc.) et un tableau avec une colonne semaine "
         "(ou week) et une colonne par valeur : les messages de toutes les semaines du fichier.",
         "A template (a text file with {price} etc.) and a table with a week (or semaine) column "
         "and one column per value: the messages of every week in the file."},
        {"editor.template", "Modèle", "Template"},
        {"editor.data", "Valeurs par semaine (CSV ou .xlsx)", "Values per week (CSV or .xlsx)"},
        {"editor.render_go", "Remplir et enregistrer", "Fill and save"},
        {"editor.no_template", "Choisissez un modèle.", "Choose a template."},
        {"editor.no_data", "Choisissez un fichier de valeurs.", "Choose a values file."},
        {"editor.no_week", "Cette semaine n'existe pas.", "This week does not exist."},
    };
    return entries;
}

} // namespace kibaru::web::pages
