#!/usr/bin/env python3
"""Regenerates static/explain/v1.35.json: the OpenAPI schemas `kubectl explain` reads.

`kubectl explain` renders the API server's OpenAPI v3 document. kubeplay serves the built-in
kinds of core/src/api/kinds.rs, so it needs, for each of them and for every type they reach,
the descriptions, types and required lists of v1.35, plus the `enum` values a v1.35 API server
publishes (the OpenAPIEnums feature, beta and on since 1.24, adds them to the served document
together with a "Possible enum values:" paragraph at the end of the field's description).

Nothing here uses the network. The inputs are registry packages, fetched once with their
ordinary clients:

  pip download --no-deps kubernetes-validate==1.35.0      # PyPI: v1.35.0 schemas as JSON Schema
  npm pack kubernetes-models@5.1.0                        # npm: models with enum descriptions
  npm pack kubernetes-models@4.5.1                        # npm: an older release, to cross-check
  cargo fetch                                             # crates.io: k8s-openapi 0.29 (v1_35)

- kubernetes-validate's `v1.35.0-local/_definitions.json` is the committed v1.35.0 OpenAPI
  document turned into JSON Schema: the same descriptions, types, required lists, `$ref`s and
  group/version/kinds. It has no enums (the committed document is generated with OpenAPIEnums
  off); the `enum` it puts on `apiVersion` and `kind` is its own addition and is dropped. It
  flattens two types to `oneOf`, losing their descriptions: IntOrString's is taken from
  k8s-openapi, Quantity's is QUANTITY below (checked against k8s-openapi, which escapes it for
  rustdoc).
- kubernetes-models' TypeScript declarations carry each enum field's full description. Its
  newest release follows v1.36 and the previous one an older release; an enum paragraph is
  taken from the newest when its field exists in v1.35, and listed for review when the older
  release disagrees (the ones seen so far were checked against the v1.35 k8s.io/api sources:
  Toleration.operator gained Gt and Lt in v1.35, and ScopeType became an enum before v1.35).

The output keeps, per schema, only what the explain templates read: description, type,
properties, required, items, additionalProperties, `$ref` (a schema name) and enum. Schemas
are written one per line, sorted, so a regeneration diffs well.

Usage: scripts/gen-explain-data.py KUBERNETES_VALIDATE_WHL KUBERNETES_MODELS_NEW_TGZ \\
           KUBERNETES_MODELS_OLD_TGZ [K8S_OPENAPI_DIR]
"""

import glob
import io
import json
import os
import re
import sys
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "static", "explain", "v1.35.json")
KINDS_RS = os.path.join(ROOT, "core", "src", "api", "kinds.rs")
DEFINITIONS = "kubernetes_validate/kubernetes-json-schema/v1.35.0-local/_definitions.json"
ENUM_HEADER = "\n\nPossible enum values:\n"

