//! zn5 conformance adapter for the `zarrs` crate (https://zarrs.dev).
//!
//! The protocol glue (message loop, dispatch, array results, replies) is the Rust adapter kit,
//! conformance/adapters/kits/rust (crate zn5-adapter-kit); this file holds what is zarrs's.
//! Reads Zarr v3 and v2 with `Array::open_opt`, N5 through `zarrs_n5::N5Store` (read-only),
//! writes Zarr v3 (and v2, from v2 metadata) with `Array::new_with_metadata` + `store_array_subset`.
//! Values leave as canonical array.json + array.bin: `ArrayBytes::Fixed` is already C order and
//! native endian, which the check below makes little.

use std::path::Path;
use std::sync::Arc;

use serde_json::{json, Map, Value};
use zarrs::array::{Array, ArrayBytes, ArrayBytesOffsets, ArrayCreateError, ArrayError, ArrayMetadata, ArraySubset};
use zarrs::config::MetadataRetrieveVersion;
use zarrs::filesystem::FilesystemStore;
use zarrs::group::{Group, GroupCreateError};
use zarrs::plugin::PluginCreateError;
use zarrs::storage::{ReadableStorageTraits, StorageError};
use zn5_adapter_kit::{axes, glue, hex, pick, rejected, result_shape, unhex};
use zn5_adapter_kit::{Adapter, ArrayValues, Declaration, Failure, Hello, Outcome};

#[cfg(target_endian = "big")]
compile_error!("the adapter writes zarrs's native-endian values as the canonical little-endian array.bin");

const ADAPTER_VERSION: &str = env!("CARGO_PKG_VERSION");


/// What the library implements, and why not more: the adapter's capabilities.json, embedded.
const CAPABILITIES: &str = include_str!("../capabilities.json");

fn plugin_category(error: &PluginCreateError) -> &'static str {
    match error {
        PluginCreateError::Unsupported(_) => "unsupported",
        _ => "metadata",
    }
}

fn storage_category(error: &StorageError) -> &'static str {
    match error {
        // zarrs_n5 reports every N5 metadata problem as InvalidMetadata with a message; those that
        // say "unsupported" (a data type or compression it does not implement) are refusals of
        // something unsupported, not of broken metadata.
        StorageError::InvalidMetadata(_, message)
            if message.contains("could not convert N5 metadata to Zarr metadata: unsupported") =>
        {
            "unsupported"
        }
        StorageError::InvalidMetadata(..) => "metadata",
        StorageError::MissingMetadata(_) => "not-found",
        StorageError::Unsupported(_) => "unsupported",
        _ => "store",
    }
}

fn open_category(error: &ArrayCreateError) -> &'static str {
    match error {
        ArrayCreateError::MissingMetadata => "not-found",
        ArrayCreateError::NodePathError(_) => "store",
        ArrayCreateError::StorageError(error) => storage_category(error),
        ArrayCreateError::AdditionalFieldUnsupportedError(_) => "unsupported",
        ArrayCreateError::UnsupportedZarrV2Array(_) => "unsupported",
        ArrayCreateError::DataTypeCreateError(error)
        | ArrayCreateError::CodecsCreateError(error)
        | ArrayCreateError::StorageTransformersCreateError(error)
        | ArrayCreateError::ChunkGridCreateError(error)
        | ArrayCreateError::ChunkKeyEncodingCreateError(error) => plugin_category(error),
        _ => "metadata",
    }
}

fn read_category(error: &ArrayError) -> &'static str {
    match error {
        ArrayError::StorageError(error) => storage_category(error),
        ArrayError::InvalidArraySubset(..)
        | ArrayError::IncompatibleDimensionalityError(_)
        | ArrayError::ArraySubsetError(_) => "selection",
        _ => "chunk",
    }
}

fn write_category(error: &ArrayError) -> &'static str {
    match error {
        ArrayError::StorageError(error) => storage_category(error),
        ArrayError::CodecError(_) => "codec",
        _ => "unsupported",
    }
}

fn node_path(node: &str) -> String {
    format!("/{}", node.trim_matches('/'))
}

type Storage = Arc<dyn ReadableStorageTraits>;

