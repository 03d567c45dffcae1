#!/usr/bin/env python3
"""Writes N deterministic rows of incasso CSV (one position, one option, one transfer each).

usage: gen_csv.py N OUT.csv [PREFIX]
"""
import sys

ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]


def check_char(code15):
    total = 0
    for i, c in enumerate(code15):
        v = int(c) if c.isdigit() else ALPHA.index(c)
        total += ODD[v] if i % 2 == 0 else v
    return ALPHA[total % 26]


def fiscal_code(i):
    # RSSMRA + 2-digit year + month letter + day + town code, varied deterministically.
    year = 40 + i % 60
    month = "ABCDEHLMPRST"[i % 12]
    day = 1 + i % 28
    town = "H%03d" % (100 + i % 900)
    base = "RSSMRA%02d%s%02d%s" % (year, month, day, town)
    return base + check_char(base)


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    prefix = sys.argv[3] if len(sys.argv) > 3 else "BENCH"
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("iupd;debtor_fiscal_code;debtor_name;amount;due_date;description;iban;taxonomy\n")
        for i in range(n):
            cents = 1000 + (i * 37) % 90000
            f.write("%s-%08d;%s;Contribuente %d;%d.%02d;2099-12-31;TARI 2099 avviso %d;"
                    "IT67V0542404200000000123456;9/0201102IM/\n"
                    % (prefix, i, fiscal_code(i), i, cents // 100, cents % 100, i))


if __name__ == "__main__":
    main()
