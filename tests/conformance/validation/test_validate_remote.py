"""``zn5 validate URL``: S3 (listed), HTTP through consolidated metadata or explicit paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from jsonschema import Draft202012Validator

import zn5.reference as zn5
from zn5.conformance.cli import main
from zn5.conformance.suite.resources import SCHEMAS
from zn5.conformance.validation.walk import Validation
from zn5.reference.store.remote import RemoteStore
from zn5.reference.testing.servers import S3Server
from zn5.reference.testing.static_http import StaticServer

REPORT_SCHEMA = json.loads((SCHEMAS / "project" / "validate-report.schema.json").read_text())


def _validate(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, dict[str, Any]]:
    code = main(["validate", "--json", *arguments])
    report = json.loads(capsys.readouterr().out)
    Draft202012Validator(REPORT_SCHEMA).validate(report)
    return code, report


def _zarr2_consolidated(root: Path) -> None:
    """A Zarr v2 group ``g`` holding array ``g/x``, and the root's ``.zmetadata`` (as zarr-python writes)."""
    zn5.create_group(root, format="zarr2")
    zn5.create_group(root, path="g", format="zarr2")
    zn5.create_array(root, path="g/x", format="zarr2", shape=(6,), dtype="<i4", chunks=(3,))[:] = np.arange(6)
    documents = {
        name: json.loads((root / name).read_text())
        for name in (".zgroup", "g/.zgroup", "g/x/.zarray")
        if (root / name).exists()
    }
    (root / ".zmetadata").write_text(json.dumps({"metadata": documents, "zarr_consolidated_format": 1}))


def _zarr3_consolidated(root: Path) -> None:
    """A Zarr v3 group with array ``x`` and ``consolidated_metadata`` in the root's zarr.json."""
    zn5.create_group(root, format="zarr3")
    zn5.create_array(root, path="x", format="zarr3", shape=(6,), dtype="int8", chunks=(3,))[:] = np.arange(6)
    group = json.loads((root / "zarr.json").read_text())
    group["consolidated_metadata"] = {
        "kind": "inline",
        "must_understand": False,
        "metadata": {"x": json.loads((root / "x" / "zarr.json").read_text())},
    }
    (root / "zarr.json").write_text(json.dumps(group))


@pytest.mark.req("STORE-REMOTE-002")
def test_an_s3_store_is_listed(
    capsys: pytest.CaptureFixture[str], s3_server: S3Server, s3_bucket: str
) -> None:
    url = f"{s3_bucket}/v.zarr"
    options = s3_server.options()
    zn5.create_array(url, format="zarr3", shape=(4,), dtype="uint8", chunks=(2,), storage_options=options)[
        :
    ] = 1
    endpoint = f"client_kwargs.endpoint_url={s3_server.endpoint}"
    arguments = [url, "--chunks", "--storage-option", "key=testing", "--storage-option", "secret=testing"]
    code, report = _validate(capsys, *arguments, "--storage-option", endpoint)
    assert (code, report["valid"], report["listing"]) == (0, True, "listed")
    assert report["checked"]["chunks"] == 2 and report["checked"]["decoded"] == 2


@pytest.mark.req("STORE-REMOTE-002")
def test_an_http_zarr2_store_is_listed_through_zmetadata(
    capsys: pytest.CaptureFixture[str], http_store_server: StaticServer
) -> None:
    _zarr2_consolidated(http_store_server.root)
    code, report = _validate(capsys, http_store_server.url, "--chunks")
    assert (code, report["valid"], report["listing"], report["problems"]) == (0, True, "consolidated", [])
    assert report["checked"] == {"nodes": 3, "keys": 6, "chunks": 2, "decoded": 2}
    assert main(["validate", http_store_server.url]) == 0
    assert "cannot be listed: keys found through consolidated metadata" in capsys.readouterr().out


@pytest.mark.req("STORE-REMOTE-002")
def test_an_http_zarr3_store_is_listed_through_consolidated_metadata(
    capsys: pytest.CaptureFixture[str], http_store_server: StaticServer
) -> None:
    _zarr3_consolidated(http_store_server.root)
    code, report = _validate(capsys, http_store_server.url, "--chunks")
    assert (code, report["listing"], report["checked"]["decoded"]) == (0, "consolidated", 2)
    assert [p for p in report["problems"] if p["requirement"] == "STORE-REMOTE-002"] == []


