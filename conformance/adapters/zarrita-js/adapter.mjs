// zn5 conformance adapter for zarrita.js (https://github.com/manzt/zarrita.js).
//
// The protocol glue (message loop, dispatch, array results, replies) is the JavaScript adapter kit,
// conformance/adapters/kits/javascript; this file holds what is zarrita's.
// Reads Zarr v2 and v3 through zarr.open / zarr.get, writes Zarr v3 through zarr.create / zarr.set.
// Values leave as canonical array.json + array.bin (little-endian, C order), whatever strides or
// element classes (BigInt64Array, BoolArray, UnicodeStringArray, ...) zarrita.js hands back.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import FetchStore from "@zarrita/storage/fetch";
import FileSystemStore from "@zarrita/storage/fs";
import * as zarr from "zarrita";

import { Refusal, Skip, cOrderBytes, declaration, describeError, isStoreUrl, selectionAxes, serve, writeWithinLimits } from "../kits/javascript/zn5-adapter-kit.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ADAPTER_VERSION = JSON.parse(readFileSync(join(HERE, "package.json"), "utf8")).version;
const LIBRARY_VERSION = JSON.parse(
  readFileSync(join(HERE, "node_modules", "zarrita", "package.json"), "utf8"),
).version;


// Canonical data type names of zarrita's simple types, with their element size and typed array.
const SIMPLE = {
  bool: [1, Uint8Array],
  int8: [1, Int8Array],
  int16: [2, Int16Array],
  int32: [4, Int32Array],
  int64: [8, BigInt64Array],
  uint8: [1, Uint8Array],
  uint16: [2, Uint16Array],
  uint32: [4, Uint32Array],
  uint64: [8, BigUint64Array],
  float32: [4, Float32Array],
  float64: [8, Float64Array],
};

/** The canonical name of a zarrita data type ("v2:U3" is fixed_length_utf32[3]: characters). */
/** The canonical name of a zarrita data type ("v2:U3" is fixed_length_utf32[3]: characters). */
function canonicalType(dtype) {
  if (dtype in SIMPLE) return dtype;
  const match = /^v2:([US])(\d+)$/.exec(dtype);
  if (match) {
    const count = Number(match[2]);
    return match[1] === "U" ? `fixed_length_utf32[${count}]` : `fixed_length_bytes[${count}]`;
  }
  throw new Error(`no canonical name for zarrita data type ${dtype}`);
}

/** Whether zarrita.js threw (or wrapped) one of its tagged errors, by zarr.isZarritaError. */
function zarritaError(error, ...tags) {
  for (let current = error, depth = 0; current && depth < 5; current = current.cause, depth++) {
    if (zarr.isZarritaError(current, ...tags)) return true;
  }
  return false;
}

/** The error category of something zarrita.js threw, by its documented error classes. */
function category(error, phase) {
  if (zarr.isZarritaError(error, "NotFoundError")) return "not-found";
  if (zarr.isZarritaError(error, "InvalidMetadataError")) return "metadata";
  if (zarritaError(error, "UnknownCodecError", "UnsupportedError")) return "unsupported";
  if (zarr.isZarritaError(error, "InvalidSelectionError")) return "selection";
  if (zarr.isZarritaError(error, "CodecPipelineError")) return phase === "write" ? "codec" : "chunk";
  if (error?.name === "SyntaxError") return "metadata";
  return phase === "open" ? "metadata" : phase === "read" ? "chunk" : "codec";
}

/** Run a library call; anything it throws is the library refusing in ``phase``. */
async function library(phase, call) {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Refusal || error instanceof Skip) throw error;
    const refusal = new Refusal(category(error, phase), phase, describeError(error));
    // zarrita's UnsupportedError is its documented "capability limit" (an encoder that only decodes,
    // a write to a sharded array): a declared limitation, not a wrong answer.
    refusal.limitation = zarritaError(error, "UnsupportedError");
    throw refusal;
  }
}

// Values out: zarrita's results as little-endian C-order bytes.

/** The bytes of one element zarrita returned as a JavaScript scalar. */
function scalarBytes(value, dtype, itemsize) {
  if (dtype in SIMPLE) {
    const [, Typed] = SIMPLE[dtype];
    const element = new Typed(1);
    element[0] = dtype === "bool" ? (value ? 1 : 0) : value;
    return new Uint8Array(element.buffer);
  }
  const out = new Uint8Array(itemsize);
  if (dtype.startsWith("v2:U")) {
    const points = Array.from(String(value), (c) => c.codePointAt(0));
    const view = new DataView(out.buffer);
    points.slice(0, itemsize / 4).forEach((p, i) => view.setUint32(i * 4, p, true));
  } else {
    out.set(new TextEncoder().encode(String(value)).subarray(0, itemsize));
  }
  return out;
}

function itemsizeOf(canonical) {
  if (canonical in SIMPLE) return SIMPLE[canonical][0];
  const match = /\[(\d+)\]$/.exec(canonical);
  if (!match) throw new Error(`no element size for ${canonical}`);
  return Number(match[1]) * (canonical.startsWith("fixed_length_utf32[") ? 4 : 1); // characters of 4 bytes
}

// Reading.

