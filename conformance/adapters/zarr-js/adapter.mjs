// zn5 conformance adapter for zarr.js (npm "zarr", https://github.com/gzuidhof/zarr.js), the older
// JavaScript Zarr v2 library (not zarrita.js, which has its own adapter).
//
// The protocol glue (message loop, dispatch, array results, replies) is the JavaScript adapter kit,
// conformance/adapters/kits/javascript; this file holds what is zarr.js's: a file-system store (zarr.js
// ships only memory, HTTP and object stores), reads through openArray / getRaw, descriptions from the
// opened ZarrArray or Group, and writes through create / set / attrs.put / openGroup.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

import * as zarr from "zarr";

import { Refusal, Skip, cOrderBytes, declaration, describeError, inside, isStoreUrl, selectionAxes, serve, writeWithinLimits } from "../kits/javascript/zn5-adapter-kit.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ADAPTER_VERSION = JSON.parse(readFileSync(join(HERE, "package.json"), "utf8")).version;
const LIBRARY_VERSION = JSON.parse(readFileSync(join(HERE, "node_modules", "zarr", "package.json"), "utf8")).version;


// zarr.js' typed arrays by canonical name: the constructor its type table gives and the Zarr v2
// type without byte order ("|" for one byte).
const TYPES = {
  bool: [Uint8Array, "b1"],
  int8: [Int8Array, "i1"],
  int16: [Int16Array, "i2"],
  int32: [Int32Array, "i4"],
  uint8: [Uint8Array, "u1"],
  uint16: [Uint16Array, "u2"],
  uint32: [Uint32Array, "u4"],
  float32: [Float32Array, "f4"],
  float64: [Float64Array, "f8"],
};

// numcodecs' blosc shuffle numbers (what zarr.js' Blosc takes) and their canonical words.
const SHUFFLES = ["noshuffle", "shuffle", "bitshuffle"];

// A file-system store: the store interface zarr.js reads and writes through (storage/types.d.ts),
// with getItem throwing zarr.js' KeyError for a missing key, as its chunk reader expects.

/** zarr.js' store interface over the folder ``root``; no key leaves it. */
class FileStore {
  constructor(root) {
    this.root = root;
  }

  path(key) {
    return inside(this.root, key);
  }

  getItem(key) {
    const file = this.path(key);
    if (!existsSync(file) || !statSync(file).isFile()) throw new zarr.KeyError(key);
    return readFileSync(file);
  }

  setItem(key, value) {
    const file = this.path(key);
    mkdirSync(dirname(file), { recursive: true });
    // Synchronous on purpose: ZarrArray.chunkSetItem does not await setItem.
    writeFileSync(file, typeof value === "string" ? value : new Uint8Array(value));
    return true;
  }

  deleteItem(key) {
    const file = this.path(key);
    if (!existsSync(file)) return false;
    rmSync(file);
    return true;
  }

  containsItem(key) {
    const file = this.path(key);
    return existsSync(file) && statSync(file).isFile();
  }

  keys() {
    const found = [];
    const walk = (folder) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const full = join(folder, entry.name);
        if (entry.isDirectory()) walk(full);
        else found.push(relative(this.root, full).split(sep).join("/"));
      }
    };
    if (existsSync(this.root)) walk(this.root);
    return found;
  }
}

// Errors.

/** The error category of something zarr.js threw, by its error classes (errors.js) and messages. */
function category(error, phase) {
  const kind = error?.__zarr__;
  if (["ArrayNotFoundError", "GroupNotFoundError", "PathNotFoundError", "ContainsGroupError", "ContainsArrayError"].includes(kind)) {
    return "not-found";
  }
  if (["BoundsCheckError", "TooManyIndicesError", "InvalidSliceError", "NegativeStepError"].includes(kind)) return "selection";
  const message = String(error?.message ?? error);
  if (/not supported|not recognized/i.test(message)) return "unsupported";
  if (message.includes("path containing")) return "store";
  if (error?.name === "SyntaxError" || message.includes("Failed to load metadata")) return "metadata";
  return phase === "open" ? "metadata" : phase === "read" ? "chunk" : "codec";
}

/** The refusal for what zarr.js threw in ``phase``, carrying the class name zarr.js tags it with. */
function refusalOf(error, phase) {
  const refusal = new Refusal(category(error, phase), phase, describeError(error));
  refusal.zarrKind = error?.__zarr__;
  return refusal;
}

/** ``call()``, with anything zarr.js throws in it turned into a refusal in ``phase``. */
function library(phase, call) {
  const passOn = (error) => error instanceof Refusal || error instanceof Skip;
  return Promise.resolve()
    .then(call)
    .catch((error) => {
      throw passOn(error) ? error : refusalOf(error, phase);
    });
}

