#!/usr/bin/env python3
"""A plain Python exporter, the peer `make bench` times `planhat export` against.

Pages through GET /<model>?limit=N&offset=M (the same paging as `planhat export`: the model's largest
page, until a short page) with urllib from the standard library, and writes NDJSON, CSV or JSON.

usage: bench_python_export.py BASE_URL TOKEN MODEL FORMAT OUTPUT MAX PAGE_SIZE
"""
import csv
import json
import sys
import urllib.request


def pages(base, token, model, page_size, most):
    offset = 0
    while offset < most:
        limit = min(page_size, most - offset)
        request = urllib.request.Request(
            f"{base}/{model}?limit={limit}&offset={offset}",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        with urllib.request.urlopen(request) as answer:
            records = json.load(answer)
        yield records
        offset += len(records)
        if len(records) < limit:
            return


def main():
    base, token, model, form, output, most, page_size = sys.argv[1:8]
    records = pages(base, token, model, int(page_size), int(most))
    with open(output, "w", newline="") as out:
        if form == "ndjson":
            for page in records:
                out.writelines(json.dumps(record, separators=(",", ":")) + "\n" for record in page)
        elif form == "json":
            out.write("[")
            first = True
            for page in records:
                for record in page:
                    out.write(("\n" if first else ",\n") + json.dumps(record, separators=(",", ":")))
                    first = False
            out.write("\n]\n")
        else:  # csv: every top-level field seen, as planhat's writer does (it spools likewise)
            rows = [record for page in records for record in page]
            columns = ["_id"] + sorted({key for row in rows for key in row} - {"_id"})
            writer = csv.writer(out)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(
                    "" if row.get(c) is None else
                    json.dumps(row[c], separators=(",", ":")) if isinstance(row[c], (list, dict)) else
                    ("true" if row[c] else "false") if isinstance(row[c], bool) else row[c]
                    for c in columns)


if __name__ == "__main__":
    main()