/// The store of a case's format: a folder, or for N5 the folder behind `zarrs_n5::N5Store`.
/// `implicit_groups`: an N5 path without attributes.json is an empty group (for describing nodes;
/// a read of such a path then fails as "not an array" rather than "not found").
fn storage(folder: &Path, format: &str, implicit_groups: bool) -> Outcome<Storage> {
    let store = FilesystemStore::new(folder).map_err(|e| rejected("store", "open", e))?;
    if format == "n5" {
        // N5 groups may have no attributes.json (feature:implicit-group); zarrs_n5 infers an empty
        // group for them only when asked to.
        let mut n5 = zarrs_n5::N5Store::new(store);
        n5.set_infer_missing_metadata(implicit_groups);
        return Ok(Arc::new(n5));
    }
    Ok(Arc::new(store))
}

fn retrieve_version(format: &str) -> MetadataRetrieveVersion {
    match format {
        "zarr2" => MetadataRetrieveVersion::V2,
        "zarr3" | "n5" => MetadataRetrieveVersion::V3,
        _ => MetadataRetrieveVersion::Default,
    }
}

fn open_array(folder: &Path, node: &str, format: &str) -> Outcome<Array<dyn ReadableStorageTraits>> {
    let storage = storage(folder, format, false)?;
    Array::open_opt(storage, &node_path(node), &retrieve_version(format))
        .map_err(|e| rejected(open_category(&e), "open", e))
}

// Data types.

/// The canonical name of a Zarr v3 data type document as zarrs writes it.
fn canonical_type(data_type: &Value) -> Outcome<String> {
    let (name, configuration) = match data_type {
        Value::String(name) => (name.as_str(), Map::new()),
        Value::Object(object) => (
            object.get("name").and_then(Value::as_str).unwrap_or(""),
            object.get("configuration").and_then(Value::as_object).cloned().unwrap_or_default(),
        ),
        _ => return Err(Failure::Glue(format!("unexpected data type document {data_type}"))),
    };
    let number = |key: &str| configuration.get(key).and_then(Value::as_u64);
    Ok(match name {
        // characters, 4 bytes each (CORE-DTYPE-004)
        "fixed_length_utf32" => format!(
            "fixed_length_utf32[{}]",
            number("length_bytes").ok_or_else(|| Failure::Glue(format!("no length_bytes in {data_type}")))? / 4
        ),
        "numpy.datetime64" | "numpy.timedelta64" => format!(
            "{name}[{}{}]",
            number("scale_factor").unwrap_or(1),
            configuration.get("unit").and_then(Value::as_str).unwrap_or("?")
        ),
        "variable_length_bytes" => "bytes".to_string(), // zarr-python 3's name for bytes (ZARR3-VLEN-001)
        _ => name.to_string(),
    })
}

/// Variable-length elements as the protocol carries them: in C order, each element's byte length as a
/// little-endian u32 followed by its bytes (PROTO-VLEN-001). `offsets` has one entry more than elements.
fn length_prefixed(bytes: &[u8], offsets: &[usize]) -> Outcome<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() + 4 * offsets.len());
    for pair in offsets.windows(2) {
        let length = u32::try_from(pair[1] - pair[0]).map_err(glue("an element longer than 4 GiB"))?;
        out.extend_from_slice(&length.to_le_bytes());
        out.extend_from_slice(&bytes[pair[0]..pair[1]]);
    }
    Ok(out)
}

/// The values of a selection, read through zarrs.
///
/// zarrs reads hyperrectangles (`retrieve_array_subset`); a stepped slice or an index reads the box
/// spanning the selection and the kit's `pick` keeps the selected elements.
fn read_values(store: &Path, node: &str, format: &str, selection: &Value) -> Outcome<ArrayValues> {
    let array = open_array(store, node, format)?;
    let axes = axes(selection, array.shape())?;
    let subset = ArraySubset::new_with_ranges(&axes.iter().map(|a| a.start..a.start + a.span()).collect::<Vec<_>>());
    let bytes: ArrayBytes<'static> =
        array.retrieve_array_subset(&subset).map_err(|e| rejected(read_category(&e), "read", e))?;
    let metadata = v3_metadata(&array)?;
    let data_type = canonical_type(&metadata["data_type"])?;
    let raw = match bytes {
        ArrayBytes::Fixed(raw) => raw.into_owned(),
        ArrayBytes::Variable(variable) if axes.iter().all(|a| a.step == 1) => {
            let (bytes, offsets) = variable.into_parts();
            let raw = length_prefixed(&bytes, &offsets)?;
            return Ok(ArrayValues { data_type, shape: result_shape(&axes), raw });
        }
        _ => return Err(Failure::Skipped("the adapter reads variable-length elements without steps only".into())),
    };
    let itemsize = array
        .data_type()
        .fixed_size()
        .ok_or_else(|| Failure::Glue("a variable-size data type".into()))?;
    Ok(ArrayValues { data_type, shape: result_shape(&axes), raw: pick(&raw, &axes, itemsize) })
}

