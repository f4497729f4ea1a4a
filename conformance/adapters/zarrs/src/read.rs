//! Reading: zarrs's data type names in the core model, and an array's values as canonical bytes.

use std::path::Path;

use serde_json::{Map, Value};
use zarrs::array::{ArrayBytes, ArraySubset};
use zn5_adapter_kit::{axes, glue, pick, rejected, result_shape};
use zn5_adapter_kit::{ArrayValues, Failure, Outcome};

use crate::describe::v3_metadata;
use crate::errors::read_category;
use crate::store::open_array;

/// The canonical name of a Zarr v3 data type document as zarrs writes it.
pub(crate) fn canonical_type(data_type: &Value) -> Outcome<String> {
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
pub(crate) fn read_values(store: &Path, node: &str, format: &str, selection: &Value) -> Outcome<ArrayValues> {
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

