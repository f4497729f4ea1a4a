"""Fails at hello; argument 1 says how: protocol (speaks protocol 2), garbage, exit, silent, incomplete."""

import json
import sys
import time

MODE = sys.argv[1]

if __name__ == "__main__":
    if MODE == "exit":
        print("fake: cannot find my library", file=sys.stderr, flush=True)
        sys.exit(1)
    sys.stdin.readline()
    if MODE == "silent":
        time.sleep(3600)
    replies = {
        "protocol": {
            "protocol": 2,
            "implementation": {"name": "fake", "version": "1", "language": "python"},
            "adapter": {"version": "1"},
            "capabilities": [],
        },
        "incomplete": {"protocol": 1, "implementation": {"name": "fake"}},
    }
    line = json.dumps(replies[MODE]) if MODE in replies else "Welcome to fake 1.0!"
    print(line, flush=True)
    sys.stdin.readline()
