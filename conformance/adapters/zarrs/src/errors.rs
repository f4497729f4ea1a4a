//! The protocol's error category of each zarrs error (spec/adapter-protocol.md).

use zarrs::array::{ArrayCreateError, ArrayError};
use zarrs::plugin::PluginCreateError;
use zarrs::storage::StorageError;

fn plugin_category(error: &PluginCreateError) -> &'static str {
    match error {
        PluginCreateError::Unsupported(_) => "unsupported",
        _ => "metadata",
    }
}

pub(crate) fn storage_category(error: &StorageError) -> &'static str {
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

pub(crate) fn open_category(error: &ArrayCreateError) -> &'static str {
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

pub(crate) fn read_category(error: &ArrayError) -> &'static str {
    match error {
        ArrayError::StorageError(error) => storage_category(error),
        ArrayError::InvalidArraySubset(..)
        | ArrayError::IncompatibleDimensionalityError(_)
        | ArrayError::ArraySubsetError(_) => "selection",
        _ => "chunk",
    }
}

pub(crate) fn write_category(error: &ArrayError) -> &'static str {
    match error {
        ArrayError::StorageError(error) => storage_category(error),
        ArrayError::CodecError(_) => "codec",
        _ => "unsupported",
    }
}