// Metadata: zarrs's own view of the node, as Zarr v3 metadata (v2 converted by zarrs), in the core model.

fn v3_metadata<S: ?Sized>(array: &Array<S>) -> Outcome<Value> {
    use zarrs::array::ArrayMetadataOptions;
    use zarrs::config::MetadataConvertVersion;
    let options = ArrayMetadataOptions::default()
        .with_metadata_convert_version(MetadataConvertVersion::V3)
        .with_include_zarrs_metadata(false);
    match array.metadata_opt(&options) {
        ArrayMetadata::V3(metadata) => serde_json::to_value(metadata).map_err(glue("encode metadata")),
        ArrayMetadata::V2(_) => Err(Failure::Glue("zarrs kept Zarr v2 metadata".into())),
    }
}

/// Canonical codec names of the names zarrs writes in Zarr v3 metadata.
fn canonical_codec_name(name: &str) -> String {
    match name {
        "zlib" | "numcodecs.zlib" => "numcodecs.zlib".into(),
        "bz2" | "numcodecs.bz2" => "numcodecs.bz2".into(),
        "zarrs.n5" | "n5" => "n5.block".into(),
        other => other.into(),
    }
}

fn canonical_codecs(codecs: &Value) -> Vec<Value> {
    codecs
        .as_array()
        .into_iter()
        .flatten()
        .map(|codec| {
            let (name, configuration) = match codec {
                Value::String(name) => (name.clone(), Map::new()),
                _ => (
                    codec["name"].as_str().unwrap_or("").to_string(),
                    codec.get("configuration").and_then(Value::as_object).cloned().unwrap_or_default(),
                ),
            };
            let name = canonical_codec_name(&name);
            let mut configuration = configuration;
            if name == "n5.block" {
                // zarrs_n5 lists the block body's codecs; the core model calls them "compression".
                let inner = configuration.remove("codecs").unwrap_or(Value::Array(vec![]));
                configuration.insert("compression".into(), Value::Array(canonical_codecs(&inner)));
            }
            for key in ["codecs", "index_codecs"] {
                if let Some(inner) = configuration.get(key).cloned() {
                    configuration.insert(key.into(), Value::Array(canonical_codecs(&inner)));
                }
            }
            json!({"name": name, "configuration": configuration})
        })
        .collect()
}

/// The compression of an N5 block: zarrs_n5 lists the block body's codecs as
/// [transpose (reversed axes), bytes (big endian), compression?]; the first two are how every N5 block
/// lays out its elements, which the core model's n5.block codec implies, so only the rest is its
/// "compression". A chain of another shape is passed on as it is, for the comparison to show.
fn n5_compression(codecs: Vec<Value>, ndim: usize) -> Vec<Value> {
    let reversed: Vec<Value> = (0..ndim).rev().map(|axis| json!(axis)).collect();
    let layout = codecs.len() >= 2
        && codecs[0]["name"] == "transpose"
        && codecs[0]["configuration"]["order"] == Value::Array(reversed)
        && codecs[1]["name"] == "bytes"
        && codecs[1]["configuration"]["endian"] == "big";
    if layout { codecs[2..].to_vec() } else { codecs }
}