// Data types and fill values.

/** The canonical name of a zarr.js (Zarr v2) dtype string, as zarr.js' type table reads it. */
function canonicalType(dtype) {
  if (dtype === "|b1") return "bool";
  const ctor = zarr.getTypedArrayCtr(dtype); // throws zarr.js' own "Dtype not recognized" error
  for (const [name, [typed]] of Object.entries(TYPES)) {
    if (name !== "bool" && typed === ctor) return name;
  }
  throw new Error(`no canonical name for the typed array of ${dtype}`);
}

/** The little-endian bytes of zarr.js' fill value, stored as its chunk reader stores it (TypedArray.fill). */
function fillHex(fill, dataType) {
  if (fill === null || fill === undefined) return null;
  const [Typed] = TYPES[dataType];
  const element = new Typed(1).fill(fill);
  return { hex: Buffer.from(element.buffer).toString("hex") };
}

/** The JavaScript value of a canonical fill ({hex}) for zarr.create's fillValue. */
function fillValue(fill, dataType) {
  if (fill === null) return null;
  const [Typed] = TYPES[dataType];
  const element = new Typed(new Uint8Array(Buffer.from(fill.hex, "hex")).buffer)[0];
  return dataType === "bool" ? element !== 0 : element;
}

// Reading.

/** zarr.js' store of an input store: the folder, or in a run over HTTP its URL through zarr.js' own
 * HTTPStore on Node's fetch (PROTO-022). */
function inputStore(storeRoot) {
  return isStoreUrl(storeRoot) ? new zarr.HTTPStore(storeRoot) : new FileStore(storeRoot);
}

async function openArray(storeRoot, node) {
  const store = inputStore(storeRoot);
  const array = await library("open", () => zarr.openArray({ store, path: node, mode: "r" }));
  // ZarrArray's constructor starts resolving its compressor (getCodec) without awaiting it; awaiting
  // it here makes an unknown compressor a refusal at open, not an unhandled promise rejection.
  if (array.compressor !== null) await library("open", () => array.compressor);
  return array;
}

/** getRaw's selection for a case selection: an index or a zarr.slice per axis, null for all. */
function zarrSelection(selection, shape) {
  if (selection === null) return null;
  return selectionAxes(selection, shape).map((axis) => (axis.keep ? zarr.slice(axis.start, axis.stop, axis.step) : axis.start));
}

/** A RawArray (or the number getRaw returns for a single element) as the kit's array result. */
function valuesOf(result, Typed, dataType) {
  if (typeof result === "number") {
    return { raw: new Uint8Array(new Typed([result]).buffer), dataType, shape: [] };
  }
  const data = new Typed(result.data.buffer, result.data.byteOffset, result.data.length);
  const raw = cOrderBytes({ data, shape: result.shape, stride: result.strides }, Typed.BYTES_PER_ELEMENT);
  return { raw, dataType, shape: [...result.shape] };
}

/** The read hook of the kit: a selection's values as {raw, dataType, shape}. */
async function read(storeRoot, node, format, selection) {
  const array = await openArray(storeRoot, node);
  const dataType = await library("open", () => canonicalType(array.dtype));
  const key = zarrSelection(selection, array.shape);
  const result = await library("read", () => array.getRaw(key));
  return valuesOf(result, TYPES[dataType][0], dataType);
}

// Describing.

/** The canonical codec of the compressor zarr.js made of the metadata (the object getCodec returned). */
function compressorCodec(codec, config, itemsize) {
  if (config.id === "blosc") {
    // zarr.js keeps numcodecs' AUTOSHUFFLE (-1) as it is; numcodecs reads it as bit shuffle for one-byte
    // elements and byte shuffle otherwise, and the canonical model names the one it stands for.
    const shuffle = codec.shuffle === -1 ? (itemsize === 1 ? 2 : 1) : codec.shuffle;
    const configuration = { cname: codec.cname, clevel: codec.clevel, shuffle: SHUFFLES[shuffle] ?? shuffle, typesize: itemsize, blocksize: codec.blocksize ?? 0 };
    return { name: "blosc", configuration };
  }
  return { name: config.id === "zlib" ? "numcodecs.zlib" : config.id, configuration: { level: codec.level } };
}

