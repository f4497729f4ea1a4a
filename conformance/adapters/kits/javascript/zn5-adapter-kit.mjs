// zn5 adapter kit for JavaScript (Node 20 or later, no dependencies): the protocol glue of a zn5
// conformance adapter in one file. Copy it beside your adapter and import it; see README.md.
//
// The kit speaks the adapter protocol (spec/adapter-protocol.md): one JSON message per line on stdin,
// one reply per line on stdout (hello, run, stop). It dispatches each case on its operation, reads the
// stores of an equivalence case in the formats the adapter declares, writes array results (array.json
// beside raw little-endian C-order bytes) and turns what the adapter's hooks throw into replies:
// a Refusal is a rejected reply, a Skip a skipped one, anything else an adapter-error.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { createInterface } from "node:readline";

export const PROTOCOL = 1;

/** The library refused the input: a rejected reply (category: spec/conventions.md#errors). */
export class Refusal extends Error {
  constructor(category, phase, message, requirement = undefined) {
    super(message);
    this.category = category;
    this.phase = phase;
    this.requirement = requirement;
  }
}

/** The adapter cannot run the case: a skipped reply with this reason. */
export class Skip extends Error {}

/** An error and its causes in one line: "Name: message (cause: Name: message)". */
export function describeError(error) {
  let text = `${error?.name ?? "Error"}: ${error?.message ?? String(error)}`;
  let cause = error?.cause;
  for (let depth = 0; cause && depth < 4; depth++, cause = cause.cause) {
    text += ` (cause: ${cause?.name ?? "Error"}: ${cause?.message ?? String(cause)})`;
  }
  return text;
}

/** `relative` resolved inside `root`; an Error when it leaves it. */
export function inside(root, relative) {
  const full = resolve(root, relative);
  if (full !== resolve(root) && !full.startsWith(resolve(root) + sep)) {
    throw new Error(`${relative} lies outside ${root}`);
  }
  return full;
}

/** Whether a hook's store is a URL (a run over HTTP, storeLocation) rather than a folder. */
export function isStoreUrl(store) {
  return /^https?:\/\//.test(store);
}

/**
 * Where a hook finds the store of folder `relative` of the case: inside `input` in a run on files, or
 * its URL under `inputUrl` in a run over HTTP (PROTO-021), where the input folder holds no store; an
 * Error when `relative` leaves the input.
 */
export function storeLocation(input, inputUrl, relative) {
  if (!inputUrl) return inside(input, relative);
  const base = inputUrl.endsWith("/") ? inputUrl : `${inputUrl}/`;
  const url = new URL(relative, base);
  if (!url.href.startsWith(base)) throw new Error(`${relative} lies outside ${inputUrl}`);
  return url.href.replace(/\/+$/, "");
}

// Selections.

/**
 * The axes of a case selection over an array of `shape`: per axis an integer index (the axis goes)
 * or [start, stop, step] (clipped to the axis, as Python slices are); null selects everything.
 * Each axis is {start, stop, step, keep, count}. A selection the array cannot take is a Refusal.
 */
export function selectionAxes(selection, shape) {
  const items = selection ?? [];
  if (items.length > shape.length) {
    throw new Refusal("selection", "read", `a selection of ${items.length} axes for an array of ${shape.length}`);
  }
  return shape.map((length, axis) => {
    const item = items[axis] ?? [0, length, 1];
    if (typeof item === "number") {
      const index = item < 0 ? item + length : item;
      if (index < 0 || index >= length) {
        throw new Refusal("selection", "read", `index ${item} out of range for an axis of ${length}`);
      }
      return { start: index, stop: index + 1, step: 1, keep: false, count: 1 };
    }
    const [first, last, step] = item;
    if (!(step > 0)) throw new Refusal("selection", "read", `slice step ${step} is not positive`);
    const clip = (value) => Math.min(Math.max(value < 0 ? value + length : value, 0), length);
    const start = clip(first);
    const stop = Math.max(clip(last), start);
    return { start, stop, step, keep: true, count: Math.ceil((stop - start) / step) };
  });
}

// Array results: array.json beside raw little-endian C-order bytes (schemas/project/array.schema.json).

/** The bytes of a strided view ({data, shape, stride}, strides in elements) gathered into C order. */
export function cOrderBytes({ data, shape, stride }, itemsize) {
  const source = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(count * itemsize);
  if (count === 0) return out;
  const index = new Array(shape.length).fill(0);
  for (let n = 0; n < count; n++) {
    let offset = 0;
    for (let axis = 0; axis < shape.length; axis++) offset += index[axis] * stride[axis];
    out.set(source.subarray(offset * itemsize, offset * itemsize + itemsize), n * itemsize);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
  return out;
}

/** Write `raw` (little-endian, C order) as array.json + array.bin into `folder`. */
export function writeArray(folder, { raw, dataType, shape }) {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "array.bin"), raw);
  const document = {
    data_type: dataType,
    file: "array.bin",
    sha256: createHash("sha256").update(raw).digest("hex"),
    shape,
  };
  writeFileSync(join(folder, "array.json"), `${JSON.stringify(document, null, 2)}\n`);
}

/** An input array.json and its bytes as {dataType, shape, raw}; an Error when the sha256 disagrees. */
export function readArray(path) {
  const document = JSON.parse(readFileSync(path, "utf8"));
  const raw = readFileSync(join(dirname(path), document.file));
  if (createHash("sha256").update(raw).digest("hex") !== document.sha256) {
    throw new Error(`${path}: the bytes of ${document.file} do not match their sha256`);
  }
  return { dataType: document.data_type, shape: document.shape, raw: new Uint8Array(raw) };
}