/// The canonical codec chain of a node, from zarrs's Zarr v3 view of it.
///
/// For N5, the n5.block codec's compression is zarrs_n5's block codecs without the block layout (see
/// [n5_compression]), and blosc without typesize has typesize 1 (N5's default).
/// For Zarr v2, zarrs's conversion to v3 spells two things otherwise than the core model's Zarr v2
/// rules, which the adapter applies to zarrs's parsed .zarray: a dtype without byte order ("|u1",
/// "|b1", "|V5") has a bytes codec without "endian" (zarrs writes the machine's), and Zarr v2 blosc,
/// which has no typesize, has the element size as typesize (zarrs leaves it out without shuffle).
fn canonical_chain(metadata: &Value, v2: Option<&Value>, ndim: usize, itemsize: usize) -> Vec<Value> {
    let mut codecs = canonical_codecs(&metadata["codecs"]);
    for codec in &mut codecs {
        if codec["name"] == "n5.block" {
            let inner = codec["configuration"]["compression"].as_array().cloned().unwrap_or_default();
            let mut compression = n5_compression(inner, ndim);
            // N5 blosc (n5-blosc) compresses with type size 1 unless its optional typesize member
            // says otherwise (CODEC-BLOSC-N5-001); zarrs_n5 leaves the absent member out.
            for codec in &mut compression {
                if codec["name"] == "blosc" {
                    if let Some(configuration) = codec["configuration"].as_object_mut() {
                        configuration.entry("typesize").or_insert(json!(1));
                    }
                }
            }
            codec["configuration"]["compression"] = Value::Array(compression);
        }
    }
    if let Some(v2) = v2 {
        let no_byte_order = v2["dtype"].as_str().is_some_and(|dtype| dtype.starts_with('|'));
        for codec in &mut codecs {
            match codec["name"].as_str() {
                Some("bytes") if no_byte_order => {
                    if let Some(configuration) = codec["configuration"].as_object_mut() {
                        configuration.remove("endian");
                    }
                }
                Some("blosc") => {
                    if let Some(configuration) = codec["configuration"].as_object_mut() {
                        configuration.entry("typesize").or_insert(json!(itemsize));
                    }
                }
                _ => {}
            }
        }
    }
    codecs
}

fn describe_array<S: ?Sized>(array: &Array<S>, format: &str) -> Outcome<Value> {
    let metadata = v3_metadata(array)?;
    // zarrs's parsed Zarr v2 metadata, as it read it (the v3 view above is its conversion).
    let v2 = match array.metadata() {
        ArrayMetadata::V2(v2) => Some(serde_json::to_value(v2).map_err(glue("encode v2 metadata"))?),
        ArrayMetadata::V3(_) => None,
    };
    let encoding = &metadata["chunk_key_encoding"];
    let encoding_name = encoding["name"].as_str().unwrap_or("default").to_string();
    let separator = encoding["configuration"]["separator"]
        .as_str()
        .unwrap_or(if encoding_name == "v2" { "." } else { "/" })
        .to_string();
    let mut attributes = metadata["attributes"].as_object().cloned().unwrap_or_default();
    if format == "n5" {
        // zarrs_n5 keeps the original N5 document under "_n5"; it is no user attribute.
        attributes.remove("_n5");
    }
    let itemsize = array.data_type().fixed_size().unwrap_or(0);
    // Zarr v2's null fill value is "undefined"; zarrs keeps it as null in the v2 metadata it parsed
    // (and reads with a fill value of its choosing).
    let fill = match &v2 {
        Some(v2) if v2["fill_value"].is_null() => Value::Null,
        _ => json!({"hex": hex(array.fill_value().as_ne_bytes())}),
    };
    Ok(json!({
        "node_type": "array",
        "shape": array.shape(),
        "data_type": canonical_type(&metadata["data_type"])?,
        "chunk_grid": {"name": "regular", "chunk_shape": metadata["chunk_grid"]["configuration"]["chunk_shape"]},
        "chunk_key_encoding": {"name": encoding_name, "separator": separator},
        "fill_value": fill,
        "codecs": canonical_chain(&metadata, v2.as_ref(), array.shape().len(), itemsize),
        "dimension_names": metadata.get("dimension_names").cloned().unwrap_or(Value::Null),
        "attributes": attributes,
    }))
}