@pytest.mark.req("STORE-REMOTE-002")
def test_stale_consolidated_metadata_is_reported_and_the_stored_document_wins(
    capsys: pytest.CaptureFixture[str], http_store_server: StaticServer
) -> None:
    root = http_store_server.root
    _zarr3_consolidated(root)
    array = json.loads((root / "x" / "zarr.json").read_text())
    array["attributes"] = {"changed": True}
    (root / "x" / "zarr.json").write_text(json.dumps(array))
    code, report = _validate(capsys, http_store_server.url)
    stale = [p for p in report["problems"] if p["requirement"] == "STORE-REMOTE-002"]
    assert code == 0 and [(p["key"], p["level"]) for p in stale] == [("zarr.json", "warning")]
    assert "differs from x/zarr.json" in stale[0]["message"]
    assert dict(zn5.open(http_store_server.url, path="x").attrs) == {"changed": True}


@pytest.mark.req("STORE-REMOTE-002")
def test_an_http_store_without_consolidated_metadata_needs_paths(
    capsys: pytest.CaptureFixture[str], http_store_server: StaticServer
) -> None:
    zn5.create_array(
        http_store_server.root, path="a/b", format="zarr3", shape=(2,), dtype="uint8", chunks=(2,)
    )
    code, report = _validate(capsys, http_store_server.url)
    assert (code, report["valid"], [p["requirement"] for p in report["problems"]]) == (
        1,
        False,
        ["STORE-REMOTE-002"],
    )
    code, report = _validate(capsys, http_store_server.url, "--path", "a", "--path", "a/b")
    assert (code, report["listing"], report["checked"]["nodes"]) == (0, "paths", 3)


@pytest.mark.req("STORE-REMOTE-004")
def test_a_refused_chunk_is_an_error_in_the_report(
    capsys: pytest.CaptureFixture[str], http_store_server: StaticServer
) -> None:
    _zarr2_consolidated(http_store_server.root)
    http_store_server.statuses["g/x/1"] = 403
    code, report = _validate(capsys, http_store_server.url, "--chunks")
    refused = [p for p in report["problems"] if p["key"] == "g/x/1"]
    assert code == 1 and [p["requirement"] for p in refused] == ["STORE-REMOTE-004"]


def test_a_file_url_and_a_bad_storage_option(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    zn5.create_array(tmp_path, format="zarr3", shape=(2,), dtype="uint8", chunks=(2,))
    code, report = _validate(capsys, f"file://{tmp_path}")
    assert (code, report["listing"]) == (0, "listed")
    assert main(["validate", f"file://{tmp_path}", "--storage-option", "novalue"]) == 2
    assert "expected KEY=VALUE" in capsys.readouterr().err


@pytest.mark.req("STORE-REMOTE-006")
def test_an_unlisted_chunk_costs_one_request(
    capsys: pytest.CaptureFixture[str], http_store_server: StaticServer
) -> None:
    """Each chunk key of the grid is fetched once, whole: no existence probe before the read."""
    _zarr2_consolidated(http_store_server.root)
    (http_store_server.root / "g" / "x" / "1").unlink()
    http_store_server.log.reset()
    code, report = _validate(capsys, http_store_server.url, "--chunks")
    assert (code, report["checked"]["chunks"], report["checked"]["decoded"]) == (0, 1, 1)
    chunks = [
        (method, path, ranged)
        for method, path, ranged in http_store_server.log.requests
        if path.rpartition("/")[2].isdigit()
    ]
    assert sorted(chunks) == [("GET", "/g/x/0", ""), ("GET", "/g/x/1", "")]


@pytest.mark.req("STORE-REMOTE-003")
def test_a_validated_s3_chunk_costs_one_get(s3_server: S3Server, s3_bucket: str) -> None:
    url = f"{s3_bucket}/v.zarr"
    options = s3_server.options()
    zn5.create_array(url, format="zarr2", shape=(9,), dtype="uint8", chunks=(2,), storage_options=options)[
        :
    ] = 1
    store = RemoteStore(url, storage_options={**options, "skip_instance_cache": True})
    sent: list[tuple[str, str]] = []
    store.fs.connect()
    store.fs.s3.meta.events.register(
        "before-parameter-build.s3",
        lambda params, model, **_: sent.append((model.name, params.get("Key", ""))),
    )
    validation = Validation(store, chunks=True)
    assert list(validation.problems()) == [] and validation.counts.decoded == 5
    chunks = sorted((operation, key) for operation, key in sent if key.rpartition("/")[2].isdigit())
    assert chunks == [("GetObject", f"v.zarr/{index}") for index in range(5)]