/** The node of a store: a folder through FileSystemStore, or in a run over HTTP the URL the kit hands
 * the hook, through zarrita's FetchStore on Node's fetch (PROTO-022). */
function location(storeRoot, node) {
  const store = isStoreUrl(storeRoot) ? new FetchStore(storeRoot) : new FileSystemStore(storeRoot);
  const root = zarr.root(store);
  return node ? root.resolve(node) : root;
}

async function openArray(storeRoot, node, format) {
  const where = location(storeRoot, node);
  const opener = format === "zarr2" ? zarr.open.v2 : format === "zarr3" ? zarr.open.v3 : zarr.open;
  return library("open", () => opener(where, { kind: "array" }));
}

/** zarr.get's selection for a case selection: an index or a zarr.slice per axis, null for all. */
function zarritaSelection(selection, shape) {
  if (selection === null) return null;
  return selectionAxes(selection, shape).map((axis) => (axis.keep ? zarr.slice(axis.start, axis.stop, axis.step) : axis.start));
}

/** The read hook of the kit: a selection's values as {raw, dataType, shape}. */
async function read(storeRoot, node, format, selection) {
  const array = await openArray(storeRoot, node, format);
  // zarr.get first, the canonical name of its data type after: zarrita opens an array of a type the
  // canonical model lacks (Zarr v2 "|O" is its "v2:object") and answers, refusing or not, on reading.
  const result = await library("read", () => zarr.get(array, zarritaSelection(selection, array.shape)));
  const dataType = canonicalType(array.dtype);
  const itemsize = itemsizeOf(dataType);
  if (result !== null && typeof result === "object" && "data" in result && "stride" in result) {
    return { raw: cOrderBytes(result, itemsize), dataType, shape: [...result.shape] };
  }
  return { raw: scalarBytes(result, array.dtype, itemsize), dataType, shape: [] };
}

// Writing (Zarr v3 only: zarr.create writes zarr.json).

function fillScalar(hex, dataType) {
  if (hex === null) return null;
  const bytes = Buffer.from(hex, "hex");
  if (!(dataType in SIMPLE)) throw new Error(`no fill value conversion for ${dataType}`);
  const [, Typed] = SIMPLE[dataType];
  const element = new Typed(new Uint8Array(bytes).buffer, 0, 1)[0];
  if (dataType === "bool") return element !== 0;
  // zarr.create serialises the fill value with JSON.stringify, which throws on a BigInt; a 64-bit fill
  // value that a Number holds exactly goes as a Number (zarr.open turns it back into a BigInt), any
  // other goes as the BigInt zarrita's Scalar type asks for, and zarrita's answer stands.
  if (typeof element === "bigint" && Number.isSafeInteger(Number(element))) return Number(element);
  return element;
}

/** The kit's input array as zarr.set takes it: {data, shape, stride}, or the bare scalar of a
 * zero-dimensional array (zarr.set refuses a chunk object for shape []). */
function chunkOf({ dataType, shape, raw }) {
  const [, Typed] = SIMPLE[dataType] ?? [];
  if (!Typed) throw new Error(`no typed array for ${dataType}`);
  if (shape.length === 0) {
    const element = new Typed(raw.slice().buffer, 0, 1)[0];
    return dataType === "bool" ? element !== 0 : element;
  }
  const buffer = raw.slice().buffer;
  const data = dataType === "bool" ? new zarr.BoolArray(buffer) : new Typed(buffer);
  const stride = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  return { data, shape, stride };
}

/** The write hook of the kit: the target node, holding ``values`` when it is an array. */
async function write(target, values, storeRoot) {
  const description = target.metadata;
  const where = location(storeRoot, target.node);
  if (description.node_type === "group") {
    await library("write", () => zarr.create(where, { attributes: description.attributes }));
    return;
  }
  const encoding = description.chunk_key_encoding;
  if (encoding.name !== "default") {
    throw new Skip(`zarr.create writes the default chunk key encoding only, not ${encoding.name}`);
  }
  if (!(description.data_type in SIMPLE)) {
    throw new Skip(`the adapter cannot pass ${description.data_type} values to zarrita.js`);
  }
  const options = {
    shape: description.shape,
    chunkShape: description.chunk_grid.chunk_shape,
    dtype: description.data_type,
    codecs: description.codecs,
    chunkSeparator: encoding.separator,
    attributes: description.attributes,
  };
  const fill = fillScalar(description.fill_value?.hex ?? null, description.data_type);
  if (fill !== null) options.fillValue = fill;
  if (description.dimension_names) options.dimensionNames = description.dimension_names;
  const chunk = chunkOf(values);
  await writeWithinLimits(`zarrita.js ${LIBRARY_VERSION}`, (refusal) => refusal.limitation, async () => {
    const array = await library("write", () => zarr.create(where, options));
    await library("write", () => zarr.set(array, null, chunk));
  });
}

await serve({
  implementation: {
    name: "zarrita.js",
    version: LIBRARY_VERSION,
    language: "javascript",
    homepage: "https://github.com/manzt/zarrita.js",
  },
  adapterVersion: ADAPTER_VERSION,
  ...declaration(join(HERE, "capabilities.json")),
  read,
  write,
});
