// Tests of the JavaScript adapter kit (node --test; the zarrita-js adapter's ci.sh runs them).

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { Refusal, Skip, cOrderBytes, declaration, failureReply, helloReply, readArray, runCase, isStoreUrl, selectionAxes, storeLocation, writeArray, writeWithinLimits } from "./zn5-adapter-kit.mjs";

const axis = (start, stop, step, keep, count) => ({ start, stop, step, keep, count });

for (const [selection, shape, expected] of [
  [null, [3, 4], [axis(0, 3, 1, true, 3), axis(0, 4, 1, true, 4)]],
  [[[1, 9, 3]], [10, 2], [axis(1, 9, 3, true, 3), axis(0, 2, 1, true, 2)]],
  [[[2, 99, 1], 1], [5, 3], [axis(2, 5, 1, true, 3), axis(1, 2, 1, false, 1)]],
  [[-1, [-3, -1, 1]], [4, 6], [axis(3, 4, 1, false, 1), axis(3, 5, 1, true, 2)]],
  [[[4, 4, 1]], [9], [axis(4, 4, 1, true, 0)]],
  [[[7, 2, 1]], [9], [axis(7, 7, 1, true, 0)]],
]) {
  test(`selectionAxes(${JSON.stringify(selection)}, ${JSON.stringify(shape)}) clips as Python slices do`, () => {
    assert.deepEqual(selectionAxes(selection, shape), expected);
  });
}

for (const [selection, shape] of [
  [[1, 2], [5]],
  [[5], [5]],
  [[[0, 5, 0]], [5]],
]) {
  test(`selectionAxes(${JSON.stringify(selection)}, ${JSON.stringify(shape)}) is a selection refusal`, () => {
    assert.throws(() => selectionAxes(selection, shape), (error) => error instanceof Refusal && error.category === "selection");
  });
}

test("cOrderBytes gathers a transposed view into C order", () => {
  const data = new Uint16Array([0, 1, 2, 3, 4, 5]); // 2x3 in C order, viewed as its 3x2 transpose
  const raw = cOrderBytes({ data, shape: [3, 2], stride: [1, 3] }, 2);
  assert.deepEqual([...new Uint16Array(raw.buffer)], [0, 3, 1, 4, 2, 5]);
});

test("writeArray and readArray round-trip values with their sha256", () => {
  const folder = mkdtempSync(join(tmpdir(), "kit-"));
  const values = { raw: new Uint8Array([1, 2, 3, 4]), dataType: "uint16", shape: [2] };
  writeArray(folder, values);
  const document = JSON.parse(readFileSync(join(folder, "array.json"), "utf8"));
  assert.equal(document.sha256, createHash("sha256").update(values.raw).digest("hex"));
  assert.deepEqual(readArray(join(folder, "array.json")), values);
});

test("helloReply sorts capabilities and leaves out empty format gaps", () => {
  const adapter = { implementation: { name: "x", version: "1", language: "javascript" }, adapterVersion: "0", capabilities: ["op:read", "format:zarr3"] };
  assert.deepEqual(helloReply(adapter).capabilities, ["format:zarr3", "op:read"]);
  assert.equal("format_gaps" in helloReply({ ...adapter, formatGaps: { zarr2: [] } }), false);
  assert.deepEqual(helloReply({ ...adapter, formatGaps: { zarr2: ["op:write", "codec:gzip"] } }).format_gaps, { zarr2: ["codec:gzip", "op:write"] });
});

for (const [error, expected] of [
  [new Refusal("metadata", "open", "bad"), { status: "rejected", error: { category: "metadata", phase: "open", message: "bad" } }],
  [new Skip("cannot"), { status: "skipped", reason: "cannot" }],
]) {
  test(`failureReply(${error.constructor.name}) is a ${expected.status} reply`, () => {
    assert.deepEqual(failureReply(error), expected);
  });
}

test("declaration reads a capabilities.json and drops the reasons of its gaps", () => {
  const path = join(mkdtempSync(join(tmpdir(), "zn5-kit-")), "capabilities.json");
  writeFileSync(path, JSON.stringify({ about: "a", capabilities: ["format:zarr3", "op:read"], format_gaps: { zarr3: { "op:write": "read-only" } } }));
  assert.deepEqual(declaration(path), { capabilities: ["format:zarr3", "op:read"], formatGaps: { zarr3: ["op:write"] } });
});

test("writeWithinLimits skips on a limit, passes other refusals on, and returns what the write returns", async () => {
  const refuse = async () => { throw new Refusal("codec", "write", "gzip encode"); };
  await assert.rejects(writeWithinLimits("lib 1", () => true, refuse), (error) => error instanceof Skip && error.message === "lib 1 cannot write this array: gzip encode");
  await assert.rejects(writeWithinLimits("lib 1", () => false, refuse), (error) => error instanceof Refusal);
  assert.equal(await writeWithinLimits("lib 1", () => true, async () => 7), 7);
});

test("failureReply of any other error is an adapter-error with its stack", () => {
  const reply = failureReply(new TypeError("oops"));
  assert.equal(reply.status, "adapter-error");
  assert.equal(reply.message, "TypeError: oops");
  assert.match(reply.traceback, /TypeError: oops/);
});

test("runCase reads an equivalence case's stores in the declared formats only", async () => {
  const output = mkdtempSync(join(tmpdir(), "kit-"));
  const read = (store, node, format) => ({ raw: new Uint8Array([format.length]), dataType: "uint8", shape: [1] });
  const adapter = { capabilities: ["format:zarr3"], read };
  const kase = { format: "any", operation: { op: "read", selection: null }, input: { stores: { zarr2: "a", zarr3: "b" } } };
  assert.deepEqual(await runCase(adapter, kase, "/input", output), { status: "ok", result: { arrays: { zarr3: "zarr3/array.json" } } });
});

test("runCase skips a metadata case when the adapter does not describe", async () => {
  const kase = { format: "zarr3", operation: { op: "metadata" }, input: { store: "s" } };
  await assert.rejects(runCase({ capabilities: [] }, kase, "/input", "/output"), Skip);
});

test("runCase hands the read hook a store's URL in a run over HTTP and its folder in a run on files", async () => {
  const seen = [];
  const read = (store) => (seen.push(store), { raw: new Uint8Array([1]), dataType: "uint8", shape: [1] });
  const kase = { format: "zarr3", operation: { op: "read", selection: null }, input: { store: "data/store", node: "a" } };
  await runCase({ capabilities: ["format:zarr3"], read }, kase, "/input", mkdtempSync(join(tmpdir(), "kit-")), "http://127.0.0.1:8123/c1");
  await runCase({ capabilities: ["format:zarr3"], read }, kase, "/input", mkdtempSync(join(tmpdir(), "kit-")));
  assert.deepEqual(seen, ["http://127.0.0.1:8123/c1/data/store", "/input/data/store"]);
  assert.deepEqual(seen.map(isStoreUrl), [true, false]);
});

test("storeLocation refuses a store path that leaves the served input", () => {
  assert.throws(() => storeLocation("/input", "http://127.0.0.1:8123/c1", "../c2/store"), /outside/);
  assert.throws(() => storeLocation("/input", undefined, "../store"), /outside/);
});
