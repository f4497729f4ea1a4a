//! zn5 conformance adapter for the `n5` crate (https://github.com/saalfeldlab/rust-n5).
//!
//! The protocol glue (message loop, dispatch, array results, replies) is the Rust adapter kit,
//! conformance/adapters/kits/rust (crate zn5-adapter-kit); this file holds what is the n5 crate's.
//! Reads N5 with `N5NdarrayReader::read_ndarray` over the box spanning the selection, describes nodes
//! from `get_dataset_attributes` and `N5Filesystem::get_attributes` (an empty object for a directory
//! without attributes.json, N5-META-006), writes with `N5Writer::create_dataset` and
//! `N5NdarrayWriter::write_ndarray`. The core model's axes are N5's
//! `dimensions` in their order, and `read_ndarray` returns an ndarray of that shape, so its elements in
//! logical (C) order are the canonical values.

use std::io::ErrorKind;
use std::path::Path;

use n5::ndarray::{BoundingBox, N5NdarrayReader, N5NdarrayWriter};
use n5::prelude::*;
use n5::smallvec::SmallVec;
use n5::{ReadableDataBlock, ReinitDataBlock, WriteableDataBlock};
use serde_json::{json, Value};
use zn5_adapter_kit::{axes, glue, pick, rejected, result_shape};
use zn5_adapter_kit::{Adapter, ArrayValues, Declaration, Failure, Hello, Outcome};

#[cfg(target_endian = "big")]
compile_error!("the adapter writes the n5 crate's native-endian values as the canonical little-endian array.bin");

const ADAPTER_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The n5 version Cargo.toml pins (the crate exports no version of its own).
const LIBRARY_VERSION: &str = "0.7.6";


/// What the library implements, and why not more: the adapter's capabilities.json, embedded.
const CAPABILITIES: &str = include_str!("../capabilities.json");

/// An element type of the crate, with its canonical name and its little-endian bytes.
trait Element: ReflectedType + num_traits::Zero + Copy {
    const NAME: &'static str;
    fn put(self, out: &mut Vec<u8>);
    fn take(bytes: &[u8]) -> Self;
}

macro_rules! element {
    ($type:ty, $name:literal) => {
        impl Element for $type {
            const NAME: &'static str = $name;
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn take(bytes: &[u8]) -> Self {
                <$type>::from_le_bytes(bytes.try_into().expect("one element's bytes"))
            }
        }
    };
}

element!(u8, "uint8");
element!(u16, "uint16");
element!(u32, "uint32");
element!(u64, "uint64");
element!(i8, "int8");
element!(i16, "int16");
element!(i32, "int32");
element!(i64, "int64");
element!(f32, "float32");
element!(f64, "float64");

/// Run `$body` with `$T` bound to the element type of an n5 `DataType`.
macro_rules! with_element {
    ($data_type:expr, $T:ident, $body:expr) => {
        match $data_type {
            DataType::UINT8 => { type $T = u8; $body }
            DataType::UINT16 => { type $T = u16; $body }
            DataType::UINT32 => { type $T = u32; $body }
            DataType::UINT64 => { type $T = u64; $body }
            DataType::INT8 => { type $T = i8; $body }
            DataType::INT16 => { type $T = i16; $body }
            DataType::INT32 => { type $T = i32; $body }
            DataType::INT64 => { type $T = i64; $body }
            DataType::FLOAT32 => { type $T = f32; $body }
            DataType::FLOAT64 => { type $T = f64; $body }
        }
    };
}

/// The error category of an I/O error the crate returned in `phase`: a missing file is not-found,
/// unparsable data is metadata when opening and a chunk problem when reading.
fn category(error: &std::io::Error, phase: &str) -> &'static str {
    match (error.kind(), phase) {
        (ErrorKind::NotFound, _) => "not-found",
        (_, "open") => "metadata",
        (_, "read") => "chunk",
        _ => "store",
    }
}

fn refused(phase: &'static str) -> impl FnOnce(std::io::Error) -> Failure {
    move |error| rejected(category(&error, phase), phase, error)
}

// Reading.

