#!/usr/bin/env python3
# check-trace.py FILE PES SPANS: FILE is Chrome/Perfetto trace-event JSON
# (the JSON object format: traceEvents[], each event with name, ph, pid,
# tid; X with ts and dur >= 0, i with ts and scope, M thread or process
# names) with one named thread per PE and one recovery per span.
import json
import sys

path, pes, spans = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path) as f:
    doc = json.load(f)
events = doc["traceEvents"]
assert isinstance(events, list) and events, "no traceEvents"
threads, recoveries = set(), 0
for e in events:
    for key in ("name", "ph", "pid", "tid"):
        assert key in e, f"event without {key}: {e}"
    assert e["ph"] in ("M", "X", "i"), f"unexpected phase {e['ph']}"
    if e["ph"] == "M":
        assert e["name"] in ("process_name", "thread_name") and "name" in e["args"], e
        if e["name"] == "thread_name":
            threads.add(e["args"]["name"])
        continue
    assert isinstance(e["ts"], (int, float)) and e["ts"] >= 0, e
    if e["ph"] == "X":
        assert isinstance(e["dur"], (int, float)) and e["dur"] >= 0, e
        recoveries += e["name"].startswith("recover")
    else:
        assert e.get("s") in ("t", "p", "g"), e
assert len(threads) == pes, f"{len(threads)} PE threads, want {pes}"
assert recoveries == spans, f"{recoveries} recoveries, want {spans}"
print(f"{path}: valid trace-event JSON, {pes} PEs, {spans} recoveries")
