"""Project tests of adapter protocol requirements that no other test marks (spec/adapter-protocol.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

protocol = pytest.importorskip("zn5.conformance.execution.protocol")


@pytest.mark.req("PROTO-005")
def test_a_reply_must_answer_the_run_in_flight() -> None:
    reply = {"seq": 7, "status": "skipped", "reason": "no stepped slices"}
    assert protocol.parse_run_reply(json.dumps(reply), 7).seq == 7
    with pytest.raises(protocol.ProtocolError, match="answers seq 7"):
        protocol.parse_run_reply(json.dumps(reply), 8)


@pytest.mark.req("PROTO-005")
def test_each_run_message_carries_its_seq() -> None:
    case = {"id": "x", "expect": {"outcome": "ok"}}
    message = protocol.run(3, case, Path("/in"), Path("/out"))
    assert message["seq"] == 3
    assert "expect" not in message["case"]