/** The canonical description of the array zarr.js opened. */
async function describeArray(array) {
  const dataType = canonicalType(array.dtype);
  const [Typed] = TYPES[dataType];
  const itemsize = Typed.BYTES_PER_ELEMENT;
  const codecs = [];
  if (array.meta.order === "F" && array.nDims > 1) {
    codecs.push({ name: "transpose", configuration: { order: array.shape.map((_, axis) => array.nDims - 1 - axis) } });
  }
  const byteOrder = array.dtype[0];
  codecs.push({ name: "bytes", configuration: itemsize === 1 ? {} : { endian: byteOrder === ">" ? "big" : "little" } });
  if (array.compressor !== null) codecs.push(compressorCodec(await array.compressor, array.meta.compressor, itemsize));
  return {
    node_type: "array",
    shape: [...array.shape],
    data_type: dataType,
    chunk_grid: { name: "regular", chunk_shape: [...array.chunks] },
    chunk_key_encoding: { name: "v2", separator: array.meta.dimension_separator ?? "." },
    fill_value: fillHex(array.fillValue, dataType),
    codecs,
    dimension_names: null,
    attributes: await array.attrs.asObject(),
  };
}

/** The describe hook of the kit: the node at ``node``, an array or a group, as zarr.js opens it. */
async function describe(storeRoot, node) {
  let array;
  try {
    array = await openArray(storeRoot, node);
  } catch (error) {
    // openArray says ContainsGroupError when the path holds a .zgroup and no .zarray.
    if (error?.zarrKind !== "ContainsGroupError") throw error;
    const group = await library("open", () => zarr.openGroup(inputStore(storeRoot), node, "r"));
    return { node_type: "group", attributes: await library("open", () => group.attrs.asObject()) };
  }
  return library("open", () => describeArray(array));
}

// Writing.

/** zarr.create's compressor configuration for the codecs after ``bytes``, or null. */
function compressorConfig(codecs) {
  if (codecs.length === 0) return null;
  if (codecs.length > 1) throw new Skip(`zarr.js writes one compressor and no filters, not ${codecs.map((c) => c.name).join(", ")}`);
  const [{ name, configuration }] = codecs;
  if (name === "blosc") {
    const { cname, clevel, shuffle, blocksize } = configuration;
    return { id: "blosc", cname, clevel, shuffle: SHUFFLES.indexOf(shuffle), blocksize };
  }
  if (name === "gzip" || name === "numcodecs.zlib") return { id: name === "gzip" ? "gzip" : "zlib", level: configuration.level };
  throw new Skip(`zarr.js has no ${name} compressor`);
}

/** zarr.create's options for a canonical array description. */
function createOptions(description) {
  let codecs = [...description.codecs];
  let order = "C";
  if (codecs[0]?.name === "transpose") {
    order = "F";
    codecs = codecs.slice(1);
  }
  const position = codecs.findIndex((codec) => codec.name === "bytes");
  if (position !== 0) throw new Skip("zarr.js writes no filters before the bytes codec");
  const [, code] = TYPES[description.data_type];
  const endian = codecs[0].configuration.endian === "big" ? ">" : "<";
  return {
    shape: description.shape,
    chunks: description.chunk_grid.chunk_shape,
    dtype: `${code.endsWith("1") ? "|" : endian}${code}`,
    compressor: compressorConfig(codecs.slice(1)),
    fillValue: fillValue(description.fill_value, description.data_type),
    order,
    dimensionSeparator: description.chunk_key_encoding.separator,
  };
}

/** The write hook of the kit: the target node, holding ``values`` when it is an array. */
async function write(target, values, storeRoot) {
  const description = target.metadata;
  const store = new FileStore(storeRoot);
  const path = target.node;
  const attributes = description.attributes;
  if (description.node_type === "group") {
    const group = await library("write", () => zarr.openGroup(store, path, "a"));
    if (Object.keys(attributes).length > 0) await library("write", () => group.attrs.put(attributes));
    return;
  }
  if (!(description.data_type in TYPES)) throw new Skip(`zarr.js has no ${description.data_type} type`);
  const options = createOptions(description);
  const array = await library("write", () => zarr.create({ ...options, store, path }));
  if (Object.keys(attributes).length > 0) await library("write", () => array.attrs.put(attributes));
  const buffer = values.raw.slice().buffer;
  // zarr.js holds values in host-order typed arrays and swaps bytes itself when it encodes a chunk.
  const nested = new zarr.NestedArray(buffer, values.shape, options.dtype);
  // zarr.js' documented limit: it writes C order only.
  const cOrderOnly = (refusal) => refusal.message.includes("F-order is not supported");
  await writeWithinLimits(`zarr.js ${LIBRARY_VERSION}`, cOrderOnly, () => library("write", () => array.set(null, nested)));
}

await serve({
  implementation: {
    name: "zarr.js",
    version: LIBRARY_VERSION,
    language: "javascript",
    homepage: "https://github.com/gzuidhof/zarr.js",
  },
  adapterVersion: ADAPTER_VERSION,
  ...declaration(join(HERE, "capabilities.json")),
  read,
  describe,
  write,
});