/// Describe the node at `node`: an array if zarrs opens one there, else a group.
fn describe(store: &Path, node: &str, format: &str) -> Outcome<Value> {
    let storage = storage(store, format, true)?;
    let path = node_path(node);
    let version = retrieve_version(format);
    let array_error = match Array::open_opt(storage.clone(), &path, &version) {
        Ok(array) => return describe_array(&array, format),
        Err(error) => error,
    };
    match Group::open_opt(storage, &path, &version) {
        Ok(group) => {
            let mut attributes = group.attributes().clone();
            if format == "n5" {
                attributes.remove("_n5");
            }
            Ok(json!({"node_type": "group", "attributes": attributes}))
        }
        // No array metadata: the group's error says why there is no group either.
        Err(error) if matches!(array_error, ArrayCreateError::MissingMetadata) => {
            let category = match &error {
                GroupCreateError::MissingMetadata => "not-found",
                GroupCreateError::StorageError(error) => storage_category(error),
                _ => "metadata",
            };
            Err(rejected(category, "open", error))
        }
        // Neither: the array's error is the one that says what is wrong with the node.
        Err(_) => Err(rejected(open_category(&array_error), "open", array_error)),
    }
}

// Writing.

/// The v2 dtype string of a canonical data type (little-endian unless the bytes codec says big).
fn v2_dtype(data_type: &str, big: bool) -> Outcome<String> {
    let order = if big { ">" } else { "<" };
    let simple = match data_type {
        "bool" => return Ok("|b1".into()),
        "int8" => return Ok("|i1".into()),
        "uint8" => return Ok("|u1".into()),
        "int16" => "i2",
        "int32" => "i4",
        "int64" => "i8",
        "uint16" => "u2",
        "uint32" => "u4",
        "uint64" => "u8",
        "float16" => "f2",
        "float32" => "f4",
        "float64" => "f8",
        "complex64" => "c8",
        "complex128" => "c16",
        other => return Err(Failure::Skipped(format!("the adapter has no Zarr v2 dtype for {other}"))),
    };
    Ok(format!("{order}{simple}"))
}

/// The v3 data type document of a canonical name.
fn v3_data_type(name: &str) -> Value {
    if let Some(rest) = name.strip_prefix("fixed_length_utf32[") {
        let characters: u64 = rest.trim_end_matches(']').parse().unwrap_or(0);
        return json!({"name": "fixed_length_utf32", "configuration": {"length_bytes": 4 * characters}});
    }
    for family in ["numpy.datetime64", "numpy.timedelta64"] {
        if let Some(rest) = name.strip_prefix(&format!("{family}[")) {
            let unit = rest.trim_end_matches(']');
            let digits: String = unit.chars().take_while(char::is_ascii_digit).collect();
            let scale: u64 = digits.parse().unwrap_or(1);
            return json!({"name": family, "configuration": {"unit": &unit[digits.len()..], "scale_factor": scale}});
        }
    }
    Value::String(name.into())
}

/// The Zarr v2 .zarray document for a canonical description: the codec chain read as
/// [transpose F] [delta...] bytes [compressor].
fn v2_document(description: &Value, fill: &Value) -> Outcome<Value> {
    let codecs = description["codecs"].as_array().cloned().unwrap_or_default();
    let mut order = "C";
    let mut big = false;
    let mut compressor = Value::Null;
    let mut filters = Value::Null;
    for codec in &codecs {
        let configuration = codec["configuration"].clone();
        match codec["name"].as_str().unwrap_or("") {
            "transpose" => order = "F",
            "bytes" => big = configuration["endian"] == "big",
            name @ ("vlen-utf8" | "vlen-bytes") => filters = json!([{"id": name}]), // the object codec (ZARR2-VLEN-001)
            "gzip" => compressor = json!({"id": "gzip", "level": configuration["level"]}),
            "numcodecs.zlib" => compressor = json!({"id": "zlib", "level": configuration["level"]}),
            "numcodecs.bz2" => compressor = json!({"id": "bz2", "level": configuration["level"]}),
            "zstd" => compressor = json!({"id": "zstd", "level": configuration["level"], "checksum": configuration["checksum"]}),
            "blosc" => {
                // Zarr v2 blosc numbers its shuffles and has no typesize (the dtype gives it).
                let shuffle = ["noshuffle", "shuffle", "bitshuffle"]
                    .iter()
                    .position(|name| configuration["shuffle"] == *name)
                    .ok_or_else(|| Failure::Glue(format!("unknown blosc shuffle in {configuration}")))?;
                compressor = json!({
                    "id": "blosc",
                    "cname": configuration["cname"],
                    "clevel": configuration["clevel"],
                    "shuffle": shuffle,
                    "blocksize": configuration["blocksize"],
                });
            }
            other => return Err(Failure::Skipped(format!("the adapter does not map {other} to Zarr v2"))),
        }
    }
    let data_type = description["data_type"].as_str().unwrap_or("");
    Ok(json!({
        "zarr_format": 2,
        "shape": description["shape"],
        "chunks": description["chunk_grid"]["chunk_shape"],
        "dtype": if filters.is_null() { v2_dtype(data_type, big)? } else { "|O".into() },
        "compressor": compressor,
        "fill_value": fill,
        "order": order,
        "filters": filters,
        "dimension_separator": description["chunk_key_encoding"]["separator"],
        "attributes": description["attributes"],
    }))
}