# k8s.io/apimachinery's Quantity doc as the OpenAPI document carries it (its code fence and tabs
# included, which k8s-openapi's rustdoc rendering drops).
QUANTITY = (
    "Quantity is a fixed-point representation of a number. It provides convenient "
    "marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors."
    "\n\nThe serialization format is:\n\n``` <quantity>        ::= <signedNumber><suffix>\n\n"
    "\t(Note that <suffix> may be empty, from the \"\" case in <decimalSI>.)\n\n"
    "<digit>           ::= 0 | 1 | ... | 9 <digits>          ::= <digit> | <digit><digits> "
    "<number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits> "
    "<sign>            ::= \"+\" | \"-\" <signedNumber>    ::= <number> | <sign><number> "
    "<suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI> "
    "<binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei\n\n"
    "\t(International System of units; See: http://physics.nist.gov/cuu/Units/binary.html)\n\n"
    "<decimalSI>       ::= m | \"\" | k | M | G | T | P | E\n\n"
    "\t(Note that 1024 = 1Ki but 1000 = 1k; I didn't choose the capitalization.)\n\n"
    "<decimalExponent> ::= \"e\" <signedNumber> | \"E\" <signedNumber> ```\n\n"
    "No matter which of the three exponent forms is used, no quantity may represent a number "
    "greater than 2^63-1 in magnitude, nor may it have more than 3 decimal places. Numbers "
    "larger or more precise will be capped or rounded up. (E.g.: 0.1m will rounded up to 1m.) "
    "This may be extended in the future if we require larger or smaller quantities.\n\n"
    "When a Quantity is parsed from a string, it will remember the type of suffix it had, and "
    "will use the same type again when it is serialized.\n\n"
    "Before serializing, Quantity will be put in \"canonical form\". This means that "
    "Exponent/suffix will be adjusted up or down (with a corresponding increase or decrease in "
    "Mantissa) such that:\n\n- No precision is lost - No fractional digits will be emitted - "
    "The exponent (or suffix) is as large as possible.\n\n"
    "The sign will be omitted unless the number is negative.\n\nExamples:\n\n"
    "- 1.5 will be serialized as \"1500m\" - 1.5Gi will be serialized as \"1536Mi\"\n\n"
    "Note that the quantity will NEVER be internally represented by a floating point number. "
    "That is the whole point of this exercise.\n\n"
    "Non-canonical values will still parse as long as they are well formed, but will be "
    "re-emitted in their canonical form. (So always use canonical form, or don't diff.)\n\n"
    "This format is intended to make it difficult to use these numbers without writing some "
    "sort of special handling code in the hopes that that will cause implementors to also use "
    "a fixed point implementation."
)
QUANTITY_NAME = "io.k8s.apimachinery.pkg.api.resource.Quantity"
INT_OR_STRING_NAME = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"


def served_kinds():
    """(group, version, kind) of every row of the kinds registry, ALSO_SERVED included."""
    text = open(KINDS_RS).read()
    rows = re.findall(r'^\s*"([^"]*)" "([^"]+)" (\w+) "', text, re.M)
    also = text.split("pub static ALSO_SERVED", 1)[1].split(";\n", 1)[0]
    rows += re.findall(r'group: "([^"]*)",\s*version: "([^"]+)",\s*kind: "(\w+)"', also)
    return rows


def load_definitions(whl):
    with zipfile.ZipFile(whl) as z:
        return json.loads(z.read(DEFINITIONS))["$defs"]


def ref_name(ref):
    return ref.rsplit("/", 1)[1]


def simplify(node):
    """One JSON Schema node of kubernetes-validate as the OpenAPI node explain reads."""
    out = {}
    if isinstance(node.get("$ref"), str):
        out["$ref"] = ref_name(node["$ref"])
    if "description" in node:
        out["description"] = node["description"]
    types = node.get("type")
    if isinstance(types, list):
        types = [t for t in types if t != "null"]
        types = types[0] if types else None
    if types:
        out["type"] = types
    if "properties" in node:
        out["properties"] = {k: simplify(v) for k, v in node["properties"].items()}
    if node.get("required"):
        out["required"] = node["required"]
    if isinstance(node.get("items"), dict):
        out["items"] = simplify(node["items"])
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = simplify(node["additionalProperties"])
    return out


def refs(node, found):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            found.add(node["$ref"])
        for v in node.values():
            refs(v, found)


def jsdoc_descriptions(tgz):
    """{(lowercased schema name without dots, property): description} from a kubernetes-models
    package's declarations."""
    found = {}
    with tarfile.open(tgz) as t:
        for member in t.getmembers():
            if not member.name.endswith(".d.ts") or "/_schemas/" in member.name:
                continue
            text = t.extractfile(member).read().decode()
            name = re.search(r"export (?:type )?\{ I\w+ as I(Io\w+)", text)
            if not name:
                continue
            key = name.group(1).lower()
            for body in re.findall(r"export interface I\w+ \{\n(.*?)\n\}", text, re.S):
                for doc, prop in re.findall(
                    r'    /\*\*\n(.*?)\n     \*/\n    "([^"]+)"\??: ', body, re.S
                ):
                    lines = []
                    for line in doc.split("\n"):
                        line = line.strip()[1:]
                        lines.append(line[1:] if line.startswith(" ") else line)
                    text_ = "\n".join(lines).replace("\\*", "*").replace("*\\/", "*/")
                    found[(key, prop)] = text_
    return found


