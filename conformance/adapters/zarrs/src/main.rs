//! zn5 conformance adapter for the `zarrs` crate (https://zarrs.dev).
//!
//! The protocol glue (message loop, dispatch, array results, replies) is the Rust adapter kit,
//! conformance/adapters/kits/rust (crate zn5-adapter-kit); the modules of this crate hold what is zarrs's:
//! `store` (the store of a case), `read`, `describe`, `write`, and `errors` (their refusals' categories).
//! Reads Zarr v3 and v2 with `Array::open_opt`, N5 through `zarrs_n5::N5Store` (read-only),
//! writes Zarr v3 (and v2, from v2 metadata) with `Array::new_with_metadata` + `store_array_subset`.
//! Values leave as canonical array.json + array.bin: `ArrayBytes::Fixed` is already C order and
//! native endian, which the check below makes little.

mod describe;
mod errors;
mod read;
mod store;
mod write;

use std::path::Path;

use serde_json::Value;
use zn5_adapter_kit::{Adapter, ArrayValues, Declaration, Hello, Outcome};

use crate::describe::describe;
use crate::read::read_values;
use crate::write::write_node;

#[cfg(target_endian = "big")]
compile_error!("the adapter writes zarrs's native-endian values as the canonical little-endian array.bin");

const ADAPTER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the library implements, and why not more: the adapter's capabilities.json, embedded.
const CAPABILITIES: &str = include_str!("../capabilities.json");

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
