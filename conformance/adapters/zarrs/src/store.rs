//! The store of a case: a folder, or N5 through `zarrs_n5::N5Store`, and an array opened in it.

use std::path::Path;
use std::sync::Arc;

use zarrs::array::Array;
use zarrs::config::MetadataRetrieveVersion;
use zarrs::filesystem::FilesystemStore;
use zarrs::storage::ReadableStorageTraits;
use zn5_adapter_kit::rejected;
use zn5_adapter_kit::Outcome;

use crate::errors::open_category;

pub(crate) fn node_path(node: &str) -> String {
    format!("/{}", node.trim_matches('/'))
}

type Storage = Arc<dyn ReadableStorageTraits>;

/// The store of a case's format: a folder, or for N5 the folder behind `zarrs_n5::N5Store`.
/// `implicit_groups`: an N5 path without attributes.json is an empty group (for describing nodes;
/// a read of such a path then fails as "not an array" rather than "not found").
pub(crate) fn storage(folder: &Path, format: &str, implicit_groups: bool) -> Outcome<Storage> {
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

pub(crate) fn retrieve_version(format: &str) -> MetadataRetrieveVersion {
    match format {
        "zarr2" => MetadataRetrieveVersion::V2,
        "zarr3" | "n5" => MetadataRetrieveVersion::V3,
        _ => MetadataRetrieveVersion::Default,
    }
}

pub(crate) fn open_array(folder: &Path, node: &str, format: &str) -> Outcome<Array<dyn ReadableStorageTraits>> {
    let storage = storage(folder, format, false)?;
    Array::open_opt(storage, &node_path(node), &retrieve_version(format))
        .map_err(|e| rejected(open_category(&e), "open", e))
}

