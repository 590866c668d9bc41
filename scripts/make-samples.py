#!/usr/bin/env python3
"""Writes samples/producers.csv: the programme's reference load (2,000 producers, 50 producer
organisations, 20 small enterprises, 10 seed companies) with invented names and numbers, written
the ways field staff write them. Deterministic, so the committed file is reproducible."""
import random

rng = random.Random(2019)
first = ["Awa", "Moussa", "Fanta", "Seydou", "Mariam", "Bakary", "Aminata", "Drissa", "Kadiatou",
         "Oumar", "Fatoumata", "Lassina", "Salimata", "Adama", "Djeneba", "Souleymane", "Rokia",
         "Boubacar", "Hawa", "Modibo", "Assetou", "Yacouba", "Nana", "Sekou"]
last = ["Traoré", "Keïta", "Diarra", "Coulibaly", "Koné", "Sangaré", "Dembélé", "Diallo",
        "Touré", "Sidibé", "Doumbia", "Camara", "Sissoko", "Kanté", "Bagayoko", "Maïga"]
regions = ["Kita", "Dioila", "Sikasso", "Ségou", "Mopti", "Koutiala", "Kayes", "Timbuktu"]
cooperatives = ["Jiguiya", "Seneyiriwaton", "Womukon", "Jiguiseme", "PDRN", "Jiguisemè",
                "Dunkafa", "Nupaganion", "Union Nietaa", "COOPROSEM", "ULPC"]
prefixes = ["50", "60", "61", "62", "63", "65", "66", "67", "69", "70", "71", "72", "73", "74",
            "75", "76", "77", "78", "79", "82", "83", "89", "90", "91", "92", "93", "94", "95",
            "96", "97", "98"]
used = set()


def phone():
    while True:
        digits = rng.choice(prefixes) + "%06d" % rng.randrange(1000000)
        if digits not in used:
            used.add(digits)
            break
    pairs = " ".join(digits[i:i + 2] for i in range(0, 8, 2))
    style = rng.randrange(6)
    return [pairs, digits, "00223" + digits, "+223 " + pairs, "+223 " + pairs.replace(" ", "-"),
            pairs.replace(" ", ".")][style]


def quote(field):
    return '"' + field.replace('"', '""') + '"' if any(c in field for c in ',"\n') else field


rows = []
for i in range(50):
    org = cooperatives[i % len(cooperatives)] + ("" if i < len(cooperatives) else " %d" % (i // len(cooperatives) + 1))
    rows.append([phone(), "Coopérative " + org, org, "po", rng.choice(regions),
                 rng.choice(["sesame", "sesame;rice", "rice", "sesame;fonio"]), "fr", "board"])
for i in range(20):
    name = "Ets %s %s" % (rng.choice(first), rng.choice(last))
    rows.append([phone(), name, name, "mpe", rng.choice(regions), "sesame", "fr", "buyer"])
for i in range(10):
    name = "Semences %s" % rng.choice(last)
    rows.append([phone(), name, name, "seed_company", rng.choice(regions), "sesame;rice", "fr", ""])
for i in range(2000):
    rows.append([phone(), "%s %s" % (rng.choice(first), rng.choice(last)),
                 rng.choice(cooperatives), "producer", rng.choice(regions),
                 rng.choice(["sesame"] * 6 + ["rice"] * 3 + ["sesame;rice"]),
                 "bm" if rng.random() < 0.6 else "fr", "trained" if rng.random() < 0.3 else ""])

with open("samples/producers.csv", "w", encoding="utf-8", newline="\n") as out:
    out.write("phone,name,organisation,kind,region,commodities,language,tags\n")
    for row in rows:
        out.write(",".join(quote(f) for f in row) + "\n")
print("samples/producers.csv: %d contacts" % len(rows))
