//! Writing: Zarr v3 (and v2, from v2 metadata) with `Array::new_with_metadata` + `store_array_subset`.

use std::path::Path;
use std::sync::Arc;

use serde_json::{json, Value};
use zarrs::array::{Array, ArrayBytes, ArrayBytesOffsets, ArrayMetadata};
use zarrs::filesystem::FilesystemStore;
use zarrs::group::Group;
use zn5_adapter_kit::{glue, rejected, unhex};
use zn5_adapter_kit::{ArrayValues, Failure, Outcome};

use crate::errors::{open_category, storage_category, write_category};
use crate::store::node_path;

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
pub(crate) fn write_node(target: &Value, values: Option<ArrayValues>, store_folder: &Path) -> Outcome<()> {
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