/// A float fill value that is no finite number, as the format spells it: Zarr v2 has only "NaN",
/// "Infinity" and "-Infinity"; Zarr v3 also takes the exact bits as a hex string, which keeps a NaN's
/// payload.
fn special_float(bits_hex: String, value: f64, v2: bool) -> Value {
    match (v2, value) {
        (true, v) if v.is_nan() => json!("NaN"),
        (true, v) if v > 0.0 => json!("Infinity"),
        (true, _) => json!("-Infinity"),
        (false, _) => json!(bits_hex),
    }
}

/// The fill value as JSON the format accepts: a number for integers and floats that are numbers,
/// a string otherwise (see [special_float]).
fn fill_json(hex_text: &str, data_type: &str, v2: bool) -> Outcome<Value> {
    let bytes = unhex(hex_text)?;
    let array = |n: usize| -> Outcome<[u8; 8]> {
        let mut out = [0u8; 8];
        out[..n].copy_from_slice(bytes.get(..n).ok_or_else(|| Failure::Glue("short fill value".into()))?);
        Ok(out)
    };
    Ok(match data_type {
        "bool" => json!(bytes.first().copied().unwrap_or(0) != 0),
        "int8" => json!(i64::from(array(1)?[0] as i8)),
        "uint8" => json!(array(1)?[0]),
        "int16" => json!(i16::from_le_bytes(array(2)?[..2].try_into().unwrap())),
        "uint16" => json!(u16::from_le_bytes(array(2)?[..2].try_into().unwrap())),
        "int32" => json!(i32::from_le_bytes(array(4)?[..4].try_into().unwrap())),
        "uint32" => json!(u32::from_le_bytes(array(4)?[..4].try_into().unwrap())),
        "int64" => json!(i64::from_le_bytes(array(8)?)),
        "uint64" => json!(u64::from_le_bytes(array(8)?)),
        "float32" => {
            let value = f32::from_le_bytes(array(4)?[..4].try_into().unwrap());
            if value.is_finite() {
                json!(value)
            } else {
                special_float(format!("0x{:08x}", value.to_bits()), f64::from(value), v2)
            }
        }
        "float64" => {
            let value = f64::from_le_bytes(array(8)?);
            if value.is_finite() {
                json!(value)
            } else {
                special_float(format!("0x{:016x}", value.to_bits()), value, v2)
            }
        }
        "string" => json!(String::from_utf8(bytes).map_err(glue("decode a string fill value"))?),
        "bytes" if !v2 => json!(bytes), // a list of byte values (ZARR3-FILL-010)
        "bytes" if bytes.is_empty() => json!(""), // Base64 of no bytes (ZARR2-FILL-010)
        other => return Err(Failure::Skipped(format!("the adapter has no fill value conversion for {other}"))),
    })
}

