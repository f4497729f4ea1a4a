//! Describing: zarrs's own view of the node, as Zarr v3 metadata (v2 converted by zarrs), in the core model.

use std::path::Path;

use serde_json::{json, Map, Value};
use zarrs::array::{Array, ArrayCreateError, ArrayMetadata};
use zarrs::group::{Group, GroupCreateError};
use zn5_adapter_kit::{glue, hex, rejected};
use zn5_adapter_kit::{Failure, Outcome};

use crate::errors::{open_category, storage_category};
use crate::read::canonical_type;
use crate::store::{node_path, retrieve_version, storage};

pub(crate) fn v3_metadata<S: ?Sized>(array: &Array<S>) -> Outcome<Value> {
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
pub(crate) fn describe(store: &Path, node: &str, format: &str) -> Outcome<Value> {
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