/// The values of a selection: the crate reads the box spanning it, the kit picks the selection.
fn read_values(store: &Path, node: &str, selection: &Value) -> Outcome<ArrayValues> {
    let n5 = N5Filesystem::open(store).map_err(refused("open"))?;
    let attributes = n5.get_dataset_attributes(node).map_err(refused("open"))?;
    let axes = axes(selection, attributes.get_dimensions())?;
    let bbox = BoundingBox::new(
        axes.iter().map(|a| a.start).collect::<SmallVec<_>>(),
        axes.iter().map(|a| a.span()).collect::<SmallVec<_>>(),
    );
    with_element!(*attributes.get_data_type(), T, {
        let box_values = n5.read_ndarray::<T>(node, &attributes, &bbox).map_err(refused("read"))?;
        let mut raw = Vec::with_capacity(box_values.len() * std::mem::size_of::<T>());
        box_values.iter().for_each(|element| element.put(&mut raw));
        Ok(ArrayValues {
            data_type: T::NAME.into(),
            shape: result_shape(&axes),
            raw: pick(&raw, &axes, std::mem::size_of::<T>()),
        })
    })
}

// Describing.

/// The members of an N5 attributes.json that are format metadata, not user attributes.
const RESERVED: &[&str] = &["dimensions", "blockSize", "dataType", "compression", "compressionType", "n5"];

/// The canonical compression list of the crate's compression: its N5 `compression` document mapped to
/// the core model's codecs. A gzip level outside 0 to 9 (N5 Java's default -1) is flate2's default, 6,
/// which is the level the crate compresses with.
fn canonical_compression(compression: &CompressionType) -> Outcome<Value> {
    let document = serde_json::to_value(compression).map_err(glue("encode the compression"))?;
    let member = |name: &str| document[name].clone();
    Ok(match document["type"].as_str().unwrap_or("") {
        "raw" => json!([]),
        "gzip" => {
            let level = document["level"].as_i64().filter(|level| (0..=9).contains(level)).unwrap_or(6);
            json!([{"name": "gzip", "configuration": {"level": level}}])
        }
        "bzip2" => json!([{"name": "numcodecs.bz2", "configuration": {"level": member("blockSize")}}]),
        "xz" => json!([{"name": "numcodecs.lzma", "configuration": {"format": 1, "check": -1, "preset": member("preset"), "filters": null}}]),
        "lz4" => json!([{"name": "n5.lz4", "configuration": {"blockSize": member("blockSize")}}]),
        other => return Err(Failure::Glue(format!("no canonical codec for the n5 compression {other}"))),
    })
}

/// The canonical description of the node at `node`: a dataset if the crate finds one there, else a group.
fn describe_node(store: &Path, node: &str) -> Outcome<Value> {
    let n5 = N5Filesystem::open(store).map_err(refused("open"))?;
    if !n5.exists(node).map_err(refused("open"))? {
        return Err(rejected("not-found", "open", format!("the n5 crate finds no node at {node:?}")));
    }
    let mut attributes = n5.get_attributes(node).map_err(refused("open"))?.as_object().cloned().unwrap_or_default();
    attributes.retain(|name, _| !RESERVED.contains(&name.as_str()));
    if !n5.dataset_exists(node).map_err(refused("open"))? {
        return Ok(json!({"node_type": "group", "attributes": attributes}));
    }
    let dataset = n5.get_dataset_attributes(node).map_err(refused("open"))?;
    let size = with_element!(*dataset.get_data_type(), T, std::mem::size_of::<T>());
    Ok(json!({
        "node_type": "array",
        "shape": dataset.get_dimensions(),
        "data_type": with_element!(*dataset.get_data_type(), T, T::NAME),
        "chunk_grid": {"name": "regular", "chunk_shape": dataset.get_block_size()},
        "chunk_key_encoding": {"name": "v2", "separator": "/"},
        // N5 has no fill value: blocks that are not stored read as zeros (N5-FILL-001)
        "fill_value": {"hex": "00".repeat(size)},
        "codecs": [{"name": "n5.block", "configuration": {"compression": canonical_compression(dataset.get_compression())?}}],
        "dimension_names": null,
        "attributes": attributes,
    }))
}

// Writing.

