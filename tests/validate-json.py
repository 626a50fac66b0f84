#!/usr/bin/env python3
# validate-json.py SCHEMA DEFINITION FILE: check FILE (JSON) against one
# definition of the tools' schema (doc/schema/tools.schema.json). Exit 0
# valid, 1 invalid (the errors on stderr), 77 without python3-jsonschema.
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.exit(77)

schema_file, name, data_file = sys.argv[1:4]
with open(schema_file) as f:
    schema = json.load(f)
with open(data_file) as f:
    data = json.load(f)
if name not in schema["$defs"]:
    print(f"{schema_file}: no definition '{name}'", file=sys.stderr)
    sys.exit(1)
one = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{name}"}
validator = jsonschema.Draft202012Validator(one)
errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
for e in errors:
    print(f"{data_file}: {name}: /{'/'.join(map(str, e.path))}: {e.message}", file=sys.stderr)
sys.exit(1 if errors else 0)
