//! zn5 adapter kit for Rust: the protocol glue of a zn5 conformance adapter in one file.
//!
//! Use it as a path dependency (`zn5-adapter-kit = { path = "…/kits/rust" }`) or copy this file into
//! your adapter as a module; it needs `serde_json` and `sha2` only. See README.md.
//!
//! The kit speaks the adapter protocol (spec/adapter-protocol.md): one JSON message per line on stdin,
//! one reply per line on stdout (hello, run, stop). [`serve`] dispatches each case on its operation to
//! the hooks of an [`Adapter`], reads the stores of an equivalence case in the formats the adapter
//! declares, writes array results (`array.json` beside raw little-endian C-order bytes) and turns a
//! hook's [`Failure`] into a rejected, skipped or adapter-error reply.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Component, Path, PathBuf};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The protocol version the kit speaks.
pub const PROTOCOL: u64 = 1;

/// How a hook ended when it did not produce a result.
#[derive(Debug)]
pub enum Failure {
    /// The library refused the input: a rejected reply (category: spec/conventions.md#errors).
    Rejected { category: &'static str, phase: &'static str, message: String },
    /// The adapter cannot run the case, and says why: a skipped reply.
    Skipped(String),
    /// The adapter's own glue failed: an adapter-error reply.
    Glue(String),
}

/// What a hook returns.
pub type Outcome<T> = Result<T, Failure>;

/// A refusal of the library in `phase` ("open", "read" or "write").
pub fn rejected(category: &'static str, phase: &'static str, error: impl std::fmt::Display) -> Failure {
    Failure::Rejected { category, phase, message: error.to_string() }
}

/// A `map_err` for the glue's own failures: "`what`: the error".
pub fn glue<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> Failure + '_ {
    move |error| Failure::Glue(format!("{what}: {error}"))
}

/// A path inside `root` (no `..`, not absolute).
pub fn inside(root: &Path, relative: &str) -> Outcome<PathBuf> {
    let path = Path::new(relative);
    if path.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Err(Failure::Glue(format!("{relative} does not lie inside {}", root.display())));
    }
    Ok(root.join(path))
}

/// Lower-case hex of bytes (fill values are tagged `{"hex": …}`, little-endian).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of a hex string.
pub fn unhex(text: &str) -> Outcome<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<_, _>>()
        .map_err(glue("decode hex"))
}

// Selections.

/// One axis of a case selection, clipped to the array: `start..stop` every `step`; `keep` is false
/// for an integer index, whose axis the result drops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Axis {
    pub start: u64,
    pub stop: u64,
    pub step: u64,
    pub keep: bool,
}

impl Axis {
    /// The number of elements selected along the axis.
    pub fn count(&self) -> u64 {
        (self.stop - self.start).div_ceil(self.step)
    }

    /// The length of the box from the first to the last selected element (0 when none is).
    pub fn span(&self) -> u64 {
        if self.count() == 0 { 0 } else { (self.count() - 1) * self.step + 1 }
    }
}

/// The axes of a case selection over an array of `shape`: per axis an integer index or
/// `[start, stop, step]`, bounds clipped to the axis as Python slices are; null selects everything,
/// a missing trailing axis all of it. A selection the array cannot take is refused ("selection").
pub fn axes(selection: &Value, shape: &[u64]) -> Outcome<Vec<Axis>> {
    let items = selection.as_array().map(Vec::as_slice).unwrap_or(&[]);
    if items.len() > shape.len() {
        return Err(rejected(
            "selection",
            "read",
            format!("a selection of {} axes for an array of {}", items.len(), shape.len()),
        ));
    }
    let signed = |length: u64, value: i64| if value < 0 { value + length as i64 } else { value };
    shape
        .iter()
        .enumerate()
        .map(|(axis, &length)| match items.get(axis) {
            None => Ok(Axis { start: 0, stop: length, step: 1, keep: true }),
            Some(Value::Number(number)) => {
                let index = number.as_i64().map(|i| signed(length, i)).unwrap_or(-1);
                if index < 0 || index as u64 >= length {
                    return Err(rejected("selection", "read", format!("index {number} out of range for an axis of {length}")));
                }
                Ok(Axis { start: index as u64, stop: index as u64 + 1, step: 1, keep: false })
            }
            Some(Value::Array(parts)) => {
                let part = |i: usize| parts.get(i).and_then(Value::as_i64);
                let (Some(start), Some(stop), Some(step)) = (part(0), part(1), part(2)) else {
                    return Err(Failure::Glue(format!("bad slice {}", items[axis])));
                };
                if step <= 0 {
                    return Err(rejected("selection", "read", format!("slice step {step} is not positive")));
                }
                let clip = |value: i64| signed(length, value).clamp(0, length as i64) as u64;
                let start = clip(start);
                Ok(Axis { start, stop: clip(stop).max(start), step: step as u64, keep: true })
            }
            Some(other) => Err(Failure::Glue(format!("bad selection item {other}"))),
        })
        .collect()
}

