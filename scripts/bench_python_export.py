"""The export yardstick for `make bench`: what a user would write in Python in ten minutes.

Pages through GET /companies of `planhat sandbox serve` with urllib at the same page size as
`planhat export` (limit/offset until a short page) and writes NDJSON, CSV or JSON with the standard
library. CSV keeps every record in memory to find the columns (`_id`, then the other top-level
fields sorted, custom fields as `custom.<Name>`), as a short script would.
Usage: bench_python_export.py BASE_URL FORMAT MAX PAGE_SIZE OUTPUT
"""
import csv
import json
import sys
import urllib.request

BASE, FORMAT, MAX, PAGE, OUTPUT = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
HEADERS = {"Authorization": "Bearer bench", "Accept": "application/json"}


def pages():
    offset = 0
    while offset < MAX:
        limit = min(PAGE, MAX - offset)
        request = urllib.request.Request("%s/companies?limit=%d&offset=%d" % (BASE, limit, offset), headers=HEADERS)
        with urllib.request.urlopen(request, timeout=60) as response:
            page = json.loads(response.read())
        yield page
        offset += len(page)
        if len(page) < limit:
            return


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


with open(OUTPUT, "w", encoding="utf-8", newline="") as out:
    if FORMAT == "ndjson":
        for page in pages():
            out.write("".join(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n" for record in page))
    elif FORMAT == "json":
        first = True
        out.write("[")
        for page in pages():
            for record in page:
                out.write(("\n" if first else ",\n") + json.dumps(record, separators=(",", ":"), ensure_ascii=False))
                first = False
        out.write("\n]\n")
    else:
        records = [record for page in pages() for record in page]
        names, custom = set(), set()
        for record in records:
            for key, value in record.items():
                if key == "custom" and isinstance(value, dict):
                    custom.update(value)
                else:
                    names.add(key)
        columns = ["_id"] + sorted(names - {"_id"}) + ["custom." + name for name in sorted(custom)]
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            inner = record.get("custom") if isinstance(record.get("custom"), dict) else {}
            writer.writerow([cell(inner.get(c[7:]) if c.startswith("custom.") and c not in record else record.get(c)) for c in columns])
