#!/usr/bin/env python3
"""bench/import_gen.py ROWS OUT.csv — deterministic leads CSV for bench/import_bench.

Columns source_ref, first_name, last_name, email, phone, company, title, city,
postcode, country. Realistic for normalisation: a third of the phones in US
national format "(415) 555-0134", a third international with spaces
"+44 20 7946 0123", a third already E.164; names partly non-ASCII, some in
decomposed Unicode (NFD) and with doubled spaces; every email unique; every
fortieth company begins with '=' (formula-looking data). Same rows every run.
"""
import random
import sys


def main():
    rows = int(sys.argv[1])
    out = sys.argv[2]
    rnd = random.Random(20261129)
    first = ["Ada", "Bob", "Carla", "Dmitri", "Eva", "Fran\u00e7ois", "G\u00fcnter", "Hana", "Ivan", "Jos\u00e9",
             "Karin", "Liam", "Mar\u00eda", "Noah", "Olga", "Pierre", "Qi", "Rosa", "S\u00f8ren", "Tom\u00e1\u0161"]
    last = ["Smith", "M\u00fcller", "Garc\u00eda", "Rossi", "Nguyen", "O'Brien", "Kowalski", "Dubois", "Jensen",
            "Silva", "Schmidt", "L\u00f3pez", "Brown", "van  der Berg", "Nov\u00e1k", "Andersson", "Ivanov"]
    # NFD forms the importer must compose (e + combining acute, u + combining diaeresis).
    nfd = {"Jos\u00e9": "Jose\u0301", "M\u00fcller": "Mu\u0308ller"}
    cities = [("London", "EC1A 1BB", "GB"), ("Paris", "75001", "FR"), ("Berlin", "10115", "DE"),
              ("New York", "10001", "US"), ("Madrid", "28001", "ES"), ("Chicago", "60601", "US")]
    titles = ["Buyer", "Head of Sales", "CTO", "Procurement Manager", "Owner", ""]
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("source_ref,first_name,last_name,email,phone,company,title,city,postcode,country\n")
        for i in range(rows):
            fn = rnd.choice(first)
            ln = rnd.choice(last)
            if i % 7 == 0:
                fn = nfd.get(fn, fn)
                ln = nfd.get(ln, ln)
            k = i % 3
            n = rnd.randrange(10000)
            if k == 0:
                phone = "(415) 555-%04d" % n
            elif k == 1:
                phone = "+44 20 7946 %04d" % n
            else:
                phone = "+1650253%04d" % n
            company = ("=HYPERLINK(\"x\")" if i % 40 == 0 else "Company %d Ltd" % (i % 25000))
            city, postcode, country = rnd.choice(cities)
            title = rnd.choice(titles)
            cells = ["L%07d" % i, fn, ln, "lead%d@example%d.com" % (i, i % 97), phone, company, title, city,
                     postcode, country]
            f.write(",".join('"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\n') else c
                             for c in cells) + "\n")


if __name__ == "__main__":
    main()