/// The selected elements of a C-order box, the box spanning the selection (each axis
/// [`Axis::span`] long from its start), as C-order bytes of elements of `itemsize` bytes.
pub fn pick(raw: &[u8], axes: &[Axis], itemsize: usize) -> Vec<u8> {
    let counts: Vec<u64> = axes.iter().map(Axis::count).collect();
    let total: u64 = counts.iter().product();
    let mut strides = vec![1u64; axes.len()];
    for axis in (0..axes.len().saturating_sub(1)).rev() {
        strides[axis] = strides[axis + 1] * axes[axis + 1].span();
    }
    let mut out = Vec::with_capacity(total as usize * itemsize);
    let mut index = vec![0u64; axes.len()];
    for _ in 0..total {
        let offset: u64 = index.iter().zip(axes).zip(&strides).map(|((i, a), s)| i * a.step * s).sum();
        let at = offset as usize * itemsize;
        out.extend_from_slice(&raw[at..at + itemsize]);
        for axis in (0..axes.len()).rev() {
            index[axis] += 1;
            if index[axis] < counts[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
    out
}

/// The shape of a selection's result: the counts of the kept axes.
pub fn result_shape(axes: &[Axis]) -> Vec<u64> {
    axes.iter().filter(|a| a.keep).map(Axis::count).collect()
}

// Array results: array.json beside raw little-endian C-order bytes (schemas/project/array.schema.json).

/// Array values in the protocol's form: a canonical data type name, a shape and the elements as
/// little-endian C-order bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArrayValues {
    pub data_type: String,
    pub shape: Vec<u64>,
    pub raw: Vec<u8>,
}

/// Write `values` as `array.json` + `array.bin` into `folder`.
pub fn write_array(folder: &Path, values: &ArrayValues) -> Outcome<()> {
    std::fs::create_dir_all(folder).map_err(glue("create the output folder"))?;
    std::fs::write(folder.join("array.bin"), &values.raw).map_err(glue("write array.bin"))?;
    let document = json!({
        "data_type": values.data_type,
        "file": "array.bin",
        "sha256": hex(&Sha256::digest(&values.raw)),
        "shape": values.shape,
    });
    let text = serde_json::to_string_pretty(&document).map_err(glue("encode array.json"))?;
    std::fs::write(folder.join("array.json"), text + "\n").map_err(glue("write array.json"))
}

/// The values of an input `array.json` and the bytes it names, checked against their sha256.
pub fn read_array(path: &Path) -> Outcome<ArrayValues> {
    let text = std::fs::read_to_string(path).map_err(glue("read the input array.json"))?;
    let document: Value = serde_json::from_str(&text).map_err(glue("parse the input array.json"))?;
    let file = document["file"].as_str().unwrap_or("array.bin");
    let raw = std::fs::read(path.parent().unwrap_or(Path::new(".")).join(file)).map_err(glue("read the input bytes"))?;
    if document["sha256"].as_str() != Some(hex(&Sha256::digest(&raw)).as_str()) {
        return Err(Failure::Glue(format!("{}: the bytes of {file} do not match their sha256", path.display())));
    }
    Ok(ArrayValues {
        data_type: document["data_type"].as_str().unwrap_or("").to_string(),
        shape: document["shape"].as_array().into_iter().flatten().filter_map(Value::as_u64).collect(),
        raw,
    })
}

// The adapter.

/// Who the library is and what it claims, for the hello reply.
pub struct Hello {
    /// The implementation: name, exact version, language, homepage.
    pub name: String,
    pub version: String,
    pub language: String,
    pub homepage: String,
    /// The adapter's own version.
    pub adapter_version: String,
    /// Capability tokens (conformance/corpus/capabilities.json).
    pub capabilities: Vec<String>,
    /// Declared tokens the library lacks in one format, by format (`{"zarr2": ["codec:gzip"]}`).
    pub format_gaps: BTreeMap<String, Vec<String>>,
}

impl Hello {
    /// The hello of an implementation `name` `version` in `language` (`homepage` may be empty), adapted
    /// by an adapter of version `adapter_version` that claims what `declared` says.
    pub fn new(name: &str, version: &str, language: &str, homepage: &str, adapter_version: &str, declared: Declaration) -> Hello {
        let Declaration { capabilities, format_gaps } = declared;
        Hello {
            name: name.into(),
            version: version.into(),
            language: language.into(),
            homepage: homepage.into(),
            adapter_version: adapter_version.into(),
            capabilities,
            format_gaps,
        }
    }
}

/// What an adapter claims, as its `capabilities.json` states it
/// (schemas/project/adapter-capabilities.schema.json): the tokens, and by format the tokens of its
/// format gaps; the reasons of the gaps stay in the file.
pub struct Declaration {
    pub capabilities: Vec<String>,
    pub format_gaps: BTreeMap<String, Vec<String>>,
}

impl Declaration {
    /// The declaration of a `capabilities.json`, embedded with `include_str!` (so malformed JSON, which
    /// the project's tests rule out, is a panic).
    pub fn parse(json: &str) -> Declaration {
        let document: Value = serde_json::from_str(json).expect("capabilities.json is JSON");
        let strings = |tokens: &Value| -> Vec<String> {
            tokens.as_array().into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
        };
        let format_gaps = document["format_gaps"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(format, reasons)| {
                (format.clone(), reasons.as_object().into_iter().flatten().map(|(token, _)| token.clone()).collect())
            })
            .collect();
        Declaration { capabilities: strings(&document["capabilities"]), format_gaps }
    }
}

/// The hooks of an adapter; the kit does the rest.
///
/// `store` is the absolute folder of a store, `node` its node path ("" for the root), `format` the
/// case's ("zarr2", "zarr3", "n5" or "any"), `selection` the case's (null for everything, see [`axes`]).
pub trait Adapter {
    /// Who the library is and what it claims.
    fn hello(&self) -> Hello;

    /// The values of a selection (read, reject and equivalence cases).
    fn read(&self, store: &Path, node: &str, format: &str, selection: &Value) -> Outcome<ArrayValues>;

    /// The canonical description of a node (metadata cases; schemas/project/node.schema.json).
    fn describe(&self, _store: &Path, _node: &str, _format: &str) -> Outcome<Value> {
        Err(Failure::Skipped("the adapter does not describe nodes".into()))
    }

    /// Write the node `target` (the case's operation.target: format, node, metadata) into a new store
    /// at `store`, holding `values` (None for a group) (write cases).
    fn write(&self, _target: &Value, _values: Option<ArrayValues>, _store: &Path) -> Outcome<()> {
        Err(Failure::Skipped("the adapter does not write".into()))
    }
}

/// The hello reply of an adapter.
pub fn hello_reply(adapter: &impl Adapter) -> Value {
    let hello = adapter.hello();
    let mut capabilities = hello.capabilities;
    capabilities.sort_unstable();
    capabilities.dedup();
    let mut reply = json!({
        "protocol": PROTOCOL,
        "implementation": {"name": hello.name, "version": hello.version, "language": hello.language},
        "adapter": {"version": hello.adapter_version},
        "capabilities": capabilities,
    });
    if !hello.homepage.is_empty() {
        reply["implementation"]["homepage"] = json!(hello.homepage);
    }
    let gaps: Map<String, Value> = hello
        .format_gaps
        .into_iter()
        .filter(|(_, tokens)| !tokens.is_empty())
        .map(|(format, mut tokens)| {
            tokens.sort_unstable();
            (format, json!(tokens))
        })
        .collect();
    if !gaps.is_empty() {
        reply["format_gaps"] = Value::Object(gaps);
    }
    reply
}

/// The result of one case: dispatch on its operation to the adapter's hooks.
pub fn run_case(adapter: &impl Adapter, case: &Value, input: &Path, output: &Path) -> Outcome<Value> {
    let operation = &case["operation"];
    let format = case["format"].as_str().unwrap_or("any");
    let node = case["input"]["node"].as_str().unwrap_or("");
    let selection = &operation["selection"];
    let store = || inside(input, case["input"]["store"].as_str().unwrap_or(""));
    match operation["op"].as_str().unwrap_or("") {
        "write" => {
            let target = &operation["target"];
            let values = match target["metadata"]["node_type"].as_str() {
                Some("group") => None,
                _ => Some(read_array(&inside(input, case["input"]["array"].as_str().unwrap_or(""))?)?),
            };
            let folder = output.join("store");
            std::fs::create_dir_all(&folder).map_err(glue("create the store folder"))?;
            adapter.write(target, values, &folder)?;
            Ok(json!({"store": "store"}))
        }
        "metadata" => Ok(json!({"node": adapter.describe(&store()?, node, format)?})),
        "read" => match case["input"]["stores"].as_object() {
            Some(stores) => {
                let declared = adapter.hello().capabilities;
                let mut arrays = Map::new();
                for (format, folder) in stores {
                    if !declared.iter().any(|token| *token == format!("format:{format}")) {
                        continue;
                    }
                    let values = adapter.read(&inside(input, folder.as_str().unwrap_or(""))?, node, format, selection)?;
                    write_array(&output.join(format), &values)?;
                    arrays.insert(format.clone(), json!(format!("{format}/array.json")));
                }
                Ok(json!({"arrays": arrays}))
            }
            None => {
                write_array(output, &adapter.read(&store()?, node, format, selection)?)?;
                Ok(json!({"array": "array.json"}))
            }
        },
        other => Err(Failure::Glue(format!("unknown operation {other}"))),
    }
}

/// The reply (with its seq) to a run message.
pub fn run_reply(adapter: &impl Adapter, message: &Value) -> Value {
    let seq = message["seq"].clone();
    let input = PathBuf::from(message["input"].as_str().unwrap_or(""));
    let output = PathBuf::from(message["output"].as_str().unwrap_or(""));
    match run_case(adapter, &message["case"], &input, &output) {
        Ok(result) => json!({"seq": seq, "status": "ok", "result": result}),
        Err(Failure::Rejected { category, phase, message }) => json!({
            "seq": seq, "status": "rejected",
            "error": {"category": category, "phase": phase, "message": message},
        }),
        Err(Failure::Skipped(reason)) => json!({"seq": seq, "status": "skipped", "reason": reason}),
        Err(Failure::Glue(message)) => json!({"seq": seq, "status": "adapter-error", "message": message}),
    }
}

/// Serve the protocol on stdin and stdout until stop or the end of input. The adapter must print
/// nothing to stdout itself (use `eprintln!`): stdout carries the replies alone (PROTO-001).
pub fn serve(adapter: &impl Adapter) {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let message: Value = match serde_json::from_str(&line) {
            Ok(message) => message,
            Err(_) => {
                eprintln!("adapter: ignoring a line that is no JSON: {}", line.chars().take(200).collect::<String>());
                continue;
            }
        };
        let reply = match message["cmd"].as_str() {
            Some("stop") => break,
            Some("hello") => hello_reply(adapter),
            Some("run") => run_reply(adapter, &message),
            _ => continue,
        };
        let _ = writeln!(stdout, "{reply}");
        let _ = stdout.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(start: u64, stop: u64, step: u64, keep: bool) -> Axis {
        Axis { start, stop, step, keep }
    }

    #[test]
    fn axes_clip_as_python_slices_do() {
        let table = [
            (json!(null), vec![3, 4], vec![axis(0, 3, 1, true), axis(0, 4, 1, true)]),
            (json!([[1, 9, 3]]), vec![10, 2], vec![axis(1, 9, 3, true), axis(0, 2, 1, true)]),
            (json!([[2, 99, 1], 1]), vec![5, 3], vec![axis(2, 5, 1, true), axis(1, 2, 1, false)]),
            (json!([-1, [-3, -1, 1]]), vec![4, 6], vec![axis(3, 4, 1, false), axis(3, 5, 1, true)]),
            (json!([[7, 2, 1]]), vec![9], vec![axis(7, 7, 1, true)]),
        ];
        for (selection, shape, expected) in table {
            assert_eq!(axes(&selection, &shape).unwrap(), expected, "{selection}");
        }
    }

    #[test]
    fn axes_refuse_what_the_array_cannot_take() {
        for (selection, shape) in [(json!([1, 2]), vec![5]), (json!([5]), vec![5]), (json!([[0, 5, 0]]), vec![5])] {
            assert!(matches!(axes(&selection, &shape), Err(Failure::Rejected { category: "selection", .. })), "{selection}");
        }
    }

    #[test]
    fn pick_keeps_steps_and_drops_indexed_axes() {
        // rows 0 and 2 (step 2) of column 3 (an index) of a 3x5 array of one-byte elements 0..15:
        // the box spanning them is rows 0 to 2 of column 3
        let selected = [axis(0, 3, 2, true), axis(3, 4, 1, false)];
        assert_eq!([selected[0].span(), selected[1].span()], [3, 1]);
        assert_eq!(pick(&[3, 8, 13], &selected, 1), vec![3, 13]);
        assert_eq!(result_shape(&selected), vec![2]);
    }

    struct Fake;

    impl Adapter for Fake {
        fn hello(&self) -> Hello {
            Hello {
                name: "fake".into(),
                version: "1".into(),
                language: "rust".into(),
                homepage: String::new(),
                adapter_version: "0".into(),
                capabilities: vec!["op:read".into(), "format:zarr3".into()],
                format_gaps: BTreeMap::from([("zarr2".into(), vec![]), ("zarr3".into(), vec!["op:write".into(), "codec:gzip".into()])]),
            }
        }

        fn read(&self, _store: &Path, _node: &str, format: &str, _selection: &Value) -> Outcome<ArrayValues> {
            Ok(ArrayValues { data_type: "uint8".into(), shape: vec![1], raw: vec![format.len() as u8] })
        }
    }

    #[test]
    fn a_declaration_keeps_the_tokens_and_drops_the_reasons_of_the_gaps() {
        let declared = Declaration::parse(
            r#"{"about": "a", "capabilities": ["format:n5", "op:read"], "format_gaps": {"n5": {"op:write": "read-only"}}}"#,
        );
        assert_eq!(declared.capabilities, vec!["format:n5", "op:read"]);
        assert_eq!(declared.format_gaps, BTreeMap::from([("n5".into(), vec!["op:write".into()])]));
        assert!(Declaration::parse(r#"{"about": "a", "capabilities": []}"#).format_gaps.is_empty());
    }

    #[test]
    fn hello_reply_sorts_tokens_and_leaves_out_empty_gaps() {
        let reply = hello_reply(&Fake);
        assert_eq!(reply["capabilities"], json!(["format:zarr3", "op:read"]));
        assert_eq!(reply["format_gaps"], json!({"zarr3": ["codec:gzip", "op:write"]}));
        assert!(reply["implementation"].get("homepage").is_none());
    }

    #[test]
    fn an_equivalence_case_reads_the_declared_formats_and_round_trips() {
        let output = std::env::temp_dir().join(format!("zn5-kit-test-{}", std::process::id()));
        let case = json!({"format": "any", "operation": {"op": "read", "selection": null},
                          "input": {"stores": {"zarr2": "a", "zarr3": "b"}}});
        let result = run_case(&Fake, &case, Path::new("/input"), &output).unwrap();
        assert_eq!(result, json!({"arrays": {"zarr3": "zarr3/array.json"}}));
        let values = read_array(&output.join("zarr3/array.json")).unwrap();
        assert_eq!(values, ArrayValues { data_type: "uint8".into(), shape: vec![1], raw: vec![5] });
        std::fs::remove_dir_all(output).unwrap();
    }

    #[test]
    fn run_replies_carry_the_seq_and_the_failure() {
        let message = json!({"cmd": "run", "seq": 7, "input": "/input", "output": "/output",
                             "case": {"format": "zarr3", "operation": {"op": "metadata"}, "input": {"store": "s"}}});
        assert_eq!(
            run_reply(&Fake, &message),
            json!({"seq": 7, "status": "skipped", "reason": "the adapter does not describe nodes"})
        );
        assert!(matches!(inside(Path::new("/input"), "../x"), Err(Failure::Glue(_))));
    }
}
