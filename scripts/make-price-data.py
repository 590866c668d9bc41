#!/usr/bin/env python3
"""Writes templates/{sesame,rice}-prices.csv: 21 weeks of illustrative market values (FCFA per
kg, Malian markets) in French and Bambara, for `kibaru messages render`. Deterministic."""
import csv
import random

TRENDS = {"up": ("hausse", "a bɛ yɛlɛ"), "down": ("baisse", "a bɛ jigin"), "flat": ("stable", "a ma yɛlɛma")}
ADVICE = {
    "sesame": [("Séchez bien le sésame avant la vente.", "Aw ye bɛnɛ ja kosɛbɛ sani aw k'a feere."),
               ("Triez les impuretés: prime qualité.", "Aw ye nɔgɔ bɔ bɛnɛ na: sɔngɔ bɛ bonya."),
               ("Stockez au sec, sur palettes.", "Aw ye bɛnɛ mara yɔrɔ jalen na."),
               ("Vendez groupé via la coopérative.", "Aw ye feere ɲɔgɔn fɛ ka tɛmɛ tɔn fɛ.")],
    "rice": [("Battez sur bâche propre.", "Aw ye malo gosi bache saniyalen kan."),
             ("Vannez avant la vente: meilleur prix.", "Aw ye malo fiyɛ sani aw k'a feere."),
             ("Stockez en sacs neufs, au sec.", "Aw ye malo mara bɔrɔ kura kɔnɔ."),
             ("Comparez les prix de 2 marchés.", "Aw ye sugu fila sɔngɔ suma.")],
}
MARKETS = {"sesame": ["Koutiala", "Ségou", "Kita", "Dioila", "Sikasso"],
           "rice": ["Ségou", "Niono", "Mopti", "Bamako", "Sikasso"]}
START = {"sesame": (600, 650), "rice": (330, 360)}

for commodity in ("sesame", "rice"):
    rng = random.Random(commodity)
    low, high = START[commodity]
    rows = []
    for week in range(1, 22):
        step = rng.choice([-15, -10, 0, 0, 10, 15, 20])
        low, high = low + step, high + step
        trend = "up" if step > 0 else "down" if step < 0 else "flat"
        market = MARKETS[commodity][(week - 1) % len(MARKETS[commodity])]
        fr, bm = ADVICE[commodity][(week - 1) % len(ADVICE[commodity])]
        rows.append((week, "fr", market, low, high, "FCFA/kg", TRENDS[trend][0], fr))
        rows.append((week, "bm", market, low, high, "FCFA/kilo", TRENDS[trend][1], bm))
    with open("templates/%s-prices.csv" % commodity, "w", encoding="utf-8", newline="\n") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["week", "language", "market", "price_min", "price_max", "unit", "trend",
                         "advice"])
        writer.writerows(rows)
    print("templates/%s-prices.csv: %d rows" % (commodity, len(rows)))
