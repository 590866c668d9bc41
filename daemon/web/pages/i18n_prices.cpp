// The market prices page's texts (web/pages/prices.cpp), part of the console's catalogue
// (i18n_catalogue.cpp), one entry per line.
#include "web/pages/i18n.hpp"

namespace kibaru::web::pages {

const std::vector<Entry>& prices_entries() {
    static const std::vector<Entry> entries = {
        {"nav.prices", "Prix", "Prices"},
        {"prices.title", "Prix des marchés", "Market prices"},
        {"prices.explain",
         "Ces prix répondent aux producteurs qui demandent par SMS « PRIX SESAME KITA », et "
         "remplissent les modèles des messages de la semaine.",
         "These prices answer producers who ask by SMS \"PRIX SESAME KITA\", and fill the weekly "
         "messages' templates."},
        {"prices.any_commodity", "Toutes", "All"},
        {"prices.market_hint",
         "Comme l'écrivent les producteurs : à la casse, aux accents et à une faute de frappe "
         "près.",
         "As producers write it: case, accents and one typo aside."},
        {"prices.find", "Afficher", "Show"},
        {"prices.caption", "Prix, le plus récent d'abord", "Prices, newest first"},
        {"prices.only_newest",
         "Seuls les {1} plus récents sont affichés : choisissez une filière ou un marché pour "
         "les autres.",
         "Only the newest {1} are shown: choose a commodity or a market for the others."},
        {"prices.empty", "Aucun prix.", "No prices."},
        {"prices.col_date", "Date", "Date"},
        {"prices.col_commodity", "Filière", "Commodity"},
        {"prices.col_market", "Marché", "Market"},
        {"prices.col_price_min", "Prix min", "Minimum price"},
        {"prices.col_price_max", "Prix max", "Maximum price"},
        {"prices.range", "Prix", "Price"},
        {"prices.trend", "Tendance", "Trend"},
        {"prices.trend_up", "hausse", "up"},
        {"prices.trend_down", "baisse", "down"},
        {"prices.trend_stable", "stable", "stable"},
        {"prices.import", "Importer les prix de la semaine", "Import the week's prices"},
        {"prices.import_explain",
         "Un tableau avec les colonnes date, filière (ou produit), marché, prix min, prix max et, "
         "si besoin, unité et tendance : un CSV d'Excel (UTF-8 ou Windows-1252) ou un classeur "
         ".xlsx. Les prix sont en FCFA par kg, sauf si l'unité dit autre chose. Une ligne de "
         "même filière, marché et date remplace l'ancienne : importer deux fois le même fichier "
         "redonne les mêmes prix. Les lignes valides sont importées ; chaque ligne refusée est "
         "signalée avec sa raison.",
         "A table with the columns date, commodity, market, price_min, price_max and, if need "
         "be, unit and trend: a CSV from Excel (UTF-8 or Windows-1252) or an .xlsx workbook. "
         "Prices are in FCFA per kg unless the unit says otherwise. A row of the same commodity, "
         "market and date replaces the old one: importing the same file twice gives the same "
         "prices. The valid rows are imported; each refused row is shown with its reason."},
        {"prices.file", "Fichier des prix", "Price file"},
        {"prices.send", "Importer", "Import"},
        {"prices.no_file", "Choisissez le fichier des prix.", "Choose the price file."},
        {"prices.imported", "{1} — prix ajoutés : {2} ; remplacés : {3} ; lignes refusées : {4}.",
         "{1} — prices added: {2}; replaced: {3}; rows refused: {4}."},
        {"prices.rejects_caption", "Lignes refusées (les autres ont été importées)",
         "Rows refused (the others were imported)"},
        {"prices.more_rejects",
         "… et {1} autres lignes refusées : seules les {2} premières sont listées.",
         "… and {1} more rows refused: only the first {2} are listed."},
    };
    return entries;
}

} // namespace kibaru::web::pages
