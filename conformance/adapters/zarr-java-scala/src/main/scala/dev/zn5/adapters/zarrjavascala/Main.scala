package dev.zn5.adapters.zarrjavascala

import java.nio.file.Path
import java.util.Properties

import com.fasterxml.jackson.databind.JsonNode
import dev.zarr.zarrjava.{core, v2, v3}
import dev.zn5.kit.AdapterKit

import scala.jdk.CollectionConverters._
import scala.util.Using

import Json.Reading
import Library.Result

/**
 * The zn5 adapter for zarr-java, in Scala: one JVM serves a whole run. The protocol glue (message loop,
 * dispatch, array results, replies) is the Java adapter kit (conformance/adapters/kits/java, added to the
 * sources by pom.xml); this object holds its hooks. It drives the same library as the Java adapter in
 * conformance/adapters/zarr-java; it is not an independent implementation.
 */
object Main extends AdapterKit.Adapter {

  /** What zarr-java 0.0.9 supports, as capability tokens (conformance/corpus/capabilities.json). */
  val capabilities: Seq[String] = Seq(
    "format:zarr2", "format:zarr3", "op:read", "op:metadata", "op:write",
    "codec:bytes", "codec:transpose", "codec:blosc", "codec:gzip", "codec:zstd", "codec:crc32c",
    "codec:sharding_indexed", "codec:numcodecs.zlib",
    "chunk-key:default-slash", "chunk-key:default-dot", "chunk-key:v2-slash", "chunk-key:v2-dot",
    "feature:implicit-group", "feature:nested-sharding", "feature:undefined-fill", "feature:empty-axis",
    "feature:zero-dimensional", "store:http"
  ) ++ Canonical.elements.keys.toSeq.sorted.map(name => s"dtype:$name")

  /** (format, token) -> why: a claimed token zarr-java 0.0.9 does not have in that format; the hello reply lists
    * them as format_gaps, and the runner scores the cases that need them unsupported (PROTO-004). */
  val formatGaps: Map[(String, String), String] = Map(
    ("zarr2", "codec:gzip") -> "zarr-java 0.0.9 has no Zarr v2 gzip compressor (its v2 codecs are blosc and zlib; gzip is a v3 codec only)",
    ("zarr2", "codec:zstd") -> "zarr-java 0.0.9 has no Zarr v2 zstd compressor (its v2 codecs are blosc and zlib; zstd is a v3 codec only)",
    ("zarr2", "codec:crc32c") -> "zarr-java 0.0.9 has no Zarr v2 crc32c codec (its v2 codecs are blosc and zlib; crc32c is a v3 codec only)",
    ("zarr3", "codec:numcodecs.zlib") -> "zarr-java 0.0.9 has no Zarr v3 numcodecs.zlib codec (zlib is its Zarr v2 compressor only)")

  /** The zarr-java version on the class path, from the pom.properties its JAR carries. */
  lazy val libraryVersion: String = {
    val resource = "/META-INF/maven/dev.zarr/zarr-java/pom.properties"
    Using.resource(getClass.getResourceAsStream(resource)) { stream =>
      val properties = new Properties()
      properties.load(stream)
      properties.getProperty("version")
    }
  }

  def main(arguments: Array[String]): Unit = AdapterKit.serve(this)

  override def hello(): AdapterKit.Hello = new AdapterKit.Hello(
    "zarr-java", libraryVersion, "scala", "https://github.com/zarr-developers/zarr-java", "0.1.0",
    capabilities.asJava, formatGaps.keys.groupMap(_._1)(_._2).view.mapValues(_.toSeq.asJava).toMap.asJava)

  override def read(store: Path, node: String, format: String, selection: JsonNode): AdapterKit.ArrayValues =
    refusing(Library.openArray(Library.handle(store, node), format).flatMap(Library.read(_, selection)))

  override def describe(store: Path, node: String, format: String): JsonNode =
    Json(Describe(refusing(Library.openNode(Library.handle(store, node), format))))

  override def write(target: JsonNode, values: AdapterKit.ArrayValues, store: Path): Unit =
    refusing(Writing.write(target, Option(values), store))

  /** The value of a library call, or its refusal thrown for the kit to reply with. */
  private def refusing[A](result: Result[A]): A =
    result.fold(refusal => throw new AdapterKit.Refused(refusal.category, refusal.phase, refusal.message, null), identity)
}

/** Write cases: the group, or the array holding the case's values, through zarr-java's create entry points. */
object Writing {

  def write(target: JsonNode, values: Option[AdapterKit.ArrayValues], store: Path): Result[Unit] = {
    val description = target.get("metadata")
    val handle = Library.handle(store, target.at("/node").asText(""))
    val format = target.text("/format")
    require(format == "zarr2" || format == "zarr3", s"zarr-java writes no $format")
    // what zarr-java cannot express (Create's Left, e.g. a big-endian Zarr v2 data type) is refused up front
    // with a skipped reply: the library is never asked, so there is no refusal of its to score
    def unsupported(reason: String): Nothing =
      throw new AdapterKit.Skip(s"zarr-java ${Main.libraryVersion} cannot write this array: $reason")
    (description.text("/node_type"), values) match {
      case ("group", _) => Library.attempt("write") {
        if (format == "zarr2") v2.Group.create(handle, Create.attributes(description))
        else v3.Group.create(handle, Create.attributes(description))
        ()
      }
      case (_, Some(values)) =>
        for {
          built <- Library.attempt("write") {
                     if (format == "zarr2") Create.v2Array(description).map(m => v2.Array.create(handle, m): core.Array)
                     else Create.v3Array(description).map(m => v3.Array.create(handle, m): core.Array)
                   }
          array = built.fold(unsupported, identity)
          _     <- Library.attempt("write") {
                     val element = Canonical.element(array.metadata().dataType())
                     array.write(Canonical.fromBytes(values.raw, element, values.intShape, array.metadata().dataType().getMA2DataType))
                   }
        } yield ()
      case (_, None) => throw new IllegalArgumentException("an array write without values")
    }
  }
}