def enum_tails(descriptions):
    return {
        k: d.split(ENUM_HEADER, 1)[1] for k, d in descriptions.items() if ENUM_HEADER in d
    }


GO_QUOTED = re.compile(r'^ - `"((?:[^"\\]|\\.)*)"`')


def enum_values(tail):
    values = []
    for line in tail.split("\n"):
        m = GO_QUOTED.match(line)
        if not m:
            sys.exit(f"unexpected enum line: {line!r}")
        values.append(json.loads('"' + m.group(1) + '"'))
    return values


def rustdoc(path):
    """The doc comment of the first item in a k8s-openapi source file, unescaped."""
    lines = []
    for line in open(path):
        if not line.startswith("///"):
            if lines:
                break
            continue
        lines.append(line[4:].rstrip("\n") if len(line) > 4 else "")
    text = "\n".join(lines)
    for esc in ("\\", "[", "]", "<", ">"):
        text = text.replace("\\" + esc, esc)
    return text


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    whl, models_new, models_old = sys.argv[1:4]
    k8s_openapi = (sys.argv[4:5] or glob.glob(
        os.path.expanduser("~/.cargo/registry/src/*/k8s-openapi-0.29.0")))[0]
    v1_35 = os.path.join(k8s_openapi, "src", "v1_35", "apimachinery", "pkg")

    defs = load_definitions(whl)
    by_lower = {name.replace(".", "").lower(): name for name in defs}

    # Which schema each served kind is, by its group/version/kind.
    kinds = []
    for group, version, kind in served_kinds():
        matches = [
            name for name, d in sorted(defs.items())
            if {"group": group, "version": version, "kind": kind}
            in d.get("x-kubernetes-group-version-kind", [])
        ]
        if not matches:
            sys.exit(f"no schema for {group}/{version} {kind}")
        kinds.append([group, version, kind, matches[0]])

    # Every schema those reach.
    wanted, todo = set(), [k[3] for k in kinds]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        found = set()
        refs(defs[name], found)
        todo.extend(ref_name(r) for r in found)

    schemas = {name: simplify(defs[name]) for name in sorted(wanted)}
    for name, schema in schemas.items():
        for prop in ("apiVersion", "kind"):
            schema.get("properties", {}).get(prop, {}).pop("enum", None)

    # The two flattened types.
    if QUANTITY_NAME in schemas:
        rendered = rustdoc(os.path.join(v1_35, "api", "resource", "quantity.rs"))
        squash = lambda s: re.sub(r"\s+", " ", s.replace("```", "")).strip()
        if squash(rendered) != squash(QUANTITY):
            sys.exit("Quantity's description differs from k8s-openapi's v1_35 one")
        schemas[QUANTITY_NAME] = {"description": QUANTITY}
    if INT_OR_STRING_NAME in schemas:
        schemas[INT_OR_STRING_NAME] = {
            "description": rustdoc(os.path.join(v1_35, "util", "intstr", "int_or_string.rs"))
        }

    # Enums, as a v1.35 API server publishes them.
    new, old = enum_tails(jsdoc_descriptions(models_new)), enum_tails(jsdoc_descriptions(models_old))
    review = []
    for (lower, prop), tail in sorted(new.items()):
        name = by_lower.get(lower)
        if name not in schemas:
            continue
        field = schemas[name].get("properties", {}).get(prop)
        if field is None or field.get("type") != "string":
            continue
        if old.get((lower, prop)) != tail:
            review.append(f"{name}.{prop}")
        field["description"] = field.get("description", "") + ENUM_HEADER + tail
        field["enum"] = enum_values(tail)

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write('{"version":"v1.35.0",\n"kinds":')
        f.write(json.dumps(kinds, separators=(",", ":")))
        f.write(',\n"schemas":{\n')
        f.write(",\n".join(
            json.dumps(name) + ":" + json.dumps(s, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
            for name, s in schemas.items()
        ))
        f.write("\n}}\n")
    print(f"{OUT}: {len(kinds)} kinds, {len(schemas)} schemas, "
          f"{sum('enum' in p for s in schemas.values() for p in s.get('properties', {}).values())} enum fields")
    for r in review:
        print(f"review (the older kubernetes-models release disagrees): {r}")


if __name__ == "__main__":
    main()