/// Write the target node, holding `values` when it is an array, into the store folder `store_folder`.
fn write_node(target: &Value, values: Option<ArrayValues>, store_folder: &Path) -> Outcome<()> {
    let format = target["format"].as_str().unwrap_or("");
    let description = &target["metadata"];
    let store = Arc::new(FilesystemStore::new(store_folder).map_err(|e| rejected("store", "write", e))?);
    let path = node_path(target["node"].as_str().unwrap_or(""));
    let attributes = description["attributes"].as_object().cloned().unwrap_or_default();
    if description["node_type"] == "group" {
        let metadata = if format == "zarr2" {
            zarrs::group::GroupMetadata::V2(
                zarrs::metadata::v2::GroupMetadataV2::new().with_attributes(attributes),
            )
        } else {
            zarrs::group::GroupMetadata::V3(
                zarrs::metadata::v3::GroupMetadataV3::new().with_attributes(attributes),
            )
        };
        let group = Group::new_with_metadata(store, &path, metadata).map_err(|e| rejected("metadata", "write", e))?;
        group.store_metadata().map_err(|e| rejected(storage_category(&e), "write", e))?;
        return Ok(());
    }
    let data_type = description["data_type"].as_str().unwrap_or("");
    let fill = match description["fill_value"]["hex"].as_str() {
        Some(text) => fill_json(text, data_type, format == "zarr2")?,
        None => Value::Null,
    };
    let metadata = if format == "zarr2" {
        let document = v2_document(description, &fill)?;
        ArrayMetadata::V2(serde_json::from_value(document).map_err(|e| rejected("metadata", "write", e))?)
    } else {
        let encoding = &description["chunk_key_encoding"];
        let mut document = json!({
            "zarr_format": 3,
            "node_type": "array",
            "shape": description["shape"],
            "data_type": v3_data_type(data_type),
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": description["chunk_grid"]["chunk_shape"]}},
            "chunk_key_encoding": {"name": encoding["name"], "configuration": {"separator": encoding["separator"]}},
            "fill_value": fill,
            "codecs": description["codecs"],
            "attributes": attributes,
        });
        if let Some(names) = description.get("dimension_names").filter(|v| !v.is_null()) {
            document["dimension_names"] = names.clone();
        }
        ArrayMetadata::V3(serde_json::from_value(document).map_err(|e| rejected("metadata", "write", e))?)
    };
    let array = Array::new_with_metadata(store, &path, metadata).map_err(|e| rejected(open_category(&e), "write", e))?;
    let values = values.ok_or_else(|| Failure::Glue("no input values for an array".into()))?;
    if values.shape != array.shape() {
        return Err(Failure::Glue(format!("input shape {:?} is not the target's {:?}", values.shape, array.shape())));
    }
    array.store_metadata().map_err(|e| rejected(storage_category(&e), "write", e))?;
    let values = if data_type == "string" || data_type == "bytes" {
        variable(&values.raw)?
    } else {
        ArrayBytes::new_flen(values.raw)
    };
    array
        .store_array_subset(&array.subset_all(), values)
        .map_err(|e| rejected(write_category(&e), "write", e))?;
    Ok(())
}

/// zarrs' variable-length bytes of the protocol's length-prefixed elements (PROTO-VLEN-001).
fn variable(raw: &[u8]) -> Outcome<ArrayBytes<'static>> {
    let (mut bytes, mut offsets, mut position) = (Vec::new(), vec![0usize], 0usize);
    while position < raw.len() {
        let length = raw.get(position..position + 4).ok_or_else(|| Failure::Glue("a cut length".into()))?;
        let length = u32::from_le_bytes(length.try_into().unwrap()) as usize;
        let element = raw.get(position + 4..position + 4 + length).ok_or_else(|| Failure::Glue("a cut element".into()))?;
        bytes.extend_from_slice(element);
        offsets.push(bytes.len());
        position += 4 + length;
    }
    let offsets = ArrayBytesOffsets::try_from(offsets).map_err(glue("element offsets"))?;
    ArrayBytes::new_vlen(bytes, offsets).map_err(glue("variable-length bytes"))
}

// The adapter: the kit's hooks.

struct Zarrs;

impl Adapter for Zarrs {
    fn hello(&self) -> Hello {
        let version = zarrs::version::version_str();
        Hello::new("zarrs", version, "rust", "https://zarrs.dev", ADAPTER_VERSION, Declaration::parse(CAPABILITIES))
    }

    fn read(&self, store: &Path, node: &str, format: &str, selection: &Value) -> Outcome<ArrayValues> {
        read_values(store, node, format, selection)
    }

    fn describe(&self, store: &Path, node: &str, format: &str) -> Outcome<Value> {
        describe(store, node, format)
    }

    fn write(&self, target: &Value, values: Option<ArrayValues>, store: &Path) -> Outcome<()> {
        write_node(target, values, store)
    }
}

fn main() {
    // zarrs adds a "_zarrs" attribute to metadata it writes unless told not to; the cases ask for
    // exactly the attributes they give.
    zarrs::config::global_config_mut().set_include_zarrs_metadata(false);
    zn5_adapter_kit::serve(&Zarrs);
}