// Running a case.

/**
 * The reply (without seq) for one case. `adapter` has the hooks (each may be async):
 *   read(store, node, format, selection) -> {raw, dataType, shape}   read, reject, equivalence cases
 *   describe(store, node, format) -> canonical node description      metadata cases (optional)
 *   write(target, values, store)                                     write cases; values null for a group
 * `store` is an absolute folder, or in a run over HTTP (`inputUrl` given, the run message's input_url,
 * PROTO-021) the store's http:// URL (storeLocation), which the library opens with its own HTTP store
 * (PROTO-022); a write case's store is always a folder. `selection` is the case's (null for all),
 * `target` the case's operation.target ({format, node, metadata}).
 */
export async function runCase(adapter, kase, input, output, inputUrl = undefined) {
  const store = (relative) => storeLocation(input, inputUrl, relative);
  const operation = kase.operation;
  const node = kase.input.node ?? "";
  const selection = operation.selection ?? null;
  if (operation.op === "write") {
    const values = operation.target.metadata.node_type === "group" ? null : readArray(inside(input, kase.input.array));
    mkdirSync(join(output, "store"), { recursive: true });
    await adapter.write(operation.target, values, join(output, "store"));
    return { status: "ok", result: { store: "store" } };
  }
  if (operation.op === "metadata") {
    if (!adapter.describe) throw new Skip("the adapter does not describe nodes");
    return { status: "ok", result: { node: await adapter.describe(store(kase.input.store), node, kase.format) } };
  }
  if (kase.input.stores) {
    const arrays = {};
    for (const [format, folder] of Object.entries(kase.input.stores).sort()) {
      if (!adapter.capabilities.includes(`format:${format}`)) continue;
      writeArray(join(output, format), await adapter.read(store(folder), node, format, selection));
      arrays[format] = `${format}/array.json`;
    }
    return { status: "ok", result: { arrays } };
  }
  writeArray(output, await adapter.read(store(kase.input.store), node, kase.format, selection));
  return { status: "ok", result: { array: "array.json" } };
}

/** A run's reply for what a hook threw. */
export function failureReply(error) {
  if (error instanceof Refusal) {
    const detail = { category: error.category, phase: error.phase, message: error.message };
    if (error.requirement) detail.requirement = error.requirement;
    return { status: "rejected", error: detail };
  }
  if (error instanceof Skip) return { status: "skipped", reason: error.message };
  return { status: "adapter-error", message: describeError(error), traceback: String(error?.stack ?? "") };
}

/**
 * What an adapter claims, from the capabilities.json at `path`
 * (schemas/project/adapter-capabilities.schema.json): {capabilities, formatGaps} for `serve`, the
 * tokens of each format's gaps without their reasons.
 */
export function declaration(path) {
  const document = JSON.parse(readFileSync(path, "utf8"));
  const gaps = Object.entries(document.format_gaps ?? {}).map(([format, reasons]) => [format, Object.keys(reasons)]);
  return { capabilities: document.capabilities, formatGaps: Object.fromEntries(gaps) };
}

/**
 * What `write` returns; a Refusal it throws that `isLimit` takes for a documented limit of the library
 * (`library`: its name and version) is a Skip instead: the library cannot write such an array at all.
 */
export async function writeWithinLimits(library, isLimit, write) {
  try {
    return await write();
  } catch (error) {
    if (error instanceof Refusal && isLimit(error)) throw new Skip(`${library} cannot write this array: ${error.message}`);
    throw error;
  }
}

/**
 * The hello reply. `adapter` has: implementation ({name, version, language[, homepage]}),
 * adapterVersion, capabilities (tokens) and, when some declared token is missing in one format,
 * formatGaps ({zarr2: ["codec:gzip"]}).
 */
export function helloReply(adapter) {
  const reply = {
    protocol: PROTOCOL,
    implementation: adapter.implementation,
    adapter: { version: adapter.adapterVersion },
    capabilities: [...new Set(adapter.capabilities)].sort(),
  };
  const gaps = Object.entries(adapter.formatGaps ?? {}).filter(([, tokens]) => tokens.length > 0);
  if (gaps.length > 0) reply.format_gaps = Object.fromEntries(gaps.map(([format, tokens]) => [format, [...tokens].sort()]));
  return reply;
}

/**
 * Serve the protocol on stdin and stdout until stop or the end of input, then exit. console.log and
 * friends go to stderr, so that nothing a library prints reaches the protocol stream (PROTO-001).
 */
export async function serve(adapter) {
  const reply = process.stdout.write.bind(process.stdout);
  console.log = console.info = console.debug = console.error;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      process.stderr.write(`adapter: ignoring a line that is no JSON: ${line.slice(0, 200)}\n`);
      continue;
    }
    if (message?.cmd === "stop") break;
    if (message?.cmd === "hello") reply(`${JSON.stringify(helloReply(adapter))}\n`);
    if (message?.cmd === "run") {
      let answer;
      try {
        answer = await runCase(adapter, message.case, message.input, message.output, message.input_url);
      } catch (error) {
        answer = failureReply(error);
      }
      reply(`${JSON.stringify({ seq: message.seq, ...answer })}\n`);
    }
  }
  process.exit(0);
}
