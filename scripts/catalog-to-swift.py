#!/usr/bin/env python3
"""The embedded catalog as Swift values, so start-up builds it instead of decoding JSON.

Input:  the catalog document embedded in Sources/PlanhatKit/Catalog/CatalogSource.swift (written by
        scripts/build-catalog.py, which runs this script after it).
Output: Sources/PlanhatKit/Catalog/CatalogModels.swift: one function per model that returns its
        `ModelDefinition` built with the memberwise initialisers, in the document's order.

The document stays the source of truth: a test decodes it and checks that it equals these values.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "Sources", "PlanhatKit", "Catalog", "CatalogSource.swift")
TARGET = os.path.join(ROOT, "Sources", "PlanhatKit", "Catalog", "CatalogModels.swift")

# Each type's stored properties in declaration order (the memberwise initialiser's order) and how
# each is written. Keys the document has that are not listed here stop the script.
MODEL = [
    ("route", "str"), ("path", "str"), ("name", "str"), ("plural", "str"), ("aliases", "[str]"),
    ("operations", "[op]"), ("operationsUncertain", "bool"), ("listLimit", "ListLimit"),
    ("keyables", "[str]"), ("externalIdField", "str?"), ("sourceIdField", "str?"),
    ("companyField", "str?"), ("companyFieldKind", "str?"), ("titleField", "str"),
    ("columns", "[str]"), ("primaryFields", "[str]?"), ("computed", "[str]?"),
    ("filters", "[FilterDefinition]"), ("fields", "[FieldDefinition]"),
    ("fixedFields", "{json}?"), ("notes", "str"), ("derivedFields", "[DerivedField]?"),
    ("timestamps", "TimestampFields?"), ("uniqueKeys", "[UniqueKey]?"), ("upsertEchoKeys", "[str]?"),
    ("emailField", "str?"), ("sortIndexes", "[str]?"), ("requests", "{RequestShape}?"),
    ("push", "bool?"), ("leanList", "LeanList?"), ("deleteAnswer", "str?"), ("openFields", "bool?"),
    ("companyLookup", "CompanyLookup?"), ("eventTime", "EventTime?"),
]
TYPES = {
    "ListLimit": [("default", "int"), ("max", "int")],
    "FilterDefinition": [
        ("name", "str"), ("field", "str?"), ("searchFields", "[str]?"), ("description", "str"),
        ("path", "str?"), ("match", "str?"), ("type", "str?"), ("certainty", "str?"),
    ],
    "FieldDefinition": [
        ("name", "str"), ("type", "str"), ("format", "str?"), ("enum", "[str]?"),
        ("items", "ItemDefinition?"), ("minimum", "double?"), ("maximum", "double?"),
        ("exclusiveMinimum", "double?"), ("default", "json?"), ("references", "str?"),
        ("custom", "bool?"), ("multiline", "bool?"), ("title", "str?"), ("maxLength", "int?"),
        ("requiredOnCreate", "bool"), ("readOnly", "bool"), ("description", "str"),
        ("canonical", "[str]?"), ("customFields", "none"), ("certainty", "str?"),
    ],
    "ItemDefinition": [("type", "str"), ("format", "str?"), ("references", "str?")],
    "RequestShape": [("method", "str?"), ("host", "str?"), ("path", "str?")],
    "LeanList": [("path", "str"), ("fields", "[str]")],
    "CompanyLookup": [
        ("externalIdField", "str?"), ("emailField", "str?"), ("domainsField", "str?"),
        ("requiresCompany", "bool?"),
    ],
    "EventTime": [("field", "str"), ("from", "str")],
    "DerivedField": [("name", "str"), ("reference", "str?"), ("copies", "str?"), ("joins", "[str]?")],
    "TimestampFields": [("created", "[str]"), ("updated", "[str]")],
    "UniqueKey": [("field", "str"), ("perCompany", "bool?")],
}
OPERATIONS = {"list", "view", "create", "update", "delete", "bulkUpsert"}


def string(text):
    quoted = json.dumps(text, ensure_ascii=False)
    quoted = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: "\\u{%s}" % m.group(1), quoted)
    return quoted.replace("\\b", "\\u{8}").replace("\\f", "\\u{C}")


def json_value(value):
    if value is None:
        return ".null"
    if isinstance(value, bool):
        return ".bool(%s)" % ("true" if value else "false")
    if isinstance(value, int):
        return ".integer(%d)" % value
    if isinstance(value, float):
        return ".number(%r)" % value
    if isinstance(value, str):
        return ".string(%s)" % string(value)
    if isinstance(value, list):
        return ".array([%s])" % ", ".join(json_value(v) for v in value)
    if isinstance(value, dict):
        return ".object(%s)" % dictionary({k: json_value(v) for k, v in value.items()})
    sys.exit("not a JSON value: %r" % (value,))


def dictionary(entries):
    if not entries:
        return "[:]"
    return "[" + ", ".join("%s: %s" % (string(k), v) for k, v in sorted(entries.items())) + "]"


def write(kind, value, context):
    optional = kind.endswith("?")
    if optional:
        kind = kind[:-1]
        if value is None:
            return None
    elif value is None:
        sys.exit("%s: a value is required" % context)
    if kind == "str":
        return string(value)
    if kind == "bool":
        return "true" if value else "false"
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            sys.exit("%s: not an integer: %r" % (context, value))
        return "%d" % value
    if kind == "double":
        return repr(float(value)) if isinstance(value, float) else "%d" % value
    if kind == "json":
        return json_value(value)
    if kind == "op":
        if value not in OPERATIONS:
            sys.exit("%s: unknown operation %r" % (context, value))
        return "." + value
    if kind.startswith("[") and kind.endswith("]"):
        inner = kind[1:-1]
        return "[" + ", ".join(write(inner, v, context) for v in value) + "]"
    if kind.startswith("{") and kind.endswith("}"):
        inner = kind[1:-1]
        return dictionary({k: write(inner, v, "%s.%s" % (context, k)) for k, v in value.items()})
    if kind in TYPES:
        return construct(kind, TYPES[kind], value, context)
    sys.exit("%s: unknown kind %s" % (context, kind))


def construct(name, properties, value, context, given=None):
    known = {key for key, _ in properties}
    unknown = set(value) - known
    if unknown:
        sys.exit("%s: keys this script does not know: %s (add them to %s)" % (context, sorted(unknown), name))
    arguments = []
    for key, kind in properties:
        if given and key in given:
            arguments.append("%s: %s" % (key, given[key]))
            continue
        if kind == "none":
            if value.get(key) is not None:
                sys.exit("%s.%s: not expected in the embedded catalog" % (context, key))
            continue
        written = write(kind, value.get(key), "%s.%s" % (context, key))
        if written is not None:
            arguments.append("%s: %s" % (key, written))
    return "%s(%s)" % (name, ", ".join(arguments))


def main():
    with open(SOURCE) as handle:
        source = handle.read()
    start = source.index('#"""\n') + len('#"""\n')
    end = source.index('\n"""#', start)
    document = json.loads(source[start:end])
    lines = [
        "// Generated by scripts/catalog-to-swift.py from the document in CatalogSource.swift.",
        "// Do not edit by hand: `make catalog` writes both files.",
        "",
        "extension Catalog {",
        "    /// The embedded catalog's models as values, in the document's order: building them costs",
        "    /// microseconds at start-up where decoding the document cost milliseconds.",
        "    public static func embeddedModels() -> [ModelDefinition] {",
        "        [",
    ]
    functions = []
    for index, model in enumerate(document["models"]):
        function = "model%d" % index
        lines.append("            %s()," % function)
        fields = model.get("fields", [])
        body = construct("ModelDefinition", MODEL, model, model["route"], given={"fields": "fields"})
        field_lines = ",\n".join(
            "            " + construct("FieldDefinition", TYPES["FieldDefinition"], field, "%s.fields" % model["route"])
            for field in fields)
        functions += [
            "",
            "    /// `%s`" % model["route"],
            "    private static func %s() -> ModelDefinition {" % function,
            "        let fields: [FieldDefinition] = [",
            field_lines,
            "        ]",
            "        return " + body,
            "    }",
        ]
    lines.append("        ]")
    lines.append("    }")
    text = "\n".join(lines + functions) + "\n}\n"
    with open(TARGET, "w") as handle:
        handle.write(text)
    print("wrote %d models to %s" % (len(document["models"]), os.path.relpath(TARGET, ROOT)))


if __name__ == "__main__":
    main()