/// The crate's compression of a canonical n5.block codec: its N5 `compression` document.
fn compression(codecs: &Value) -> Outcome<CompressionType> {
    let block = match codecs.as_array().map(Vec::as_slice) {
        Some([block]) if block["name"] == "n5.block" => block,
        _ => return Err(Failure::Skipped(format!("the n5 crate writes only the n5.block codec, not {codecs}"))),
    };
    let document = match block["configuration"]["compression"].as_array().map(Vec::as_slice) {
        None | Some([]) => json!({"type": "raw"}),
        Some([codec]) => {
            let configuration = &codec["configuration"];
            match codec["name"].as_str().unwrap_or("") {
                "gzip" => json!({"type": "gzip", "level": configuration["level"]}),
                "numcodecs.bz2" => json!({"type": "bzip2", "blockSize": configuration["level"]}),
                "numcodecs.lzma" => json!({"type": "xz", "preset": configuration["preset"]}),
                "n5.lz4" => json!({"type": "lz4", "blockSize": configuration["blockSize"]}),
                other => return Err(Failure::Skipped(format!("the n5 crate has no N5 compression {other}"))),
            }
        }
        Some(_) => return Err(Failure::Skipped("N5 blocks have one compression at most".into())),
    };
    serde_json::from_value(document).map_err(glue("build the compression"))
}

fn data_type(name: &str) -> Outcome<DataType> {
    serde_json::from_value(json!(name)).map_err(|_| Failure::Skipped(format!("the n5 crate has no data type {name}")))
}

/// Write the target node, holding `values` when it is an array, into the N5 container `store`.
fn write_node(target: &Value, values: Option<ArrayValues>, store: &Path) -> Outcome<()> {
    let node = target["node"].as_str().unwrap_or("");
    let description = &target["metadata"];
    let user_attributes = description["attributes"].as_object().cloned().unwrap_or_default();
    let n5 = N5Filesystem::open_or_create(store).map_err(refused("write"))?;
    let Some(values) = values else {
        n5.create_group(node).map_err(refused("write"))?;
        return n5.set_attributes(node, user_attributes).map_err(refused("write"));
    };
    let numbers = |value: &Value| value.as_array().into_iter().flatten().filter_map(Value::as_u64).collect::<Vec<_>>();
    let attributes = DatasetAttributes::new(
        numbers(&description["shape"]).into_iter().collect(),
        numbers(&description["chunk_grid"]["chunk_shape"]).into_iter().map(|n| n as u32).collect(),
        data_type(description["data_type"].as_str().unwrap_or(""))?,
        compression(&description["codecs"])?,
    );
    let shape: Vec<usize> = values.shape.iter().map(|&n| n as usize).collect();
    n5.create_dataset(node, &attributes).map_err(refused("write"))?;
    if !user_attributes.is_empty() {
        n5.set_attributes(node, user_attributes).map_err(refused("write"))?;
    }
    with_element!(*attributes.get_data_type(), T, {
        write_typed::<T>(&n5, node, &attributes, &shape, &values.raw)
    })
}

fn write_typed<T: Element>(
    n5: &N5Filesystem,
    node: &str,
    attributes: &DatasetAttributes,
    shape: &[usize],
    raw: &[u8],
) -> Outcome<()>
where
    VecDataBlock<T>: DataBlock<T> + ReadableDataBlock + WriteableDataBlock + ReinitDataBlock<T>,
{
    let elements: Vec<T> = raw.chunks_exact(std::mem::size_of::<T>()).map(T::take).collect();
    let array = ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(shape), elements).map_err(glue("shape the input values"))?;
    let origin = shape.iter().map(|_| 0u64).collect::<SmallVec<_>>();
    n5.write_ndarray(node, attributes, origin, &array, T::zero()).map_err(refused("write"))
}

// The adapter: the kit's hooks.

struct N5Crate;

impl Adapter for N5Crate {
    fn hello(&self) -> Hello {
        let homepage = "https://github.com/saalfeldlab/rust-n5";
        Hello::new("rust-n5", LIBRARY_VERSION, "rust", homepage, ADAPTER_VERSION, Declaration::parse(CAPABILITIES))
    }

    fn read(&self, store: &Path, node: &str, _format: &str, selection: &Value) -> Outcome<ArrayValues> {
        read_values(store, node, selection)
    }

    fn describe(&self, store: &Path, node: &str, _format: &str) -> Outcome<Value> {
        describe_node(store, node)
    }

    fn write(&self, target: &Value, values: Option<ArrayValues>, store: &Path) -> Outcome<()> {
        write_node(target, values, store)
    }
}

fn main() {
    zn5_adapter_kit::serve(&N5Crate);
}
